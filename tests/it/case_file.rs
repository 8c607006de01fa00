//! The case file as a file (issue 21): its `application_id` (what the desktop's mime
//! entry matches), a case from a newer Weft refused untouched, and an older one —
//! without the marker — upgraded and given it.

use std::path::Path;
use std::process::Command;

use weft::{known_schema, Store, StoreError, APPLICATION_ID};

/// Bytes 68..72 of the file: SQLite's header field for `PRAGMA application_id`.
fn header_application_id(path: &Path) -> u32 {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..16], b"SQLite format 3\0");
    u32::from_be_bytes(bytes[68..72].try_into().unwrap())
}

/// A closed case at `path` (made, or opened, by the CLI, whose process has ended),
/// in rollback-journal mode so the file alone is the case.
async fn make_case(path: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("--case")
        .arg(path)
        .arg("stats")
        .env_remove("WEFT_CASE")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
}

#[tokio::test]
async fn a_new_case_carries_weft_s_application_id_at_byte_68() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.weft");
    make_case(&path).await;
    assert_eq!(APPLICATION_ID, 0x5745_4654);
    assert_eq!(header_application_id(&path), APPLICATION_ID);
}

#[tokio::test]
async fn an_older_case_without_the_marker_gets_it_on_opening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.weft");
    make_case(&path).await;
    // What a Weft before the marker wrote: the same schema, application_id 0.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "application_id", 0).unwrap();
    drop(conn);
    assert_eq!(header_application_id(&path), 0);
    make_case(&path).await;
    assert_eq!(header_application_id(&path), APPLICATION_ID);
}

/// A case whose migration table names a version after this build's last one.
async fn newer_case(dir: &Path) -> (std::path::PathBuf, i64) {
    let path = dir.join("newer.weft");
    make_case(&path).await;
    let future = known_schema() + 7;
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (?1, 'from the future', 1, x'00', 0)",
        [future],
    )
    .unwrap();
    drop(conn);
    (path, future)
}

#[tokio::test]
async fn a_case_from_a_newer_weft_is_refused_and_left_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (path, future) = newer_case(dir.path()).await;
    let before = std::fs::read(&path).unwrap();
    let error = Store::open(&path).await.unwrap_err();
    assert!(
        matches!(&error, StoreError::Newer { found, known, .. } if *found == future && *known == known_schema()),
        "{error:?}"
    );
    let message = error.to_string();
    let wanted = format!(
        "case {} was written by a newer Weft (schema {future}, this Weft knows up to {})",
        path.display(),
        known_schema()
    );
    assert!(message.starts_with(&wanted), "{message}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the refused case changed"
    );
    assert!(!path.with_extension("weft-wal").exists());
}

#[tokio::test]
async fn the_cli_refuses_a_newer_case_naming_file_and_versions() {
    let dir = tempfile::tempdir().unwrap();
    let (path, future) = newer_case(dir.path()).await;
    let before = std::fs::read(&path).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("--case")
        .arg(&path)
        .arg("stats")
        .env_remove("WEFT_CASE")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "newer Weft (schema {future}, this Weft knows up to {})",
            known_schema()
        )),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the refused case changed"
    );
}

#[tokio::test]
async fn another_program_s_sqlite_file_is_not_opened_as_a_case() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "application_id", 0x1234_5678)
        .unwrap();
    conn.execute("CREATE TABLE t (x)", []).unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();
    let error = Store::open(&path).await.unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::NotACase {
                found: 0x1234_5678,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("is not a Weft case"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
