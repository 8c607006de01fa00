// The window's commands, listed once: each with its arguments (as the UI sends them,
// in camelCase) and its result. `main.rs` builds the invoke handler from this list,
// `build.rs` (which `include!`s this file) the `allow-…` permissions, `bindings.rs`
// the `Commands` map of ui/src/lib/api/generated/bindings.ts, and a test checks
// that capabilities/main.json grants exactly these commands and another that each
// command's function takes and gives the types named here (`tests` in bindings.rs).
// Plain `//` comments: `build.rs` includes this file where `//!` may not stand.

/// Calls `$then!` with every command as `module::name(arg: Type, …) -> Result;`. A
/// command that fails rejects with an `ApiError`.
macro_rules! command_list {
    ($then:ident) => {
        $then! {
            commands::case_info() -> CaseInfo;
            commands::launch_info() -> LaunchInfo;
            commands::list_sources() -> Vec<WireSource>;
            commands::set_source_service(source_id: i64, name: String) -> u64;
            commands::cancel_load(id: u64) -> bool;
            commands::open_files(folder: bool) -> ();
            commands::load_launch_files() -> Option<u64>;
            commands::resume_source(source_id: i64) -> Option<u64>;
            commands::remove_source(source_id: i64) -> ();
            follows::set_follow(source_id: i64, on: bool) -> Vec<i64>;
            follows::followed_sources() -> Vec<i64>;
            listen::start_listening(http: Option<String>, grpc: Option<String>) -> ListenState;
            listen::stop_listening() -> Option<ListenCounts>;
            listen::listen_state() -> Option<ListenState>;
            search::list_traces(
                limit: u64,
                offset: u64,
                query: Option<String>,
                sort: Option<TraceSort>
            ) -> Vec<TraceSummary>;
            search::search_logs(query: String, anchor: WireAnchor, limit: u32) -> WireLogPage;
            search::count_logs(query: String, at_most: u32) -> LogCount;
            search::log_histogram(
                query: String,
                buckets: u32,
                start_ns: Option<i64>,
                end_ns: Option<i64>
            ) -> Histogram;
            search::time_density(query: String) -> TimeDensity;
            search::log_facets(query: String) -> Facets;
            search::log_facets_upto(query: String, at_most: u32) -> Facets;
            search::query_vocabulary() -> Vocabulary;
            search::get_trace(trace_id: String) -> WireTrace;
            search::find_trace(text: String) -> Option<String>;
            search::set_skew_adjustment(trace_id: String, adjust: bool) -> ();
            search::compare_traces(a: String, b: String) -> Vec<CompareNode>;
            search::compare_selection(selection: String, baseline: Option<String>)
                -> SelectionComparison;
            search::logs_of_span(trace_id: String, span_id: Option<String>, limit: u64)
                -> Vec<LogView>;
            search::log_context(log_id: i64, before: u32, after: u32) -> Vec<LogView>;
            services::service_report(query: String, buckets: u32) -> ServiceReport;
            services::slo_report(buckets: u32) -> Vec<WireSloReport>;
            services::add_objective(operation: String, p95: String, errors: String) -> i64;
            services::remove_objective(id: i64) -> ();
            sampling::simulate_sampling(config: String, query: Option<String>) -> SamplingOutcome;
            sampling::applied_sampling() -> Option<AppliedSampling>;
            sampling::load_sampling_config() -> Option<PolicyFile>;
            quality::doctor(query: String) -> Doctor;
            notebook::list_marks() -> Notebook;
            notebook::add_mark(draft: WireNewMark) -> i64;
            notebook::edit_mark(id: i64, edit: WireMarkEdit) -> ();
            notebook::remove_mark(id: i64) -> bool;
            notebook::render_note(note: String) -> Vec<Block>;
            notebook::export_report(path: String, format: ReportFormat) -> Vec<String>;
            export::choose_export_path(format: ExportFormat) -> Option<String>;
            export::export_records(path: String, format: ExportFormat, scope: ExportScope)
                -> ExportCounts;
            notebook::choose_report_path() -> Option<ReportTarget>;
            quality::trace_findings(trace_id: String) -> Vec<Finding>;
            trace_rows::trace_outline(trace_id: String) -> TraceOutline;
            trace_rows::trace_rows(trace_id: String, start: u32, end: u32, collapsed: Vec<String>)
                -> TraceRows;
            trace_rows::trace_summary(
                trace_id: String,
                start_ns: String,
                end_ns: String,
                buckets: u32,
                collapsed: Vec<String>
            ) -> TraceOverview;
            trace_rows::trace_find(trace_id: String, text: String, collapsed: Vec<String>)
                -> TraceFind;
            trace_rows::trace_row_of(trace_id: String, span_id: String, collapsed: Vec<String>)
                -> Option<u32>;
            trace_rows::trace_collapse_to_depth(trace_id: String, depth: u32) -> Vec<String>;
            trace_rows::span_detail(trace_id: String, span_id: String) -> WireSpan;
        }
    };
}

/// The names of the commands of `command_list!`, in its order (for build.rs and the tests).
#[allow(unused_macros)]
macro_rules! command_names {
    ($($module:ident :: $name:ident ($($arg:ident : $type:ty),* $(,)?) -> $result:ty;)*) => {
        &[$(stringify!($name)),*]
    };
}
