//! What a `/regex/` search can ask the index first: pieces of text, one of which
//! every match of the regex contains. The store keeps the words of log bodies
//! (`log_words`: runs of characters between ASCII spaces and punctuation); a piece
//! made of ASCII letters and digits lies inside one such word, so the lines whose
//! words contain a piece are the only ones the regex needs to run on.
//!
//! The analysis walks the regex's syntax tree (regex-syntax, the regex crate's own
//! parser) the way trigram code search does: for each node, the exact set of
//! strings it matches when that set is small, and otherwise the best set of
//! required pieces found below it. Characters are mapped to lowercase ASCII
//! letters and digits; anything else becomes a space, which no piece crosses.

use std::collections::BTreeSet;

use regex_syntax::hir::{Class, Hir, HirKind};

/// Above this many strings a node's exact set is given up.
const MAX_EXACT: usize = 16;
/// Classes of at most this many characters are spelled out.
const MAX_CLASS: u32 = 8;
/// Pieces shorter than this cannot use the trigram index of words.
pub const MIN_PIECE: usize = 3;

/// Pieces (lowercase ASCII letters and digits with at least one letter, at least
/// `MIN_PIECE` long), one of which is in every match of `pattern`, ignoring ASCII
/// case; `None` when the regex has no such pieces (`/a.b/`, `/\d+/`, `/5432/`) or
/// does not parse.
pub fn required_pieces(pattern: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    analyze(&hir).required
}

#[derive(Debug, Default)]
struct Info {
    /// Every string the node can match, mapped; `None` when unknown or too many.
    exact: Option<BTreeSet<String>>,
    /// The most selective required pieces known for the node.
    required: Option<Vec<String>>,
}

impl Info {
    fn exact(set: BTreeSet<String>) -> Info {
        let required = pieces(&set);
        Info {
            exact: Some(set),
            required,
        }
    }
}

fn analyze(hir: &Hir) -> Info {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Info::exact(one(String::new())),
        HirKind::Literal(literal) => Info::exact(one(String::from_utf8_lossy(&literal.0)
            .chars()
            .map(fold)
            .collect())),
        HirKind::Class(class) => Info::exact(class_chars(class)),
        HirKind::Capture(capture) => analyze(&capture.sub),
        HirKind::Repetition(repetition) => {
            let sub = analyze(&repetition.sub);
            match (repetition.min, repetition.max) {
                (0, Some(1)) => match sub.exact {
                    Some(mut set) if set.len() < MAX_EXACT => {
                        set.insert(String::new());
                        Info::exact(set)
                    }
                    _ => Info::default(),
                },
                (0, _) => Info::default(),
                (min, max) if max == Some(min) && min <= 4 => {
                    let mut set = one(String::new());
                    for _ in 0..min {
                        set = match sub.exact.as_ref().and_then(|each| product(&set, each)) {
                            Some(longer) => longer,
                            None => return Info::required(sub.required),
                        };
                    }
                    let mut info = Info::exact(set);
                    info.required = better(info.required, sub.required);
                    info
                }
                _ => Info::required(sub.required),
            }
        }
        HirKind::Concat(children) => concat(children),
        HirKind::Alternation(children) => alternation(children),
    }
}

impl Info {
    fn required(required: Option<Vec<String>>) -> Info {
        Info {
            exact: None,
            required,
        }
    }
}

/// A sequence: any child's pieces hold for the whole; runs of children with small
/// exact sets are multiplied out, so `dead(lock|line)` gives `deadlock`, `deadline`.
fn concat(children: &[Hir]) -> Info {
    let mut required = None;
    let mut run: Option<BTreeSet<String>> = Some(one(String::new()));
    let mut whole = true;
    for child in children {
        let info = analyze(child);
        required = better(required, info.required);
        match (run.take(), info.exact) {
            (Some(sofar), Some(next)) => match product(&sofar, &next) {
                Some(longer) => run = Some(longer),
                None => {
                    required = better(required, pieces(&sofar));
                    whole = false;
                    run = Some(next);
                }
            },
            (sofar, next) => {
                if let Some(sofar) = sofar {
                    required = better(required, pieces(&sofar));
                }
                whole = false;
                run = next;
            }
        }
    }
    if let Some(last) = &run {
        required = better(required, pieces(last));
    }
    Info {
        exact: run.filter(|_| whole),
        required,
    }
}

/// One of several: pieces hold only when every branch has some.
fn alternation(children: &[Hir]) -> Info {
    let infos: Vec<Info> = children.iter().map(analyze).collect();
    let mut exact = Some(BTreeSet::new());
    let mut required = Some(BTreeSet::new());
    for info in infos {
        exact = match (exact, info.exact) {
            (Some(mut all), Some(set)) => {
                all.extend(set);
                (all.len() <= MAX_EXACT).then_some(all)
            }
            _ => None,
        };
        required = match (required, info.required) {
            (Some(mut all), Some(branch)) => {
                all.extend(branch);
                Some(all)
            }
            _ => None,
        };
    }
    let required = required.map(minimal);
    match exact {
        Some(set) => {
            let mut info = Info::exact(set);
            info.required = better(info.required, required);
            info
        }
        None => Info::required(required),
    }
}

fn one(text: String) -> BTreeSet<String> {
    BTreeSet::from([text])
}

/// ASCII letters lowercased, digits kept, everything else a space.
fn fold(c: char) -> char {
    if c.is_ascii_alphanumeric() {
        c.to_ascii_lowercase()
    } else {
        ' '
    }
}

/// The characters a class matches, mapped; one unknown character (a space) when
/// the class is large or matches nothing. A byte class's bytes above ASCII map to
/// a space like any character that is not an ASCII letter or digit.
fn class_chars(class: &Class) -> BTreeSet<String> {
    let ranges: Vec<(u32, u32)> = match class {
        Class::Unicode(class) => class
            .ranges()
            .iter()
            .map(|range| (u32::from(range.start()), u32::from(range.end())))
            .collect(),
        Class::Bytes(class) => class
            .ranges()
            .iter()
            .map(|range| (u32::from(range.start()), u32::from(range.end())))
            .collect(),
    };
    let size: u32 = ranges.iter().map(|(start, end)| end - start + 1).sum();
    if size == 0 || size > MAX_CLASS {
        return one(" ".into());
    }
    ranges
        .into_iter()
        .flat_map(|(start, end)| start..=end)
        .map(|code| char::from_u32(code).map_or(' ', fold).to_string())
        .collect()
}

/// Every `a + b`, unless there would be too many.
fn product(first: &BTreeSet<String>, second: &BTreeSet<String>) -> Option<BTreeSet<String>> {
    if first.len() * second.len() > MAX_EXACT {
        return None;
    }
    Some(
        first
            .iter()
            .flat_map(|a| second.iter().map(move |b| format!("{a}{b}")))
            .collect(),
    )
}

/// The longest piece with a letter of each string; `None` when one of them has
/// none long enough (`log_words` keeps no words of digits alone).
fn pieces(set: &BTreeSet<String>) -> Option<Vec<String>> {
    let mut found = BTreeSet::new();
    for text in set {
        let longest = text
            .split(' ')
            .filter(|piece| piece.bytes().any(|b| b.is_ascii_alphabetic()))
            .max_by_key(|piece| piece.len())?;
        if longest.len() < MIN_PIECE {
            return None;
        }
        found.insert(longest.to_string());
    }
    (!found.is_empty()).then(|| minimal(found))
}

/// Without the pieces that contain another one (a line with `kelvin` has `elvin`).
fn minimal(set: BTreeSet<String>) -> Vec<String> {
    set.iter()
        .filter(|piece| {
            !set.iter()
                .any(|other| other != *piece && piece.contains(other.as_str()))
        })
        .cloned()
        .collect()
}

/// The more selective of two sets of pieces: the longer shortest piece, then fewer.
fn better(a: Option<Vec<String>>, b: Option<Vec<String>>) -> Option<Vec<String>> {
    let score = |pieces: &Vec<String>| {
        let shortest = pieces.iter().map(String::len).min().unwrap_or(0);
        (shortest, std::cmp::Reverse(pieces.len()))
    };
    match (a, b) {
        (Some(a), Some(b)) => Some(if score(&b) > score(&a) { b } else { a }),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces_of(pattern: &str) -> Option<Vec<&'static str>> {
        required_pieces(pattern).map(|found| {
            found
                .into_iter()
                .map(|piece| &*Box::leak(piece.into_boxed_str()))
                .collect()
        })
    }

    #[test]
    fn literals_and_alternatives() {
        assert_eq!(pieces_of("deadlock"), Some(vec!["deadlock"]));
        assert_eq!(
            pieces_of("dead(lock|line)"),
            Some(vec!["deadline", "deadlock"])
        );
        assert_eq!(
            pieces_of("timeout|refused"),
            Some(vec!["refused", "timeout"])
        );
        assert_eq!(pieces_of("time(out|d out)"), Some(vec!["timed", "timeout"]));
    }

    #[test]
    fn case_and_punctuation() {
        // Under (?i) `k` is also the Kelvin sign, which a word keeps as it is.
        assert_eq!(pieces_of("(?i)DeadLock"), Some(vec!["deadloc"]));
        assert_eq!(pieces_of("(?i)timeout"), Some(vec!["timeout"]));
        assert_eq!(pieces_of("Deadlock"), Some(vec!["deadlock"]));
        // Pieces never cross a non-alphanumeric character.
        assert_eq!(pieces_of("order-12345"), Some(vec!["order"]));
        // Digits alone are not kept as words.
        assert_eq!(pieces_of("5432"), None);
        assert_eq!(pieces_of("port 5432"), Some(vec!["port"]));
        assert_eq!(pieces_of("0x1f2e"), Some(vec!["0x1f2e"]));
        assert_eq!(pieces_of(r"cache\.get"), Some(vec!["cache"]));
        assert_eq!(pieces_of("(?i)kelvin"), Some(vec!["elvin"]));
    }

    #[test]
    fn repetitions_and_classes() {
        assert_eq!(pieces_of(r"err(or)?s"), Some(vec!["errors", "errs"]));
        assert_eq!(pieces_of(r"errors?"), Some(vec!["error"]));
        assert_eq!(pieces_of(r"(abc)+x"), Some(vec!["abc"]));
        assert_eq!(pieces_of(r"(abc)*x"), None);
        assert_eq!(pieces_of(r"(ab){2}"), Some(vec!["abab"]));
        assert_eq!(pieces_of(r"[dD]ead"), Some(vec!["dead"]));
        assert_eq!(pieces_of(r"\d+ms"), None);
        assert_eq!(pieces_of(r"took \d+ms"), Some(vec!["took"]));
        assert_eq!(pieces_of(r"^deadlock\b"), Some(vec!["deadlock"]));
    }

    #[test]
    fn nothing_to_ask() {
        assert_eq!(pieces_of("a.b"), None);
        assert_eq!(pieces_of(".*"), None);
        assert_eq!(pieces_of("ab|cde"), None);
        assert_eq!(pieces_of("José"), Some(vec!["jos"]));
        assert_eq!(pieces_of("東京"), None);
        assert_eq!(pieces_of("deadlock|.*"), None);
        assert_eq!(pieces_of("(unclosed"), None);
    }

    #[test]
    fn the_longest_piece_is_chosen() {
        assert_eq!(pieces_of("user .* rolled back"), Some(vec!["rolled"]));
        assert_eq!(pieces_of("Jürgen Müller"), Some(vec!["ller"]));
    }
}
