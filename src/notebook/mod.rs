//! The postmortem notebook (issue 18): marks on the evidence of a case (a trace, a
//! span, a log line, a time range, a search) and notes with no evidence, each with
//! a Markdown note, tags, a colour, an author and the time of its evidence; the
//! incident timeline they make (`timeline`), their notes as a tree that the report
//! and the app render without HTML (`markdown`), and who writes them (`author`).
//! Storing and reading marks is the store's (`store/marks.rs`); the report that
//! cites their evidence is `crate::report`.

pub mod markdown;

use serde::Serialize;

use crate::ids::{SpanId, TraceId};

/// The phases of an incident, in their order: the headings the timeline offers.
/// A mark may carry one of these or the user's own heading.
pub const PHASES: [&str; 4] = ["detection", "impact", "mitigation", "resolution"];

/// What a mark points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkTarget {
    Trace(TraceId),
    Span(TraceId, SpanId),
    /// A log line, by its id in the case now (the store anchors it to its source's
    /// content hash and line).
    Log(i64),
    Range {
        from_ns: i64,
        to_ns: i64,
    },
    /// The text of a query (DESIGN.md "Query language").
    Search(String),
    /// A note with no evidence, only a time (`NewMark::at_ns`).
    Note,
}

impl MarkTarget {
    /// The `marks.kind` of this target.
    pub fn kind(&self) -> &'static str {
        match self {
            MarkTarget::Trace(_) => "trace",
            MarkTarget::Span(..) => "span",
            MarkTarget::Log(_) => "log",
            MarkTarget::Range { .. } => "range",
            MarkTarget::Search(_) => "search",
            MarkTarget::Note => "note",
        }
    }
}

/// A mark to add. `at_ns` `None`: the time of the evidence (a trace's or span's
/// start, a log's time, a range's start), else `created_ns`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMark {
    pub target: MarkTarget,
    pub note: String,
    pub tags: Vec<String>,
    pub colour: Option<String>,
    pub author: String,
    pub created_ns: i64,
    pub at_ns: Option<i64>,
    pub phase: Option<String>,
    pub position: i64,
}

/// Changes to a mark: each `Some` replaces that field; an empty `colour` or
/// `phase` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MarkEdit {
    pub note: Option<String>,
    pub tags: Option<Vec<String>>,
    pub colour: Option<String>,
    pub at_ns: Option<i64>,
    pub phase: Option<String>,
    pub position: Option<i64>,
}

/// A mark as the readers return it (`weft marks --json`: the fields first).
/// The app's `WireMark` (src-tauri) carries its times as decimal strings.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Mark {
    pub id: i64,
    /// trace, span, log, range, search or note.
    pub kind: String,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    /// The log's id in the case now (found again by its anchor after a reload of its
    /// source); the id it had when marked while the log is missing.
    pub log_id: Option<i64>,
    pub from_ns: Option<i64>,
    pub to_ns: Option<i64>,
    pub query: Option<String>,
    /// Markdown (`markdown::parse` gives the tree to render).
    pub note: String,
    pub tags: Vec<String>,
    pub author: String,
    pub created_ns: i64,
    pub at_ns: i64,
    /// The span, trace or log it points at is no longer in the case (its source was
    /// removed, say): the mark stays and says so.
    pub target_missing: bool,
    pub colour: Option<String>,
    pub phase: Option<String>,
    pub position: i64,
    /// A log mark's anchor: its source's content hash and line (none for document
    /// formats) and its place among that source's logs of the line.
    pub log_source_hash: Option<String>,
    pub log_line: Option<i64>,
    pub log_index: Option<i64>,
}

/// One heading of the timeline and its marks in order.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TimelineGroup {
    /// The phase; `None` for marks without one.
    pub phase: Option<String>,
    pub marks: Vec<Mark>,
}

/// The order of marks on the timeline: the time of their evidence, then their
/// position among equal times (drag-reorder), then the order they were made in.
pub fn sort_marks(marks: &mut [Mark]) {
    marks.sort_by_key(|mark| (mark.at_ns, mark.position, mark.id));
}

/// The incident timeline: the marks grouped under their phases. Groups come in
/// the time of their first mark (the standard phases' order breaks ties, then the
/// heading), and the marks of each group in `sort_marks` order.
pub fn timeline(marks: &[Mark]) -> Vec<TimelineGroup> {
    let mut sorted = marks.to_vec();
    sort_marks(&mut sorted);
    let mut groups: Vec<TimelineGroup> = Vec::new();
    for mark in sorted {
        match groups.iter_mut().find(|group| group.phase == mark.phase) {
            Some(group) => group.marks.push(mark),
            None => groups.push(TimelineGroup {
                phase: mark.phase.clone(),
                marks: vec![mark],
            }),
        }
    }
    let standard = |phase: &Option<String>| {
        phase
            .as_deref()
            .and_then(|name| PHASES.iter().position(|known| *known == name))
            .unwrap_or(PHASES.len())
    };
    groups.sort_by(|a, b| {
        let first = |group: &TimelineGroup| group.marks[0].at_ns;
        first(a)
            .cmp(&first(b))
            .then(standard(&a.phase).cmp(&standard(&b.phase)))
            .then(a.phase.cmp(&b.phase))
    });
    groups
}

/// Who writes a mark: `setting` (the app's setting, `--author`, `WEFT_AUTHOR`) when
/// given, else the OS user name (`USER`, then `LOGNAME`), else "unknown". `var`
/// reads the environment (a parameter, so tests need not change it).
pub fn author(setting: Option<&str>, var: impl Fn(&str) -> Option<String>) -> String {
    setting
        .map(str::to_string)
        .or_else(|| var("USER"))
        .or_else(|| var("LOGNAME"))
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// Tags as stored: trimmed, without empty ones and repeats, in the order given.
pub fn clean_tags(tags: &[String]) -> Vec<String> {
    let mut clean: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim();
        if !tag.is_empty() && !clean.iter().any(|known| known == tag) {
            clean.push(tag.to_string());
        }
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(id: i64, at_ns: i64, position: i64, phase: Option<&str>) -> Mark {
        Mark {
            id,
            kind: "note".into(),
            trace_id: None,
            span_id: None,
            log_id: None,
            from_ns: None,
            to_ns: None,
            query: None,
            note: String::new(),
            tags: Vec::new(),
            author: "a".into(),
            created_ns: 0,
            at_ns,
            target_missing: false,
            colour: None,
            phase: phase.map(str::to_string),
            position,
            log_source_hash: None,
            log_line: None,
            log_index: None,
        }
    }

    #[test]
    fn the_timeline_groups_marks_under_phases_in_time_order() {
        let marks = vec![
            mark(1, 300, 0, Some("mitigation")),
            mark(2, 100, 0, Some("detection")),
            mark(3, 200, 1, Some("detection")),
            mark(4, 200, 0, Some("detection")),
            mark(5, 150, 0, Some("root cause")),
            mark(6, 50, 0, None),
        ];
        let groups = timeline(&marks);
        let shape: Vec<(Option<&str>, Vec<i64>)> = groups
            .iter()
            .map(|group| {
                (
                    group.phase.as_deref(),
                    group.marks.iter().map(|mark| mark.id).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (None, vec![6]),
                (Some("detection"), vec![2, 4, 3]),
                (Some("root cause"), vec![5]),
                (Some("mitigation"), vec![1]),
            ]
        );
    }

    #[test]
    fn standard_phases_break_ties_of_equal_first_times() {
        let marks = vec![
            mark(1, 100, 0, Some("resolution")),
            mark(2, 100, 0, Some("impact")),
        ];
        let phases: Vec<_> = timeline(&marks)
            .into_iter()
            .map(|group| group.phase.unwrap())
            .collect();
        assert_eq!(phases, ["impact", "resolution"]);
    }

    #[test]
    fn the_author_is_the_setting_else_the_os_user() {
        let env = |name: &str| match name {
            "USER" => None,
            "LOGNAME" => Some("kim".to_string()),
            _ => None,
        };
        assert_eq!(author(Some("Ana"), env), "Ana");
        assert_eq!(author(None, env), "kim");
        assert_eq!(author(None, |_| None), "unknown");
        assert_eq!(author(Some("  "), |_| None), "unknown");
    }

    #[test]
    fn tags_are_trimmed_and_unique() {
        let tags = ["db", " db ", "", "deploy"].map(String::from);
        assert_eq!(clean_tags(&tags), ["db", "deploy"]);
    }
}
