//! Engine integration tests: real fixture files, real case files in temp dirs,
//! and the real `weft` binary for the CLI contract. One binary, one module per topic.

mod analysis;
mod bad_input;
mod bulk_rows;
mod case_file;
mod cli;
mod common;
mod concurrency;
mod corpus;
mod correlation;
mod doctor;
mod edge_queries;
mod edit;
mod encodings;
mod export;
mod follow;
mod fuzz_regressions;
mod golden;
mod index_plans;
mod interrupted;
mod kill;
mod log_counts;
mod normalize;
mod notebook;
mod receive;
mod regex_search;
mod rollups;
mod sample;
mod search;
mod services;
mod sources;
mod time_density;
mod times;
mod trace_quality;
mod trace_rows;
mod turns;
