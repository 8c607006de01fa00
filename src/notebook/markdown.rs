//! A mark's note, Markdown, as a small tree of blocks and inlines of our own
//! (`parse`), made by pulldown-cmark (CommonMark, maintained by the
//! pulldown-cmark organisation, used by rustdoc and mdBook) with strikethrough on and
//! nothing else. The tree has no raw HTML in it: HTML in a note becomes literal
//! text, an image becomes its alt text and URL as text, a link keeps its text and
//! its target as a plain string (renderers show it as text; nothing here decides
//! whether a URL is safe to follow). The report (`crate::report`) writes the tree
//! as escaped HTML or as Markdown; the app renders it with Svelte elements.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// A block of a note.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Paragraph {
        inlines: Vec<Inline>,
    },
    /// `level` 1 to 6.
    Heading {
        level: u8,
        inlines: Vec<Inline>,
    },
    /// `start`: the first number of an ordered list; `None`: a bulleted list.
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    /// A code block (fenced or indented), its text as written.
    Code {
        text: String,
    },
    Quote {
        blocks: Vec<Block>,
    },
    Rule,
}

/// A run of text inside a block.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Inline {
    /// Text, including any HTML the note held, literally.
    Text {
        text: String,
    },
    Code {
        text: String,
    },
    Emphasis {
        inlines: Vec<Inline>,
    },
    Strong {
        inlines: Vec<Inline>,
    },
    Strikethrough {
        inlines: Vec<Inline>,
    },
    /// A link: its text and its target as written (shown as text, never followed by
    /// the report).
    Link {
        inlines: Vec<Inline>,
        href: String,
    },
    /// An image of the note: its alt text and URL, shown as text (never loaded).
    Image {
        alt: String,
        url: String,
    },
    /// A hard line break.
    Break,
}

/// What is being built while the events of one container arrive.
enum Frame {
    /// Holds blocks: the document, a list item, a quote. Inlines that arrive
    /// directly (a tight list's item) gather into a paragraph.
    Blocks {
        blocks: Vec<Block>,
        loose: Vec<Inline>,
    },
    /// Holds inlines: a paragraph, heading, emphasis, link, … or a tag we do not
    /// render, whose inlines go to the parent (`Frame::Transparent`).
    Inlines(Vec<Inline>),
    Transparent(Vec<Inline>),
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Code(String),
    Image {
        alt: String,
        url: String,
    },
    Link {
        inlines: Vec<Inline>,
        href: String,
    },
}

impl Frame {
    fn blocks() -> Frame {
        Frame::Blocks {
            blocks: Vec::new(),
            loose: Vec::new(),
        }
    }
}

/// The tree of a note.
pub fn parse(note: &str) -> Vec<Block> {
    let parser = Parser::new_ext(note, Options::ENABLE_STRIKETHROUGH);
    let mut stack: Vec<Frame> = vec![Frame::blocks()];
    for event in parser {
        match event {
            Event::Start(tag) => stack.push(match tag {
                Tag::Item | Tag::BlockQuote(_) => Frame::blocks(),
                Tag::List(start) => Frame::List {
                    start,
                    items: Vec::new(),
                },
                Tag::CodeBlock(_) => Frame::Code(String::new()),
                Tag::Image { dest_url, .. } => Frame::Image {
                    alt: String::new(),
                    url: dest_url.to_string(),
                },
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::HtmlBlock
                | Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough => Frame::Inlines(Vec::new()),
                Tag::Link { dest_url, .. } => Frame::Link {
                    inlines: Vec::new(),
                    href: dest_url.to_string(),
                },
                _ => Frame::Transparent(Vec::new()),
            }),
            Event::End(end) => {
                let frame = stack.pop().expect("an end has its start");
                close(&mut stack, frame, end);
            }
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                push_text(&mut stack, &text)
            }
            Event::Code(text) => push_inline(
                &mut stack,
                Inline::Code {
                    text: text.to_string(),
                },
            ),
            Event::SoftBreak => push_text(&mut stack, "\n"),
            Event::HardBreak => push_inline(&mut stack, Inline::Break),
            Event::Rule => push_block(&mut stack, Block::Rule),
            Event::InlineMath(text) | Event::DisplayMath(text) => push_text(&mut stack, &text),
            Event::FootnoteReference(text) => push_text(&mut stack, &format!("[^{text}]")),
            Event::TaskListMarker(done) => {
                push_text(&mut stack, if done { "[x] " } else { "[ ] " })
            }
        }
    }
    match stack.pop() {
        Some(Frame::Blocks { mut blocks, loose }) => {
            flush_loose(&mut blocks, loose);
            blocks
        }
        _ => Vec::new(),
    }
}

fn flush_loose(blocks: &mut Vec<Block>, loose: Vec<Inline>) {
    if !loose.is_empty() {
        blocks.push(Block::Paragraph { inlines: loose });
    }
}

/// Appends text, joined to the text before it.
fn push_text(stack: &mut [Frame], text: &str) {
    match stack.last_mut() {
        Some(Frame::Code(code)) => code.push_str(text),
        Some(Frame::Image { alt, .. }) => alt.push_str(text),
        _ => {
            if let Some(inlines) = inlines_of(stack) {
                if let Some(Inline::Text { text: last }) = inlines.last_mut() {
                    last.push_str(text);
                    return;
                }
            }
            push_inline(
                stack,
                Inline::Text {
                    text: text.to_string(),
                },
            );
        }
    }
}

/// The inline list the top frame collects into, if it collects inlines.
fn inlines_of(stack: &mut [Frame]) -> Option<&mut Vec<Inline>> {
    match stack.last_mut()? {
        Frame::Inlines(inlines) | Frame::Transparent(inlines) | Frame::Link { inlines, .. } => {
            Some(inlines)
        }
        Frame::Blocks { loose, .. } => Some(loose),
        _ => None,
    }
}

fn push_inline(stack: &mut [Frame], inline: Inline) {
    match stack.last_mut() {
        Some(Frame::Image { alt, .. }) => alt.push_str(&plain_text(&[inline])),
        Some(Frame::Code(code)) => code.push_str(&plain_text(&[inline])),
        _ => {
            if let Some(inlines) = inlines_of(stack) {
                inlines.push(inline);
            }
        }
    }
}

fn push_block(stack: &mut [Frame], block: Block) {
    match stack.last_mut() {
        Some(Frame::Blocks { blocks, loose }) => {
            flush_loose(blocks, std::mem::take(loose));
            blocks.push(block);
        }
        // A block inside an inline container (an HTML block's text, say): its text.
        _ => push_text(stack, &plain_text_of_block(&block)),
    }
}

/// Hands a finished frame to its parent.
fn close(stack: &mut [Frame], frame: Frame, end: TagEnd) {
    match (frame, end) {
        (Frame::Blocks { mut blocks, loose }, TagEnd::Item) => {
            flush_loose(&mut blocks, loose);
            if let Some(Frame::List { items, .. }) = stack.last_mut() {
                items.push(blocks);
            }
        }
        (Frame::Blocks { mut blocks, loose }, _) => {
            flush_loose(&mut blocks, loose);
            push_block(stack, Block::Quote { blocks });
        }
        (Frame::List { start, items }, _) => push_block(stack, Block::List { start, items }),
        (Frame::Code(text), _) => push_block(stack, Block::Code { text }),
        (Frame::Image { alt, url }, _) => push_inline(stack, Inline::Image { alt, url }),
        (Frame::Link { inlines, href }, _) => push_inline(stack, Inline::Link { inlines, href }),
        (Frame::Transparent(inlines), _) => {
            for inline in inlines {
                match inline {
                    Inline::Text { text } => push_text(stack, &text),
                    other => push_inline(stack, other),
                }
            }
        }
        (Frame::Inlines(inlines), end) => match end {
            TagEnd::Paragraph => push_block(stack, Block::Paragraph { inlines }),
            TagEnd::HtmlBlock => {
                // An HTML block's lines end in their newlines; the last is not text.
                let mut inlines = inlines;
                if let Some(Inline::Text { text }) = inlines.last_mut() {
                    let kept = text.trim_end_matches('\n').len();
                    text.truncate(kept);
                }
                push_block(stack, Block::Paragraph { inlines })
            }
            TagEnd::Heading(level) => push_block(
                stack,
                Block::Heading {
                    level: level as u8,
                    inlines,
                },
            ),
            TagEnd::Emphasis => push_inline(stack, Inline::Emphasis { inlines }),
            TagEnd::Strong => push_inline(stack, Inline::Strong { inlines }),
            TagEnd::Strikethrough => push_inline(stack, Inline::Strikethrough { inlines }),
            _ => {
                for inline in inlines {
                    push_inline(stack, inline);
                }
            }
        },
    }
}

/// The text of inlines, without their markup (an image: its alt text).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut text = String::new();
    for inline in inlines {
        match inline {
            Inline::Text { text: run } | Inline::Code { text: run } => text.push_str(run),
            Inline::Emphasis { inlines }
            | Inline::Strong { inlines }
            | Inline::Strikethrough { inlines }
            | Inline::Link { inlines, .. } => text.push_str(&plain_text(inlines)),
            Inline::Image { alt, .. } => text.push_str(alt),
            Inline::Break => text.push('\n'),
        }
    }
    text
}

fn plain_text_of_block(block: &Block) -> String {
    match block {
        Block::Paragraph { inlines } | Block::Heading { inlines, .. } => plain_text(inlines),
        Block::Code { text } => text.clone(),
        Block::List { items, .. } => items
            .iter()
            .flatten()
            .map(plain_text_of_block)
            .collect::<Vec<_>>()
            .join("\n"),
        Block::Quote { blocks } => blocks
            .iter()
            .map(plain_text_of_block)
            .collect::<Vec<_>>()
            .join("\n"),
        Block::Rule => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(text: &str) -> Inline {
        Inline::Text {
            text: text.to_string(),
        }
    }

    #[test]
    fn paragraphs_headings_lists_code_and_emphasis() {
        let blocks =
            parse("# Cause\n\nThe *pool* was **full**.\n\n- one\n- `two`\n\n```\nSELECT 1;\n```\n");
        assert_eq!(
            blocks,
            vec![
                Block::Heading {
                    level: 1,
                    inlines: vec![text("Cause")]
                },
                Block::Paragraph {
                    inlines: vec![
                        text("The "),
                        Inline::Emphasis {
                            inlines: vec![text("pool")]
                        },
                        text(" was "),
                        Inline::Strong {
                            inlines: vec![text("full")]
                        },
                        text("."),
                    ]
                },
                Block::List {
                    start: None,
                    items: vec![
                        vec![Block::Paragraph {
                            inlines: vec![text("one")]
                        }],
                        vec![Block::Paragraph {
                            inlines: vec![Inline::Code { text: "two".into() }]
                        }],
                    ]
                },
                Block::Code {
                    text: "SELECT 1;\n".into()
                },
            ]
        );
    }

    #[test]
    fn raw_html_is_literal_text() {
        let blocks = parse("<script>alert(1)</script>\n\nsee <img src=x onerror=alert(2)> here");
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph {
                    inlines: vec![text("<script>alert(1)</script>")]
                },
                Block::Paragraph {
                    inlines: vec![text("see <img src=x onerror=alert(2)> here")]
                },
            ]
        );
    }

    #[test]
    fn an_image_is_its_alt_text_and_url_and_a_link_keeps_its_target_as_text() {
        let blocks = parse("![chart](https://evil.example/x.png) [click](javascript:alert(3))");
        assert_eq!(
            blocks,
            vec![Block::Paragraph {
                inlines: vec![
                    Inline::Image {
                        alt: "chart".into(),
                        url: "https://evil.example/x.png".into()
                    },
                    text(" "),
                    Inline::Link {
                        inlines: vec![text("click")],
                        href: "javascript:alert(3)".into()
                    },
                ]
            }]
        );
    }

    #[test]
    fn entities_become_the_characters_they_name_as_text() {
        let blocks = parse("&lt;b&gt; &amp;amp; &#60;i&#62;");
        assert_eq!(
            blocks,
            vec![Block::Paragraph {
                inlines: vec![text("<b> &amp; <i>")]
            }]
        );
    }

    #[test]
    fn an_html_block_inside_a_list_and_a_quote_stays_text() {
        let blocks = parse("> <div onclick=x>\n> quoted\n\n1. <iframe src=y></iframe>\n");
        let all = format!("{blocks:?}");
        assert!(all.contains("<div onclick=x>"), "{all}");
        assert!(all.contains("<iframe src=y></iframe>"), "{all}");
        assert!(matches!(blocks[1], Block::List { start: Some(1), .. }));
    }
}
