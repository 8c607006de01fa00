//! Compiles a `Query` into a condition over the kept log counts (`log_counts c`,
//! migration 0019: logs per second, service, severity, source and link state), for
//! the queries those counts answer exactly: the empty query and any mix of
//! `service:`, `level:`, `source:`, `link:` terms (negated or not) and `after:` /
//! `before:` at whole seconds. Any other term, or a time inside a second, gives
//! `None`: such a query is counted from the rows. Runs no SQL.

use super::sql::{level_condition, source_condition, text};
use super::{Condition, Param, Query, TermKind};
use crate::store::NO_TIME;

const SECOND_NS: i64 = 1_000_000_000;

/// The condition over `log_counts c` for the queries the kept counts answer.
pub struct LogCountsSql;

impl LogCountsSql {
    /// The condition of `query` over `log_counts c`, when the counts answer it
    /// exactly (see the module comment); `None` otherwise.
    pub fn condition(query: &Query) -> Option<Condition> {
        let mut parts = Vec::new();
        for term in &query.terms {
            let condition = match &term.kind {
                TermKind::Service(name) => Condition::new("c.service = ?", vec![text(name)]),
                TermKind::Link(link) => {
                    Condition::new("c.link = ?", vec![Param::Int(*link as i64)])
                }
                TermKind::Level(cmp, number) => {
                    let on_logs = level_condition(*cmp, *number);
                    Condition::new(
                        &on_logs.sql.replace("l.severity", "c.severity"),
                        on_logs.params,
                    )
                }
                TermKind::Source(source) => source_condition("c.source_id", source),
                TermKind::After(ns) | TermKind::Before(ns) => {
                    if ns.rem_euclid(SECOND_NS) != 0 {
                        return None;
                    }
                    let op = if matches!(term.kind, TermKind::After(_)) {
                        ">="
                    } else {
                        "<"
                    };
                    // A log without a time matches neither `after:` nor `-after:`.
                    let sql = if term.negated {
                        format!("c.second != {NO_TIME} AND NOT (c.second {op} ?)")
                    } else {
                        format!("c.second {op} ?")
                    };
                    parts.push(Condition::new(
                        &sql,
                        vec![Param::Int(ns.div_euclid(SECOND_NS))],
                    ));
                    continue;
                }
                _ => return None,
            };
            parts.push(condition.negate(term.negated));
        }
        Some(Condition::all(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    fn condition(text: &str) -> Option<String> {
        LogCountsSql::condition(&parse(text, 0).unwrap()).map(|condition| condition.sql)
    }

    #[test]
    fn the_kept_counts_answer_service_level_source_link_and_whole_second_times() {
        assert_eq!(condition("").as_deref(), Some("1"));
        assert!(condition("service:web -level:debug source:a.log link:span").is_some());
        assert!(condition("after:2024-06-01T00:03:00Z before:2024-06-01T00:04:00Z").is_some());
        assert_eq!(
            condition("-after:2024-06-01T00:03:00Z").as_deref(),
            Some(format!("(c.second != {NO_TIME} AND NOT (c.second >= ?))").as_str())
        );
    }

    #[test]
    fn other_terms_and_times_inside_a_second_are_counted_from_the_rows() {
        for text in [
            "timeout",
            "\"connection reset\"",
            "/dead(lock|line)/",
            "attr.user=ann",
            "unparsed:true",
            "name:checkout",
            "after:2024-06-01T00:03:00.500Z",
            "service:web trace:0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(condition(text), None, "{text}");
        }
    }
}
