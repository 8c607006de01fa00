//! The report as Markdown: the same content as `html`, text of the case
//! backslash-escaped (`text::escape_markdown`) so no markup or HTML comes from it,
//! log bodies in code fences longer than any backtick run they hold, and each cited
//! trace's waterfall as an SVG file beside the report (`FILE.assets/trace-ID.svg`)
//! behind a relative link.

use std::fmt::Write;

use super::html::summary;
use super::text::{code_fence, duration, escape_markdown as esc, level};
use super::{CitedTrace, Entry, Evidence, Report};
use crate::notebook::markdown::{plain_text, Block, Inline};
use crate::store::{LogView, SpanView};
use crate::time::format_rfc3339;

/// The report as Markdown, and the SVG files to write in the assets folder
/// (`assets` is that folder's name, for the links): `(file name, SVG)`.
pub fn render(report: &Report, assets: &str) -> (String, Vec<(String, String)>) {
    let mut out = String::new();
    let mut images: Vec<(String, String)> = Vec::new();
    let _ = writeln!(out, "# Postmortem: {}\n", esc(&report.title));
    let n_marks: usize = report.groups.iter().map(|group| group.entries.len()).sum();
    let _ = writeln!(out, "{n_marks} marks; times in UTC.\n\n## Timeline\n");
    out.push_str("| time | phase | mark |\n| --- | --- | --- |\n");
    for entry in report.in_time_order() {
        {
            let _ = writeln!(
                out,
                "| {} | {} | \\#{} {} |",
                esc(&format_rfc3339(entry.mark.at_ns)),
                esc(entry.mark.phase.as_deref().unwrap_or("")),
                entry.mark.id,
                esc(&summary(entry).replace('\n', " "))
            );
        }
    }
    for group in &report.groups {
        let _ = writeln!(
            out,
            "\n## {}",
            esc(group.phase.as_deref().unwrap_or("Notes"))
        );
        for entry in &group.entries {
            mark(&mut out, entry, assets, &mut images);
        }
    }
    out.push_str("\n## Sources\n\n| path | format | size | blake3 | status |\n| --- | --- | --- | --- | --- |\n");
    for source in &report.sources {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            esc(&source.path),
            esc(source.format.as_deref().unwrap_or("")),
            source.size,
            esc(&source.hash),
            esc(&source.status)
        );
    }
    (out, images)
}

fn mark(out: &mut String, entry: &Entry, assets: &str, images: &mut Vec<(String, String)>) {
    let mark = &entry.mark;
    let _ = writeln!(
        out,
        "\n### \\#{} {}\n",
        mark.id,
        esc(&summary(entry).replace('\n', " "))
    );
    let _ = writeln!(
        out,
        "*{} · {} by {} · written {}*\n",
        esc(&format_rfc3339(mark.at_ns)),
        esc(&mark.kind),
        esc(&mark.author),
        esc(&format_rfc3339(mark.created_ns))
    );
    if !mark.tags.is_empty() {
        let tags: Vec<String> = mark
            .tags
            .iter()
            .map(|tag| format!("`{}`", tag.replace('`', "'")))
            .collect();
        let _ = writeln!(out, "Tags: {}\n", tags.join(" "));
    }
    blocks(out, &entry.note, 0);
    match &entry.evidence {
        Evidence::None => {}
        Evidence::Missing => {
            out.push_str("**The evidence of this mark is no longer in the case.**\n\n")
        }
        Evidence::Logs { logs, more } => {
            for log in logs {
                log_line(out, log);
            }
            if *more {
                out.push_str("(more lines match; the first are shown)\n\n");
            }
        }
        Evidence::Trace { span, trace } => {
            if let Some(span) = span {
                span_fields(out, span);
            }
            trace_figure(out, trace, assets, images);
        }
    }
}

fn log_line(out: &mut String, log: &LogView) {
    let time = log.ts_ns.map(format_rfc3339).unwrap_or_default();
    let _ = writeln!(
        out,
        "{} · {} · {} · {}{}\n\n{}",
        esc(&time),
        esc(&log.service),
        esc(&level(log)),
        esc(&log.source),
        log.line.map(|line| format!(":{line}")).unwrap_or_default(),
        code_fence(&log.body)
    );
}

fn span_fields(out: &mut String, span: &SpanView) {
    let status = format!("{:?}", span.status).to_lowercase();
    let message = if span.status_message.is_empty() {
        String::new()
    } else {
        format!(": {}", esc(&span.status_message))
    };
    let _ = writeln!(
        out,
        "| field | value |\n| --- | --- |\n| service | {} |\n| name | {} |\n| start | {} |\n\
         | duration | {} |\n| status | {}{message} |",
        esc(&span.service),
        esc(&span.name),
        esc(&format_rfc3339(span.start_ns)),
        duration(span.end_ns - span.start_ns),
        esc(&status),
    );
    if let Some(attributes) = span.attributes.as_object() {
        for (key, value) in attributes {
            let value = value
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            let _ = writeln!(out, "| {} | {} |", esc(key), esc(&value).replace('\n', " "));
        }
    }
    out.push('\n');
}

fn trace_figure(
    out: &mut String,
    trace: &CitedTrace,
    assets: &str,
    images: &mut Vec<(String, String)>,
) {
    let name = format!("trace-{}.svg", trace.trace_id);
    if !images.iter().any(|(known, _)| *known == name) {
        images.push((name.clone(), trace.svg.clone()));
    }
    let link: String = format!("{assets}/{name}")
        .chars()
        .flat_map(|c| match c {
            ' ' => "%20".chars().collect::<Vec<_>>(),
            '<' => "%3C".chars().collect(),
            '>' => "%3E".chars().collect(),
            other => vec![other],
        })
        .collect();
    let _ = writeln!(
        out,
        "Trace `{}`:\n\n![waterfall of trace {}](<{link}>)\n",
        trace.trace_id, trace.trace_id
    );
    if !trace.on_path.is_empty() {
        out.push_str("On the critical path, most time first:\n\n");
        for (rank, (span_id, ns)) in trace.on_path.iter().take(5).enumerate() {
            let name = trace
                .span(span_id)
                .map(|span| format!("{}: {}", span.service, span.name))
                .unwrap_or_else(|| span_id.clone());
            let _ = writeln!(out, "{}. {} — {}", rank + 1, esc(&name), duration(*ns));
        }
        out.push('\n');
    }
}

/// A note's blocks as Markdown, indented by `indent` spaces (list items).
pub fn blocks(out: &mut String, blocks_of_note: &[Block], indent: usize) {
    let pad = " ".repeat(indent);
    for block in blocks_of_note {
        match block {
            Block::Paragraph { inlines: runs } => {
                let text = inlines(runs);
                let _ = writeln!(out, "{pad}{}\n", text.replace('\n', &format!("\n{pad}")));
            }
            Block::Heading {
                level,
                inlines: runs,
            } => {
                let level = (*level as usize + 3).min(6);
                let _ = writeln!(
                    out,
                    "{pad}{} {}\n",
                    "#".repeat(level),
                    inlines(runs).replace('\n', " ")
                );
            }
            Block::List { start, items } => {
                for (n, item) in items.iter().enumerate() {
                    let bullet = match start {
                        Some(start) => format!("{}.", start + n as u64),
                        None => "-".to_string(),
                    };
                    let mut inner = String::new();
                    blocks(&mut inner, item, bullet.len() + 1);
                    let inner = inner.trim_start().to_string();
                    let _ = write!(out, "{pad}{bullet} {inner}");
                }
                out.push('\n');
            }
            Block::Code { text } => {
                for line in code_fence(text).lines() {
                    let _ = writeln!(out, "{pad}{line}");
                }
                out.push('\n');
            }
            Block::Quote { blocks: inner } => {
                let mut quoted = String::new();
                blocks(&mut quoted, inner, 0);
                for line in quoted.trim_end().lines() {
                    let _ = writeln!(out, "{pad}> {line}");
                }
                out.push('\n');
            }
            Block::Rule => {
                let _ = writeln!(out, "{pad}---\n");
            }
        }
    }
}

fn inlines(runs: &[Inline]) -> String {
    let mut out = String::new();
    for run in runs {
        match run {
            Inline::Text { text } => out.push_str(&esc(text)),
            Inline::Code { text } => {
                let _ = write!(out, "{}", inline_code(text));
            }
            Inline::Emphasis { inlines: inner } => {
                let _ = write!(out, "*{}*", inlines(inner));
            }
            Inline::Strong { inlines: inner } => {
                let _ = write!(out, "**{}**", inlines(inner));
            }
            Inline::Strikethrough { inlines: inner } => {
                let _ = write!(out, "~~{}~~", inlines(inner));
            }
            Inline::Link {
                inlines: inner,
                href,
            } if plain_text(inner) == *href => {
                let _ = write!(out, "\\<{}\\>", esc(href));
            }
            Inline::Link {
                inlines: inner,
                href,
            } => {
                let _ = write!(out, "{} \\<{}\\>", inlines(inner), esc(href));
            }
            Inline::Image { alt, url } => {
                let _ = write!(out, "\\[image: {}\\] \\<{}\\>", esc(alt), esc(url));
            }
            Inline::Break => out.push_str("\\\n"),
        }
    }
    out
}

/// Inline code: backticks one longer than the longest run inside, spaced.
fn inline_code(text: &str) -> String {
    let text = super::text::visible(text).replace('\n', " ");
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let ticks = "`".repeat(longest + 1);
    if text.starts_with('`') || text.ends_with('`') {
        format!("{ticks} {text} {ticks}")
    } else {
        format!("{ticks}{text}{ticks}")
    }
}
