//! The one error type the window sees: `{ code, message }`. The UI branches on
//! `code` (a stable snake_case word) and shows `message` to people; it never
//! parses the message. Engine errors are mapped to codes here and nowhere else.

use serde::Serialize;
use weft::StoreError;

/// Stable error codes; the UI's `WeftError.code` has the same values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// The case file could not be opened, created or migrated.
    CaseUnavailable,
    /// A query on an open case failed.
    Database,
}

/// What a command returns on failure; serializes as `{ "code": …, "message": … }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    pub code: Code,
    pub message: String,
}

impl ApiError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
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
            StoreError::Open { .. } | StoreError::CreateDir { .. } | StoreError::Migrate { .. } => {
                Code::CaseUnavailable
            }
            StoreError::Sql(_) => Code::Database,
        };
        ApiError::new(code, error.to_string())
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
