//! The one error type the window sees: `{ code, message }`. The UI branches on
//! `code` (a stable snake_case word) and shows `message` to people; it never
//! parses the message. Engine errors are mapped to codes here and nowhere else.

use serde::Serialize;
use weft::ids::IdError;
use weft::query::QueryError;
use weft::StoreError;

/// Stable error codes; the UI's `WeftError.code` has the same values (bindings.ts `Code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// The case file could not be opened, created or migrated.
    CaseUnavailable,
    /// A query on an open case failed.
    Database,
    /// The search-box text is not a valid query; `column` says where.
    Query,
    /// An argument is malformed (an id that is not hex, …).
    BadInput,
    /// The trace or log asked for is not in the case.
    NotFound,
    /// The Listen switch's receiver could not start (an address in use, …) or failed.
    Listen,
}

/// What a command returns on failure; serializes as `{ "code": …, "message": … }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ApiError {
    pub code: Code,
    pub message: String,
    /// For `Code::Query`: the 1-based column of the query text the error points at.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub column: Option<usize>,
}

impl ApiError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            column: None,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        let code = match error {
            StoreError::Query(error) => return ApiError::from(error),
            StoreError::Open { .. }
            | StoreError::CreateDir { .. }
            | StoreError::Migrate { .. }
            | StoreError::Newer { .. }
            | StoreError::NotACase { .. } => Code::CaseUnavailable,
            StoreError::NoSource(_) => Code::NotFound,
            StoreError::Sql(_) | StoreError::Bulk(_) | StoreError::RowsThread => Code::Database,
        };
        ApiError::new(code, error.to_string())
    }
}

impl From<QueryError> for ApiError {
    fn from(error: QueryError) -> Self {
        ApiError {
            code: Code::Query,
            message: error.to_string(),
            column: Some(error.column()),
        }
    }
}

impl From<IdError> for ApiError {
    fn from(error: IdError) -> Self {
        ApiError::new(Code::BadInput, error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_and_message() {
        let error = ApiError::new(Code::CaseUnavailable, "cannot open case /x.weft");
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "code": "case_unavailable", "message": "cannot open case /x.weft" })
        );
    }

    #[test]
    fn a_query_error_carries_its_column() {
        let error = ApiError::from(weft::query::parse("level>=loud", 0).unwrap_err());
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "query");
        assert!(json["column"].as_u64().unwrap() >= 1, "{json}");
        assert!(error.message.contains("loud"), "{}", error.message);
    }

    /// A query only the case can refuse (an ambiguous id prefix) is a query error too.
    #[test]
    fn a_query_error_from_the_store_carries_its_column() {
        let error = ApiError::from(StoreError::Query(weft::query::QueryError::AmbiguousId {
            column: 7,
            kind: "trace",
            prefix: "aaaaaaaa".into(),
            candidates: "aaaaaaaa01, aaaaaaaa02".into(),
        }));
        assert_eq!(error.code, Code::Query);
        assert_eq!(error.column, Some(7));
        assert!(error.message.contains("aaaaaaaa02"), "{}", error.message);
    }

    #[test]
    fn a_case_that_cannot_be_created_is_unavailable() {
        let error = ApiError::from(StoreError::CreateDir {
            path: "/proc/no/case.weft".into(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        });
        assert_eq!(error.code, Code::CaseUnavailable);
        assert!(
            error.message.contains("/proc/no/case.weft"),
            "{}",
            error.message
        );
    }
}
