//! What every reader shares with SQLite: a statement of our own SQL text with a
//! `Condition`'s parameters bound in order, the `LIMIT`/`OFFSET` of a list, and
//! the columns that need reading (hex ids, JSON). No query text is pasted here;
//! it arrives as `query::Param`s.

use serde_json::Value;
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{AssertSqlSafe, Row, Sqlite};

use crate::query::Param;

/// A `sqlx` query of our own SQL text with `params` bound to its `?`s in order.
pub(super) fn query_with(sql: String, params: &[Param]) -> Query<'static, Sqlite, SqliteArguments> {
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for param in params {
        query = match param {
            Param::Int(value) => query.bind(*value),
            Param::Real(value) => query.bind(*value),
            Param::Text(value) => query.bind(value.clone()),
            Param::Blob(value) => query.bind(value.clone()),
        };
    }
    query
}

/// Appends ` LIMIT ? OFFSET ?` and their values; `limit` 0 means no limit.
pub(super) fn push_page(sql: &mut String, params: &mut Vec<Param>, limit: u64, offset: u64) {
    let limit = if limit == 0 {
        -1
    } else {
        limit.min(i64::MAX as u64) as i64
    };
    sql.push_str(" LIMIT ? OFFSET ?");
    params.extend([
        Param::Int(limit),
        Param::Int(offset.min(i64::MAX as u64) as i64),
    ]);
}

/// A blob column (a trace or span id) as lowercase hex; `None` when NULL.
pub(in crate::store) fn hex_column(row: &SqliteRow, column: &str) -> Option<String> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let bytes: Option<&[u8]> = row.get(column);
    bytes.map(|bytes| {
        let mut text = String::with_capacity(bytes.len() * 2);
        for byte in bytes {
            text.push(char::from(DIGITS[usize::from(byte >> 4)]));
            text.push(char::from(DIGITS[usize::from(byte & 0xf)]));
        }
        text
    })
}

/// A JSON text column as a value; text that is not JSON stays a string.
pub(super) fn json_column(row: &SqliteRow, column: &str) -> Value {
    let text: String = row.get(column);
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}
