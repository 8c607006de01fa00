//! How text of a case becomes text of a report: `visible` (control, bidirectional
//! and zero-width characters as markers, so the reader sees what the file held and
//! nothing reorders the page), `escape_html` (the one escaping of the HTML report and
//! its SVG), `escape_markdown` and `code_fence` (the Markdown report), and
//! `duration`. Everything the report writes from a case goes through these.

/// Whether a character would be invisible, move the cursor or reorder text: C0
/// controls but tab and newline, DEL, C1 controls, bidirectional embeddings,
/// overrides, isolates and marks, and zero-width characters.
fn hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}'
        | '\u{061c}' | '\u{feff}')
}

/// `text` with each hidden character as a visible marker `⟨U+001B⟩`; `\r` too.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if hidden(c) || c == '\r' {
            out.push_str(&format!("⟨U+{:04X}⟩", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Text for HTML (element content and quoted attribute values alike, and SVG):
/// `visible`, then `& < > " '` as character references. The only escaping of the
/// HTML report.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in visible(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Text for Markdown prose: `visible`, then each character that could start
/// markup, HTML, an entity or a table cell backslash-escaped (CommonMark reads `\X`
/// as a literal `X` for any ASCII punctuation), and at a line's start also the
/// characters that open a list, heading or rule, so no markup comes from the text;
/// a newline stays a soft break.
pub fn escape_markdown(text: &str) -> String {
    const ALWAYS: &str = "\\`*_[]<>&!|~#{}";
    let mut out = String::with_capacity(text.len());
    for line in visible(text).split_inclusive('\n') {
        let body = line.trim_start_matches([' ', '\t']);
        out.push_str(&line[..line.len() - body.len()]);
        let digits = body.bytes().take_while(u8::is_ascii_digit).count();
        for (at, c) in body.char_indices() {
            let opens_block = (at == 0 && matches!(c, '-' | '+' | '=' | '>'))
                || (at == digits && digits > 0 && matches!(c, '.' | ')'));
            if ALWAYS.contains(c) || opens_block {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// A fenced code block holding `text` verbatim (after `visible`): the fence is
/// longer than any run of backticks in it.
pub fn code_fence(text: &str) -> String {
    let text = visible(text);
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    let newline = if text.ends_with('\n') { "" } else { "\n" };
    format!("{fence}text\n{text}{newline}{fence}\n")
}

/// A log's level as a word: the OTel severity's name, else the text the file had.
pub fn level(log: &crate::store::LogView) -> String {
    match u8::try_from(log.severity) {
        Ok(severity) if severity > 0 => crate::severity::name(severity).to_string(),
        _ => log.severity_text.clone(),
    }
}

/// `1.234s`, `12.5ms`, `830µs`, `120ns` (the report and the CLI's text output).
pub fn duration(ns: i64) -> String {
    let abs = ns.unsigned_abs() as f64;
    let sign = if ns < 0 { "-" } else { "" };
    if abs >= 1e9 {
        format!("{sign}{:.3}s", abs / 1e9)
    } else if abs >= 1e6 {
        format!("{sign}{:.1}ms", abs / 1e6)
    } else if abs >= 1e3 {
        format!("{sign}{:.0}µs", abs / 1e3)
    } else {
        format!("{sign}{abs}ns")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escaping_leaves_no_markup_and_no_hidden_character() {
        assert_eq!(
            escape_html(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(escape_html("&lt;b&gt;"), "&amp;lt;b&amp;gt;");
        assert_eq!(
            escape_html("evil\u{202e}exe\u{1b}[31m\u{0}"),
            "evil⟨U+202E⟩exe⟨U+001B⟩[31m⟨U+0000⟩"
        );
        assert_eq!(
            escape_html("tab\tnew\nline ✓ 日本"),
            "tab\tnew\nline ✓ 日本"
        );
    }

    #[test]
    fn markdown_escaping_turns_every_markup_character_into_a_literal() {
        assert_eq!(
            escape_markdown("<img src=x onerror=alert(1)> *a* [b](c) &amp; 10:02"),
            "\\<img src=x onerror=alert(1)\\> \\*a\\* \\[b\\](c) \\&amp; 10:02"
        );
        assert_eq!(
            escape_markdown("- item\n12. step\n  # title\n= rule"),
            "\\- item\n12\\. step\n  \\# title\n\\= rule"
        );
    }

    #[test]
    fn a_code_fence_is_longer_than_the_backticks_inside() {
        assert_eq!(code_fence("a ```` b"), "`````text\na ```` b\n`````\n");
        assert_eq!(code_fence("plain\n"), "```text\nplain\n```\n");
    }
}
