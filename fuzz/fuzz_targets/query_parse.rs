//! Fuzzes the query language: any text parses to a query or a `QueryError`, and a
//! parsed query compiles to SQL for logs and traces without a panic; the text as a
//! regex gives its required pieces (`query::literals`) without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weft::query::{self, LogSql, Resolved, TraceSql};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = query::literals::required_pieces(text);
    if let Ok(parsed) = query::parse(text, 1_700_000_000_000_000_000) {
        let nothing_looked_up = Resolved::default();
        let _ = LogSql::condition(&parsed, &nothing_looked_up);
        let _ = LogSql::fts_match(&parsed, &nothing_looked_up);
        let _ = TraceSql::condition(&parsed, &nothing_looked_up);
    }
});
