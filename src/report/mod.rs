//! The postmortem report (issue 18): the case's title, the incident timeline (marks
//! in time order under their phases), each note with its evidence inlined — the
//! cited log lines whole, a cited span's key fields and its trace's waterfall (SVG)
//! with the critical path drawn and listed — and the case's sources with their
//! content hashes, so a reader can verify them. `gather` reads it all through the
//! `Reader` into a `Report`; `html` and `markdown` write it (the HTML one file with
//! no script and no remote URL; the Markdown one with an SVG file per cited trace
//! in `FILE.assets/`). What a note means is `notebook::markdown`'s; all text goes
//! through `text`.

pub mod html;
pub mod markdown;
mod svg;
pub mod text;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::analysis::{analyse_trace_with, PathSection};
use crate::ids::TraceId;
use crate::notebook::markdown::{parse, Block};
use crate::notebook::{timeline, Mark};
use crate::query::{Query, Term, TermKind};
use crate::store::{LogFilter, LogView, Reader, SpanView, StoreError};

/// Logs a range or a search mark cites at most.
pub const CITED_LOGS: u64 = 20;

/// The report's format: `md` (with an assets folder) or `html` (one file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    #[serde(rename = "md")]
    Markdown,
    Html,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Everything the report shows, read from the case.
#[derive(Debug, Clone)]
pub struct Report {
    /// The case's name (its file name without `.weft`).
    pub title: String,
    pub groups: Vec<ReportGroup>,
    pub sources: Vec<SourceHash>,
}

impl Report {
    /// Every entry in timeline order (`notebook::sort_marks`), whatever its phase:
    /// the report's overview table.
    pub fn in_time_order(&self) -> Vec<&Entry> {
        let mut entries: Vec<&Entry> = self.groups.iter().flat_map(|g| &g.entries).collect();
        entries.sort_by_key(|entry| (entry.mark.at_ns, entry.mark.position, entry.mark.id));
        entries
    }
}

#[derive(Debug, Clone)]
pub struct ReportGroup {
    pub phase: Option<String>,
    pub entries: Vec<Entry>,
}

/// A mark with its note as a tree and its evidence.
#[derive(Debug, Clone)]
pub struct Entry {
    pub mark: Mark,
    pub note: Vec<Block>,
    pub evidence: Evidence,
}

#[derive(Debug, Clone)]
pub enum Evidence {
    /// A note with no evidence.
    None,
    /// The mark's target is no longer in the case.
    Missing,
    /// Log lines: the one marked, or the first of a range or a search (at most
    /// `CITED_LOGS`; `more`: there were more).
    Logs { logs: Vec<LogView>, more: bool },
    /// A span (`span`) or a whole trace (`span` `None`) and the trace's waterfall.
    Trace {
        span: Option<Box<SpanView>>,
        trace: CitedTrace,
    },
}

/// A cited trace: its spans (in the trace's order), its critical path, the time
/// each span is on it (most first) and its waterfall as SVG.
#[derive(Debug, Clone)]
pub struct CitedTrace {
    pub trace_id: String,
    pub spans: Vec<SpanView>,
    pub critical_path: Vec<PathSection>,
    pub on_path: Vec<(String, i64)>,
    pub svg: String,
}

impl CitedTrace {
    /// The span with this id.
    pub fn span(&self, span_id: &str) -> Option<&SpanView> {
        self.spans.iter().find(|span| span.span_id == span_id)
    }
}

/// A source of the case and its content hash.
#[derive(Debug, Clone)]
pub struct SourceHash {
    pub path: String,
    pub format: Option<String>,
    pub size: i64,
    pub hash: String,
    pub status: String,
}

/// The case's name from its path.
pub fn case_title(case: &Path) -> String {
    case.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| case.display().to_string())
}

async fn cited_trace(
    reader: &Reader,
    trace_id: TraceId,
    cited: Option<&str>,
) -> Result<Option<CitedTrace>, StoreError> {
    let Some(trace) = reader.trace(trace_id).await? else {
        return Ok(None);
    };
    let applied = reader.skew_adjustment(trace_id).await?;
    let (trace, analysis) = analyse_trace_with(&trace, &applied);
    let on_path = analysis
        .time_on_path()
        .into_iter()
        .map(|(span_id, ns)| (span_id.to_string(), ns))
        .collect();
    let mut spans = trace.spans;
    for span in &mut spans {
        span.logs.clear();
    }
    let svg = svg::waterfall(&spans, &analysis.critical_path, cited);
    Ok(Some(CitedTrace {
        trace_id: trace.trace_id,
        spans,
        critical_path: analysis.critical_path,
        on_path,
        svg,
    }))
}

/// The logs of `query` (and the range), in time order, at most `CITED_LOGS`.
async fn cited_logs(reader: &Reader, terms: Vec<TermKind>) -> Result<Evidence, StoreError> {
    let query = Query {
        terms: terms
            .into_iter()
            .map(|kind| Term {
                negated: false,
                kind,
                column: 1,
            })
            .collect(),
    };
    let mut logs = reader
        .logs(&LogFilter {
            query,
            limit: CITED_LOGS + 1,
            ..LogFilter::default()
        })
        .await?;
    let more = logs.len() as u64 > CITED_LOGS;
    logs.truncate(CITED_LOGS as usize);
    Ok(Evidence::Logs { logs, more })
}

async fn evidence(reader: &Reader, mark: &Mark) -> Result<Evidence, StoreError> {
    if mark.target_missing {
        return Ok(Evidence::Missing);
    }
    let trace_id = mark
        .trace_id
        .as_deref()
        .and_then(|id| id.parse::<TraceId>().ok());
    Ok(match mark.kind.as_str() {
        "trace" | "span" => {
            let Some(trace_id) = trace_id else {
                return Ok(Evidence::Missing);
            };
            match cited_trace(reader, trace_id, mark.span_id.as_deref()).await? {
                None => Evidence::Missing,
                Some(trace) => {
                    let span = mark
                        .span_id
                        .as_deref()
                        .and_then(|id| trace.span(id))
                        .cloned()
                        .map(Box::new);
                    Evidence::Trace { span, trace }
                }
            }
        }
        "log" => match mark.log_id {
            Some(log_id) => {
                let logs = reader.log_context(log_id, 0, 0).await?;
                let logs: Vec<LogView> = logs.into_iter().filter(|log| log.id == log_id).collect();
                if logs.is_empty() {
                    Evidence::Missing
                } else {
                    Evidence::Logs { logs, more: false }
                }
            }
            None => Evidence::Missing,
        },
        "range" => {
            let (Some(from_ns), Some(to_ns)) = (mark.from_ns, mark.to_ns) else {
                return Ok(Evidence::None);
            };
            // What the range holds that matters: its warnings and errors.
            cited_logs(
                reader,
                vec![
                    TermKind::After(from_ns),
                    TermKind::Before(to_ns),
                    TermKind::Level(crate::query::Cmp::Ge, crate::severity::WARN),
                ],
            )
            .await?
        }
        "search" => match crate::query::parse(mark.query.as_deref().unwrap_or(""), mark.created_ns)
        {
            Ok(query) => {
                cited_logs(reader, query.terms.into_iter().map(|t| t.kind).collect()).await?
            }
            Err(_) => Evidence::None,
        },
        _ => Evidence::None,
    })
}

/// Reads the report of the case whose title is `title`.
pub async fn gather(reader: &Reader, title: String) -> Result<Report, StoreError> {
    let marks = reader.marks().await?;
    let mut groups = Vec::new();
    for group in timeline(&marks) {
        let mut entries = Vec::new();
        for mark in group.marks {
            let evidence = evidence(reader, &mark).await?;
            entries.push(Entry {
                note: parse(&mark.note),
                mark,
                evidence,
            });
        }
        groups.push(ReportGroup {
            phase: group.phase,
            entries,
        });
    }
    let sources = reader
        .source_hashes()
        .await?
        .into_iter()
        .map(|(path, format, size, hash, status)| SourceHash {
            path,
            format,
            size,
            hash,
            status,
        })
        .collect();
    Ok(Report {
        title,
        groups,
        sources,
    })
}

/// The assets folder of a Markdown report at `output`: `FILE.assets` beside it.
pub fn assets_dir(output: &Path) -> PathBuf {
    let mut name = output.file_name().unwrap_or_default().to_os_string();
    name.push(".assets");
    output.with_file_name(name)
}

fn write_file(path: &Path, content: &str) -> Result<(), ReportError> {
    std::fs::write(path, content).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes the report of the case at `case` to `output` in `format`; returns the
/// files written (for Markdown also each trace's SVG in `assets_dir(output)`).
pub async fn write_report(
    reader: &Reader,
    case: &Path,
    format: ReportFormat,
    output: &Path,
) -> Result<Vec<PathBuf>, ReportError> {
    let report = gather(reader, case_title(case)).await?;
    let mut written = vec![output.to_path_buf()];
    match format {
        ReportFormat::Html => write_file(output, &html::render(&report))?,
        ReportFormat::Markdown => {
            let assets = assets_dir(output);
            let assets_name = assets
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let (text, images) = markdown::render(&report, &assets_name);
            if !images.is_empty() {
                std::fs::create_dir_all(&assets).map_err(|source| ReportError::Write {
                    path: assets.clone(),
                    source,
                })?;
            }
            for (name, svg) in images {
                let path = assets.join(name);
                write_file(&path, &svg)?;
                written.push(path);
            }
            write_file(output, &text)?;
        }
    }
    Ok(written)
}
