//! The case file: one SQLite database (WAL) per incident, its schema applied
//! from `migrations/` on open. `Store::open` hands out turns to write with the
//! case's one `Writer` (turn.rs) and a read-only `Reader` pool. Every statement
//! that writes a case is in this folder: sources (writer.rs), rows (bulk.rs),
//! correlation (correlate.rs), followed sources (follow.rs), edits (edit.rs), the
//! notebook's marks (marks.rs), the receiver's sources (received.rs).
//! Decoding and file handling are left to `formats` and `ingest`.

mod bulk;
mod correlate;
mod edit;
mod follow;
mod layouts;
mod log_counts;
mod marks;
mod reader;
mod received;
pub mod rollup_blob;
mod rollups;
mod sampled;
mod turn;
pub mod words;
mod writer;
mod written_spans;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::ConnectOptions;

pub use bulk::{encode_attributes, BulkWriter, EncodedAttributes, LoadSummary, Loaded};
pub use follow::{FollowedSource, FOLLOW_HEAD_LEN};
pub use layouts::{KeptLayout, LAYOUT_KEPT_MIN_SPANS};
pub use log_counts::NO_TIME;
pub use marks::MarkError;
pub use reader::{
    log_page_sql, rollup_filter, Anchor, Cursor, DensityBucket, EventView, ExportLog, Facet,
    Facets, FieldWords, FindMatch, Histogram, InternedRows, LinkView, LogCount, LogFilter, LogPage,
    LogView, OverviewCell, Reader, RecordSelection, ScopeView, SelectionSql, ServiceLogs,
    ServiceStats, SourceView, SpanDetail, SpanView, Stats, TimeDensity, TraceFilter, TraceFind,
    TraceOutline, TraceOverview, TraceRow, TraceRowJson, TraceRows, TraceRowsJson, TraceSort,
    TraceSummary, TraceView, Vocabulary, DENSITY_BUCKET_NS, MAX_FIND_MATCHES, MAX_WINDOW_ROWS,
};
pub use sampled::AppliedSampling;
pub use turn::WriteTurn;
pub use writer::{FollowState, SourceCounts, SourceRow, SourceStatus, Writer, KEPT_PROBLEMS};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open case {path}: {source}")]
    Open { path: PathBuf, source: sqlx::Error },
    #[error("cannot create the folder of case {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("case {path}: schema migration failed: {source}")]
    Migrate {
        path: PathBuf,
        source: sqlx::migrate::MigrateError,
    },
    /// The case's migration table names a schema this build does not have: it was
    /// written by a newer Weft. Refused before anything is written to the file.
    #[error(
        "case {path} was written by a newer Weft (schema {found}, this Weft knows up to {known}); \
         open it with that Weft or a newer one"
    )]
    Newer {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// A SQLite file whose `application_id` is another program's.
    #[error("{path} is not a Weft case (its SQLite application_id is {found:#010x}, a Weft case's is {:#010x})", APPLICATION_ID)]
    NotACase { path: PathBuf, found: u32 },
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("database error: {0}")]
    Bulk(#[from] rusqlite::Error),
    #[error("no source {0} in the case")]
    NoSource(i64),
    /// A query that only the case can tell is wrong (an id prefix of several ids).
    #[error("query: {0}")]
    Query(#[from] crate::query::QueryError),
    #[error("the thread writing a load's rows stopped unexpectedly")]
    RowsThread,
}

/// An open case file.
#[derive(Debug, Clone)]
pub struct Store {
    path: PathBuf,
    options: SqliteConnectOptions,
    /// Shared by every `Store` of this process on the same file.
    writes: turn::WriteHandle,
}

/// `PRAGMA application_id` of every case file: the ASCII of "WEFT", big-endian at
/// byte 68 of the file, which the desktop's mime entry (packaging/weft-case.xml) matches.
pub const APPLICATION_ID: u32 = u32::from_be_bytes(*b"WEFT");

/// `APPLICATION_ID` in decimal (`b"WEFT"` read big-endian), as the pragma is written.
const SET_APPLICATION_ID: &str = "PRAGMA application_id = 1464157780";

/// The newest schema version this build can write (the last file of `migrations/`).
pub fn known_schema() -> i64 {
    sqlx::migrate!()
        .iter()
        .map(|migration| migration.version)
        .max()
        .unwrap_or(0)
}

/// Reads an existing case without writing to it (read-only, no journal mode change)
/// and refuses it when it is not this build's to upgrade: a schema newer than
/// `known_schema()`, or another program's `application_id`. A missing file, or one
/// SQLite cannot read, passes: `Store::open` creates it or reports the error.
fn check_existing(path: &Path) -> Result<(), StoreError> {
    use rusqlite::OpenFlags;
    if !path.is_file() {
        return Ok(());
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let Ok(conn) = rusqlite::Connection::open_with_flags(path, flags) else {
        return Ok(());
    };
    let found: u32 = conn
        .query_row("PRAGMA application_id", [], |row| row.get::<_, i64>(0))
        .map(|id| id as u32)
        .unwrap_or(0);
    if found != 0 && found != APPLICATION_ID {
        return Err(StoreError::NotACase {
            path: path.to_path_buf(),
            found,
        });
    }
    let newest: Option<i64> = conn
        .query_row("SELECT MAX(version) FROM _sqlx_migrations", [], |row| {
            row.get(0)
        })
        .unwrap_or(None);
    let known = known_schema();
    match newest {
        Some(found) if found > known => Err(StoreError::Newer {
            path: path.to_path_buf(),
            found,
            known,
        }),
        _ => Ok(()),
    }
}

/// How long opening a case waits for other processes creating or upgrading it.
const MIGRATION_PATIENCE: Duration = Duration::from_secs(120);

/// Brings the schema up to date. Two processes opening a new (or old) case at the
/// same moment both start migrating: each migration is one transaction, so one
/// commits and the other fails (`table … already exists`, or SQLite's busy error
/// when both want to write). The one that failed runs the migrator again while the
/// other makes progress, and finds those migrations applied.
async fn migrate(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::migrate::MigrateError> {
    let started = std::time::Instant::now();
    loop {
        let before = applied_version(conn).await;
        let Err(error) = sqlx::migrate!().run(&mut *conn).await else {
            return Ok(());
        };
        let busy = match &error {
            sqlx::migrate::MigrateError::Execute(sqlx::Error::Database(db))
            | sqlx::migrate::MigrateError::ExecuteMigration(sqlx::Error::Database(db), _) => {
                is_busy(db.code().as_deref())
            }
            _ => false,
        };
        let overtaken = applied_version(conn).await != before;
        if !(busy || overtaken) || started.elapsed() > MIGRATION_PATIENCE {
            return Err(error);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The first connection to a case. Processes creating one case at once each switch
/// the new file to WAL, which takes an exclusive lock; SQLite answers one of two
/// processes that both wait for it "busy" at once, without its busy timeout (it
/// would deadlock otherwise), so that one tries again while the other goes on.
async fn connect(options: &SqliteConnectOptions) -> Result<sqlx::SqliteConnection, sqlx::Error> {
    let started = std::time::Instant::now();
    loop {
        match options.connect().await {
            Err(sqlx::Error::Database(db))
                if is_busy(db.code().as_deref()) && started.elapsed() <= MIGRATION_PATIENCE =>
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            result => return result,
        }
    }
}

/// Whether an SQLite result code is SQLITE_BUSY or SQLITE_LOCKED (with their extended codes).
fn is_busy(code: Option<&str>) -> bool {
    code.and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| matches!(code & 0xff, 5 | 6))
}

/// The latest migration applied to the case (0 before the first).
async fn applied_version(conn: &mut sqlx::SqliteConnection) -> i64 {
    sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
        .fetch_one(conn)
        .await
        .ok()
        .flatten()
        .unwrap_or(0)
}

impl Store {
    /// Opens the case at `path`, creating it (and its folder) when missing, and
    /// brings its schema up to date. A case from a newer Weft is refused untouched.
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        check_existing(path)?;
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(|source| StoreError::Open {
                path: path.to_path_buf(),
                source,
            })?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(false)
            .with_regexp();
        let mut conn = connect(&options).await.map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        migrate(&mut conn)
            .await
            .map_err(|source| StoreError::Migrate {
                path: path.to_path_buf(),
                source,
            })?;
        // New cases and those of a Weft before the marker get it (one header write).
        let id: i64 = sqlx::query_scalar("PRAGMA application_id")
            .fetch_one(&mut conn)
            .await?;
        if id as u32 != APPLICATION_ID {
            // A pragma takes no bound value; the test below checks the literal.
            sqlx::query(SET_APPLICATION_ID).execute(&mut conn).await?;
        }
        Ok(Store {
            path: path.to_path_buf(),
            options,
            writes: turn::WriteHandle::of(path),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Waits for this process's turn to write the case and returns it: the case's
    /// one writer until the turn is dropped. Each turn first settles loads that a
    /// dead process left half-done (`Writer::settle_interrupted`).
    pub async fn writer(&self) -> Result<WriteTurn, StoreError> {
        self.writes.turn(&self.path).await
    }

    /// A pool of read-only connections; cheap to clone.
    pub async fn reader(&self) -> Result<Reader, StoreError> {
        let options = self.options.clone().read_only(true);
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        Ok(Reader::new(pool, self.path.clone()))
    }

    /// The case used when no `--case` is given: `default.weft` in the platform data folder.
    pub fn default_path() -> PathBuf {
        dirs::data_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("weft")
            .join("default.weft")
    }
}

/// Whether the process with id `pid` (of this machine) is running: this one is;
/// another is where `/proc` shows it (where there is no `/proc`, none is). How a
/// writer tells a dead process's load (`loader_pid`) from a live one, and a
/// follower a live other follower.
pub(crate) fn process_is_alive(pid: i64) -> bool {
    pid == i64::from(std::process::id())
        || (cfg!(target_os = "linux") && Path::new(&format!("/proc/{pid}")).exists())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_pragma_writes_application_id() {
        let literal = super::SET_APPLICATION_ID.rsplit(' ').next().unwrap();
        assert_eq!(literal.parse::<u32>().unwrap(), super::APPLICATION_ID);
    }
}
