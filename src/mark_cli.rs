//! `weft mark add|edit|rm` and `weft marks`: the notebook's marks from the command
//! line (issue 18). Each is one engine call (`Writer::{add_mark, edit_mark,
//! remove_mark}`, `Reader::marks`); errors name what is wrong (an unknown trace id, a
//! time that does not parse).

use std::io::Read;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use weft::notebook::{self, MarkEdit, MarkTarget, NewMark};
use weft::report::text::visible;
use weft::{SpanId, Store, TraceId};

#[derive(Subcommand)]
pub enum MarkAction {
    /// Mark a trace, a span, a log line, a time range or a search, or write a note
    /// with no evidence (only `--at`); prints the new mark's id.
    Add(AddArgs),
    /// Change mark ID: each option given replaces that field.
    Edit {
        id: i64,
        #[command(flatten)]
        fields: FieldArgs,
        /// Its position among marks of the same time (drag order).
        #[arg(long)]
        position: Option<i64>,
        /// Remove all its tags.
        #[arg(long, conflicts_with = "tags")]
        no_tags: bool,
    },
    /// Remove mark ID.
    Rm { id: i64 },
}

#[derive(Args)]
pub struct AddArgs {
    /// A trace (with --span: a span of it).
    #[arg(long, conflicts_with_all = ["log", "from", "query"])]
    trace: Option<TraceId>,
    #[arg(long, requires = "trace")]
    span: Option<SpanId>,
    /// A log line, by its id (`weft logs --json` shows it).
    #[arg(long, value_name = "LOG_ID", conflicts_with_all = ["from", "query"])]
    log: Option<i64>,
    /// A time range (RFC 3339 or Unix time), with --to.
    #[arg(long, value_name = "T", value_parser = parse_time_arg, requires = "to")]
    from: Option<i64>,
    #[arg(long, value_name = "T", value_parser = parse_time_arg, requires = "from")]
    to: Option<i64>,
    /// A search (query text).
    #[arg(long, value_name = "Q", conflicts_with = "from")]
    query: Option<String>,
    #[command(flatten)]
    fields: FieldArgs,
    /// Who writes it (default: WEFT_AUTHOR, else the OS user name).
    #[arg(long, env = "WEFT_AUTHOR")]
    author: Option<String>,
    /// When it was written (default: now); for notes taken elsewhere, and for
    /// reports that must come out the same each time (scripts/demo-notebook.sh).
    #[arg(long, value_name = "T", value_parser = parse_time_arg)]
    written: Option<i64>,
}

#[derive(Args)]
pub struct FieldArgs {
    /// A tag (repeat for several); on `edit` the tags given replace the mark's.
    #[arg(long = "tag", value_name = "T")]
    tags: Vec<String>,
    /// The note, Markdown; `-` reads it from standard input.
    #[arg(long, value_name = "TEXT|-")]
    note: Option<String>,
    /// The time of the evidence (default: the trace's, span's or log's own time).
    #[arg(long, value_name = "T", value_parser = parse_time_arg)]
    at: Option<i64>,
    /// The phase heading: detection, impact, mitigation, resolution or your own.
    #[arg(long, value_name = "P")]
    phase: Option<String>,
    /// A colour (a CSS colour name or #rrggbb).
    #[arg(long, value_name = "C")]
    colour: Option<String>,
}

/// A time given on the command line: RFC 3339 (`2026-11-03T10:02Z`) or Unix time.
fn parse_time_arg(text: &str) -> Result<i64, String> {
    weft::time::ns_from_str(text).ok_or_else(|| {
        format!("`{text}` is not a time (RFC 3339 like 2026-11-03T10:02:00Z, or Unix time)")
    })
}

/// The note text, read from standard input for `-`.
fn note_text(note: Option<String>) -> Result<Option<String>> {
    match note.as_deref() {
        Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("reading the note from standard input")?;
            Ok(Some(text))
        }
        _ => Ok(note),
    }
}

fn target(args: &AddArgs) -> MarkTarget {
    match (
        &args.trace,
        &args.span,
        &args.log,
        &args.from,
        &args.to,
        &args.query,
    ) {
        (Some(trace), Some(span), ..) => MarkTarget::Span(*trace, *span),
        (Some(trace), None, ..) => MarkTarget::Trace(*trace),
        (_, _, Some(log), ..) => MarkTarget::Log(*log),
        (_, _, _, Some(from_ns), Some(to_ns), _) => MarkTarget::Range {
            from_ns: *from_ns,
            to_ns: *to_ns,
        },
        (.., Some(query)) => MarkTarget::Search(query.clone()),
        _ => MarkTarget::Note,
    }
}

/// Runs `weft mark …`.
pub async fn run(store: &Store, action: MarkAction) -> Result<()> {
    match action {
        MarkAction::Add(args) => {
            let target = target(&args);
            anyhow::ensure!(
                target != MarkTarget::Note || args.fields.note.is_some(),
                "a mark needs --trace, --log, --from/--to, --query or (a note alone) --note"
            );
            let author = notebook::author(args.author.as_deref(), |name| std::env::var(name).ok());
            let mark = NewMark {
                target,
                note: note_text(args.fields.note)?.unwrap_or_default(),
                tags: args.fields.tags,
                colour: args.fields.colour,
                author,
                created_ns: args.written.unwrap_or_else(weft::time::now_ns),
                at_ns: args.fields.at,
                phase: args.fields.phase,
                position: 0,
            };
            let id = store.writer().await?.add_mark(mark).await??;
            crate::print::outln!("{id}");
        }
        MarkAction::Edit {
            id,
            fields,
            position,
            no_tags,
        } => {
            let edit = MarkEdit {
                note: note_text(fields.note)?,
                tags: (no_tags || !fields.tags.is_empty()).then_some(fields.tags),
                colour: fields.colour,
                at_ns: fields.at,
                phase: fields.phase,
                position,
            };
            store.writer().await?.edit_mark(id, edit).await??;
        }
        MarkAction::Rm { id } => {
            anyhow::ensure!(
                store.writer().await?.remove_mark(id).await?,
                "no mark {id} in the case"
            );
        }
    }
    Ok(())
}

/// Runs `weft marks`: the timeline, or with `json` every mark (DESIGN.md "CLI").
pub async fn list(store: &Store, json: bool) -> Result<()> {
    let marks = store.reader().await?.marks().await?;
    if json {
        crate::print::outln!("{}", serde_json::to_string(&marks)?);
        return Ok(());
    }
    for group in notebook::timeline(&marks) {
        crate::print::outln!(
            "{}",
            visible(group.phase.as_deref().unwrap_or("(no phase)"))
        );
        for mark in &group.marks {
            let target = match mark.kind.as_str() {
                "trace" => format!("trace {}", mark.trace_id.as_deref().unwrap_or("")),
                "span" => format!(
                    "span {} of trace {}",
                    mark.span_id.as_deref().unwrap_or(""),
                    mark.trace_id.as_deref().unwrap_or("")
                ),
                "log" => format!("log {}", mark.log_id.unwrap_or(0)),
                "range" => format!(
                    "{} to {}",
                    weft::time::format_rfc3339(mark.from_ns.unwrap_or(0)),
                    weft::time::format_rfc3339(mark.to_ns.unwrap_or(0))
                ),
                "search" => format!("search {}", mark.query.as_deref().unwrap_or("")),
                _ => "note".to_string(),
            };
            let missing = if mark.target_missing {
                " (missing)"
            } else {
                ""
            };
            let first_line = mark.note.lines().next().unwrap_or("");
            // Text of the case never reaches the terminal as escape sequences.
            crate::print::outln!(
                "  #{} {} {}{} [{}] {}",
                mark.id,
                weft::time::format_rfc3339(mark.at_ns),
                visible(&target),
                missing,
                visible(&mark.tags.join(", ")),
                visible(first_line)
            );
        }
    }
    Ok(())
}
