//! The report as one self-contained HTML file: its own CSS, no script, no remote
//! URL, a Content-Security-Policy that allows nothing else (`default-src 'none'`),
//! waterfalls as inline SVG, every text of the case through `text::escape_html`.
//! Links of notes are shown as their text and target, never as anchors.

use std::fmt::Write;

use super::text::{duration, escape_html as esc, level};
use super::{CitedTrace, Entry, Evidence, Report};
use crate::notebook::markdown::{plain_text, Block, Inline};
use crate::store::{LogView, SpanView};
use crate::time::format_rfc3339;

const CSS: &str = "body{font:14px/1.5 sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#1b1b1b;background:#fff}\
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:2em}\
.mark{border-left:4px solid #8aa;padding:.2em 1em;margin:1.5em 0}\
.meta{color:#555;font-size:.9em}.missing{color:#a00;font-weight:bold}\
.tags span{background:#eef;border-radius:3px;padding:0 .4em;margin-right:.3em}\
pre,code{font-family:monospace;background:#f4f4f4}pre{padding:.5em;white-space:pre-wrap;word-break:break-all}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.15em .5em;text-align:left;vertical-align:top}\
.url{font-family:monospace;color:#555}.svg{overflow-x:auto}";

/// The report as HTML.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let title = esc(&report.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>Postmortem: {title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <h1>Postmortem: {title}</h1>\n"
    );
    let n_marks: usize = report.groups.iter().map(|group| group.entries.len()).sum();
    let _ = writeln!(out, "<p class=\"meta\">{n_marks} marks; times in UTC.</p>");
    out.push_str("<h2>Timeline</h2>\n<table>\n<tr><th>time</th><th>phase</th><th>mark</th></tr>\n");
    for entry in report.in_time_order() {
        {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>#{} {}</td></tr>",
                esc(&format_rfc3339(entry.mark.at_ns)),
                esc(entry.mark.phase.as_deref().unwrap_or("")),
                entry.mark.id,
                esc(&summary(entry))
            );
        }
    }
    out.push_str("</table>\n");
    for group in &report.groups {
        let _ = writeln!(
            out,
            "<h2>{}</h2>",
            esc(group.phase.as_deref().unwrap_or("Notes"))
        );
        for entry in &group.entries {
            mark(&mut out, entry);
        }
    }
    out.push_str("<h2>Sources</h2>\n<table>\n<tr><th>path</th><th>format</th><th>size</th><th>blake3</th><th>status</th></tr>\n");
    for source in &report.sources {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            esc(&source.path),
            esc(source.format.as_deref().unwrap_or("")),
            source.size,
            esc(&source.hash),
            esc(&source.status)
        );
    }
    out.push_str("</table>\n</body>\n</html>\n");
    out
}

/// One line saying what a mark points at.
pub fn summary(entry: &Entry) -> String {
    let mark = &entry.mark;
    let what = match mark.kind.as_str() {
        "trace" => format!("trace {}", mark.trace_id.as_deref().unwrap_or("")),
        "span" => match &entry.evidence {
            Evidence::Trace {
                span: Some(span), ..
            } => format!("span {}: {}", span.service, span.name),
            _ => format!("span {}", mark.span_id.as_deref().unwrap_or("")),
        },
        "log" => match &entry.evidence {
            Evidence::Logs { logs, .. } if !logs.is_empty() => {
                format!(
                    "log line {}: {}",
                    logs[0].service,
                    first_line(&logs[0].body)
                )
            }
            _ => "log line".to_string(),
        },
        "range" => format!(
            "range {} to {}",
            format_rfc3339(mark.from_ns.unwrap_or(0)),
            format_rfc3339(mark.to_ns.unwrap_or(0))
        ),
        "search" => format!("search {}", mark.query.as_deref().unwrap_or("")),
        _ => first_line(&mark.note),
    };
    if mark.target_missing {
        format!("{what} (no longer in the case)")
    } else {
        what
    }
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > 100 {
        line.chars().take(99).chain(['…']).collect()
    } else {
        line.to_string()
    }
}

fn mark(out: &mut String, entry: &Entry) {
    let mark = &entry.mark;
    let colour = mark
        .colour
        .as_deref()
        .filter(|colour| is_safe_colour(colour))
        .map(|colour| format!(" style=\"border-left-color:{colour}\""))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<section class=\"mark\" id=\"mark-{}\"{colour}>",
        mark.id
    );
    let _ = writeln!(out, "<h3>#{} {}</h3>", mark.id, esc(&summary(entry)));
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} · {} by {} · written {}</p>",
        esc(&format_rfc3339(mark.at_ns)),
        esc(&mark.kind),
        esc(&mark.author),
        esc(&format_rfc3339(mark.created_ns))
    );
    if !mark.tags.is_empty() {
        out.push_str("<p class=\"tags\">");
        for tag in &mark.tags {
            let _ = write!(out, "<span>{}</span>", esc(tag));
        }
        out.push_str("</p>\n");
    }
    blocks(out, &entry.note);
    match &entry.evidence {
        Evidence::None => {}
        Evidence::Missing => out.push_str(
            "<p class=\"missing\">The evidence of this mark is no longer in the case.</p>\n",
        ),
        Evidence::Logs { logs, more } => {
            for log in logs {
                log_line(out, log);
            }
            if *more {
                out.push_str("<p class=\"meta\">(more lines match; the first are shown)</p>\n");
            }
        }
        Evidence::Trace { span, trace } => {
            if let Some(span) = span {
                span_fields(out, span);
            }
            trace_figure(out, trace);
        }
    }
    out.push_str("</section>\n");
}

/// A colour a mark may carry into the style attribute: a CSS name or `#hex`.
fn is_safe_colour(colour: &str) -> bool {
    let hex = colour.strip_prefix('#').is_some_and(|digits| {
        matches!(digits.len(), 3 | 6) && digits.bytes().all(|b| b.is_ascii_hexdigit())
    });
    let name =
        !colour.is_empty() && colour.len() <= 20 && colour.bytes().all(|b| b.is_ascii_alphabetic());
    hex || name
}

fn log_line(out: &mut String, log: &LogView) {
    let time = log.ts_ns.map(format_rfc3339).unwrap_or_default();
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} · {} · {} · {}{}</p>\n<pre>{}</pre>",
        esc(&time),
        esc(&log.service),
        esc(&level(log)),
        esc(&log.source),
        log.line.map(|line| format!(":{line}")).unwrap_or_default(),
        esc(&log.body)
    );
}

fn span_fields(out: &mut String, span: &SpanView) {
    let status = format!("{:?}", span.status).to_lowercase();
    let _ = writeln!(
        out,
        "<table>\n<tr><th>service</th><td>{}</td></tr>\n<tr><th>name</th><td>{}</td></tr>\n\
         <tr><th>start</th><td>{}</td></tr>\n<tr><th>duration</th><td>{}</td></tr>\n\
         <tr><th>status</th><td>{}{}</td></tr>",
        esc(&span.service),
        esc(&span.name),
        esc(&format_rfc3339(span.start_ns)),
        duration(span.end_ns - span.start_ns),
        esc(&status),
        if span.status_message.is_empty() {
            String::new()
        } else {
            format!(": {}", esc(&span.status_message))
        }
    );
    if let Some(attributes) = span.attributes.as_object() {
        for (key, value) in attributes {
            let value = value
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            let _ = writeln!(
                out,
                "<tr><th>{}</th><td>{}</td></tr>",
                esc(key),
                esc(&value)
            );
        }
    }
    out.push_str("</table>\n");
}

fn trace_figure(out: &mut String, trace: &CitedTrace) {
    let _ = writeln!(
        out,
        "<p>Trace <code>{}</code>:</p>\n<div class=\"svg\">\n{}</div>",
        esc(&trace.trace_id),
        trace.svg
    );
    if !trace.on_path.is_empty() {
        out.push_str("<p>On the critical path, most time first:</p>\n<ol>\n");
        for (span_id, ns) in trace.on_path.iter().take(5) {
            let name = trace
                .span(span_id)
                .map(|span| format!("{}: {}", span.service, span.name))
                .unwrap_or_else(|| span_id.clone());
            let _ = writeln!(out, "<li>{} — {}</li>", esc(&name), esc(&duration(*ns)));
        }
        out.push_str("</ol>\n");
    }
}

/// A note's blocks as HTML elements.
pub fn blocks(out: &mut String, blocks_of_note: &[Block]) {
    for block in blocks_of_note {
        match block {
            Block::Paragraph { inlines: runs } => {
                out.push_str("<p>");
                inlines(out, runs);
                out.push_str("</p>\n");
            }
            Block::Heading {
                level,
                inlines: runs,
            } => {
                // Inside a mark (h3), a note's headings start at h4.
                let level = (level + 3).min(6);
                let _ = write!(out, "<h{level}>");
                inlines(out, runs);
                let _ = writeln!(out, "</h{level}>");
            }
            Block::List { start, items } => {
                match start {
                    Some(start) => {
                        let _ = writeln!(out, "<ol start=\"{start}\">");
                    }
                    None => out.push_str("<ul>\n"),
                }
                for item in items {
                    out.push_str("<li>");
                    blocks(out, item);
                    out.push_str("</li>\n");
                }
                out.push_str(if start.is_some() {
                    "</ol>\n"
                } else {
                    "</ul>\n"
                });
            }
            Block::Code { text } => {
                let _ = writeln!(out, "<pre><code>{}</code></pre>", esc(text));
            }
            Block::Quote { blocks: inner } => {
                out.push_str("<blockquote>\n");
                blocks(out, inner);
                out.push_str("</blockquote>\n");
            }
            Block::Rule => out.push_str("<hr>\n"),
        }
    }
}

fn inlines(out: &mut String, runs: &[Inline]) {
    for run in runs {
        match run {
            Inline::Text { text } => out.push_str(&esc(text)),
            Inline::Code { text } => {
                let _ = write!(out, "<code>{}</code>", esc(text));
            }
            Inline::Emphasis { inlines: inner } => {
                out.push_str("<em>");
                inlines(out, inner);
                out.push_str("</em>");
            }
            Inline::Strong { inlines: inner } => {
                out.push_str("<strong>");
                inlines(out, inner);
                out.push_str("</strong>");
            }
            Inline::Strikethrough { inlines: inner } => {
                out.push_str("<del>");
                inlines(out, inner);
                out.push_str("</del>");
            }
            Inline::Link {
                inlines: inner,
                href,
            } if plain_text(inner) == *href => {
                let _ = write!(out, "<span class=\"url\">&lt;{}&gt;</span>", esc(href));
            }
            Inline::Link {
                inlines: inner,
                href,
            } => {
                inlines(out, inner);
                let _ = write!(out, " <span class=\"url\">&lt;{}&gt;</span>", esc(href));
            }
            Inline::Image { alt, url } => {
                let _ = write!(
                    out,
                    "[image: {}] <span class=\"url\">&lt;{}&gt;</span>",
                    esc(alt),
                    esc(url)
                );
            }
            Inline::Break => out.push_str("<br>\n"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notebook::markdown::parse;

    fn note_html(note: &str) -> String {
        let mut out = String::new();
        blocks(&mut out, &parse(note));
        out
    }

    #[test]
    fn hostile_notes_become_text_and_no_element_of_theirs() {
        let html = note_html(concat!(
            "<script>window.__pwned=1</script>\n\n",
            "see <img src=x onerror=\"window.__pwned=1\"> *here*\n\n",
            "[click](javascript:window.__pwned=1) ![x](https://evil.invalid/x.png)\n\n",
            "&lt;b&gt; &amp;amp; <iframe srcdoc=\"<script>parent.__pwned=1</script>\">"
        ));
        assert_eq!(
            html,
            "<p>&lt;script&gt;window.__pwned=1&lt;/script&gt;</p>\n\
             <p>see &lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt; <em>here</em></p>\n\
             <p>click <span class=\"url\">&lt;javascript:window.__pwned=1&gt;</span> \
             [image: x] <span class=\"url\">&lt;https://evil.invalid/x.png&gt;</span></p>\n\
             <p>&lt;b&gt; &amp;amp; &lt;iframe srcdoc=&quot;&lt;script&gt;parent.__pwned=1&lt;/script&gt;&quot;&gt;</p>\n"
        );
        for banned in ["<script", "<img", "<iframe", "<a ", "href="] {
            assert!(!html.contains(banned), "{banned} in {html}");
        }
    }

    #[test]
    fn only_plain_colours_reach_a_style_attribute() {
        for colour in ["#f80", "#ff8800", "orange"] {
            assert!(is_safe_colour(colour), "{colour}");
        }
        for colour in [
            "red;background:url(x)",
            "\"><script>",
            "#ggg",
            "",
            "expression(alert(1))",
        ] {
            assert!(!is_safe_colour(colour), "{colour}");
        }
    }
}
