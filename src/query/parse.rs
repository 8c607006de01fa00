//! Gives raw terms their meaning: known fields, levels, durations, times (RFC 3339
//! or relative to `now_ns`, which the caller passes), ids, attribute comparisons
//! and regexes (compiled once here so a bad one is reported with its column).

use super::lex::{lex, RawBody};
use super::{Cmp, IdPrefix, Literal, Query, QueryError, Term, TermKind};
use crate::ids::{SpanId, TraceId};
use crate::model::Link;
use crate::{severity, time};

/// A field of the query language and the values it takes from a fixed list (none:
/// any value). The search box completes from this table, so it lists exactly the
/// names `Field::meaning` reads (`severity` is an alias of `level`, not offered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownField {
    pub name: &'static str,
    pub values: &'static [&'static str],
}

/// Every field `parse` knows, in the order completion offers them; `attr.` takes
/// an attribute key after the dot.
pub const FIELDS: &[KnownField] = &[
    KnownField {
        name: "service",
        values: &[],
    },
    KnownField {
        name: "level",
        values: &["trace", "debug", "info", "warn", "error", "fatal"],
    },
    KnownField {
        name: "name",
        values: &[],
    },
    KnownField {
        name: "duration",
        values: &[],
    },
    KnownField {
        name: "status",
        values: &["error"],
    },
    KnownField {
        name: "link",
        values: &["span", "trace", "orphan", "unlinked"],
    },
    KnownField {
        name: "source",
        values: &[],
    },
    KnownField {
        name: "unparsed",
        values: &["true", "false"],
    },
    KnownField {
        name: "trace",
        values: &[],
    },
    KnownField {
        name: "span",
        values: &[],
    },
    KnownField {
        name: "after",
        values: &[],
    },
    KnownField {
        name: "before",
        values: &[],
    },
    KnownField {
        name: "sampled",
        values: &["kept", "dropped"],
    },
    KnownField {
        name: "marked",
        values: &["true", "false"],
    },
    KnownField {
        name: "tag",
        values: &[],
    },
    KnownField {
        name: "attr.",
        values: &[],
    },
    KnownField {
        name: "kind",
        values: &SPAN_KINDS,
    },
    KnownField {
        name: "parent.service",
        values: &[],
    },
    KnownField {
        name: "parent.kind",
        values: &SPAN_KINDS,
    },
    KnownField {
        name: "messaging",
        values: &["true", "false"],
    },
    KnownField {
        name: "peer",
        values: &[],
    },
];

/// The OTLP span kinds by number (0 unspecified … 5 consumer), as `kind:` reads them.
pub const SPAN_KINDS: [&str; 6] = [
    "unspecified",
    "internal",
    "server",
    "client",
    "producer",
    "consumer",
];

/// Parses a query; relative times (`after:-15m`) count back from `now_ns`.
pub fn parse(text: &str, now_ns: i64) -> Result<Query, QueryError> {
    let mut terms = Vec::new();
    for raw in lex(text)? {
        let column = raw.column;
        let (negated, kind) = match raw.body {
            RawBody::Word(word) => (raw.negated, TermKind::Word(word)),
            RawBody::Phrase(phrase) => (raw.negated, TermKind::Phrase(phrase)),
            RawBody::Regex(pattern) => {
                regex::Regex::new(&pattern).map_err(|error| QueryError::InvalidRegex {
                    column,
                    message: error
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                })?;
                (raw.negated, TermKind::Regex(pattern))
            }
            RawBody::Field {
                name,
                op,
                value,
                value_column,
            } => {
                let field = Field {
                    name: &name,
                    op,
                    value: &value,
                    column,
                    value_column,
                };
                let (kind, op_negates) = field.meaning(now_ns)?;
                (raw.negated != op_negates, kind)
            }
        };
        terms.push(Term {
            negated,
            kind,
            column,
        });
    }
    Ok(Query { terms })
}

struct Field<'a> {
    name: &'a str,
    op: &'static str,
    value: &'a str,
    column: usize,
    value_column: usize,
}

impl Field<'_> {
    /// The term, and whether the operator (`!=`) negates it.
    fn meaning(&self, now_ns: i64) -> Result<(TermKind, bool), QueryError> {
        if self.name.eq_ignore_ascii_case("marked") {
            return self.marked();
        }
        if self.value.is_empty() {
            return Err(QueryError::MissingValue {
                column: self.column,
                field: self.name.into(),
            });
        }
        let lower = self.name.to_ascii_lowercase();
        if let Some(key) = self
            .name
            .strip_prefix("attr.")
            .filter(|key| !key.is_empty())
        {
            let value = literal(self.value);
            return Ok((
                TermKind::Attr {
                    key: key.to_string(),
                    cmp: self.cmp(),
                    value,
                },
                false,
            ));
        }
        let value = self.value.to_string();
        let kind = match lower.as_str() {
            "level" | "severity" => {
                let number = level_number(self.value).ok_or_else(|| QueryError::InvalidLevel {
                    column: self.value_column,
                    value: value.clone(),
                })?;
                return Ok((TermKind::Level(self.cmp(), number), false));
            }
            "duration" => {
                let ns = crate::time::parse_duration(self.value).ok_or_else(|| {
                    QueryError::InvalidDuration {
                        column: self.value_column,
                        value: value.clone(),
                    }
                })?;
                return Ok((TermKind::Duration(self.cmp(), ns), false));
            }
            "service" => TermKind::Service(value),
            "name" => TermKind::Name(value),
            "source" => TermKind::Source(value),
            "trace" => match IdPrefix::new(self.value, 16) {
                Some(prefix) => TermKind::TracePrefix(prefix),
                None => TermKind::Trace(self.id(TraceId::parse, "trace")?),
            },
            "span" => match IdPrefix::new(self.value, 8) {
                Some(prefix) => TermKind::SpanPrefix(prefix),
                None => TermKind::Span(self.id(SpanId::parse, "span")?),
            },
            "status" if self.value.eq_ignore_ascii_case("error") => TermKind::StatusError,
            "status" => {
                return Err(QueryError::InvalidStatus {
                    column: self.value_column,
                })
            }
            "link" => TermKind::Link(Link::parse(&self.value.to_ascii_lowercase()).ok_or_else(
                || QueryError::InvalidLink {
                    column: self.value_column,
                    value: value.clone(),
                },
            )?),
            "unparsed" => {
                let flag = match self.value.to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(QueryError::InvalidFlag {
                            column: self.value_column,
                            value,
                        })
                    }
                };
                let negated = match self.op {
                    ":" | "=" => !flag,
                    "!=" => flag,
                    op => {
                        return Err(QueryError::InvalidOperator {
                            column: self.column + self.name.chars().count(),
                            field: self.name.into(),
                            op: op.into(),
                        })
                    }
                };
                return Ok((TermKind::Unparsed, negated));
            }
            "kind" => TermKind::Kind(self.span_kind()?),
            "parent.service" => TermKind::ParentService(value),
            "parent.kind" => TermKind::ParentKind(self.span_kind()?),
            "peer" => TermKind::Peer(value),
            "messaging" => return Ok((TermKind::Messaging, self.flag_negates()?)),
            "sampled" => TermKind::Sampled(self.sampled()?),
            "tag" => TermKind::Tag(value),
            "after" => TermKind::After(self.time(now_ns)?),
            "before" => TermKind::Before(self.time(now_ns)?),
            _ => {
                return Err(QueryError::UnknownField {
                    column: self.column,
                    field: self.name.into(),
                })
            }
        };
        match self.op {
            ":" | "=" => Ok((kind, false)),
            "!=" => Ok((kind, true)),
            op => Err(QueryError::InvalidOperator {
                column: self.column + self.name.chars().count(),
                field: self.name.into(),
                op: op.into(),
            }),
        }
    }

    /// `marked:` alone or `marked:true` (`marked:false`: the negated term).
    fn marked(&self) -> Result<(TermKind, bool), QueryError> {
        let flag = match self.value.to_ascii_lowercase().as_str() {
            "" | "true" => true,
            "false" => false,
            _ => {
                return Err(QueryError::InvalidFlag {
                    column: self.value_column,
                    value: self.value.into(),
                })
            }
        };
        match self.op {
            ":" | "=" => Ok((TermKind::Marked, !flag)),
            "!=" => Ok((TermKind::Marked, flag)),
            op => Err(QueryError::InvalidOperator {
                column: self.column + self.name.chars().count(),
                field: self.name.into(),
                op: op.into(),
            }),
        }
    }

    fn cmp(&self) -> Cmp {
        match self.op {
            "!=" => Cmp::Ne,
            ">" => Cmp::Gt,
            ">=" => Cmp::Ge,
            "<" => Cmp::Lt,
            "<=" => Cmp::Le,
            _ => Cmp::Eq,
        }
    }

    fn id<T, E>(
        &self,
        parse: fn(&str) -> Result<Option<T>, E>,
        kind: &'static str,
    ) -> Result<T, QueryError> {
        parse(self.value)
            .ok()
            .flatten()
            .ok_or_else(|| QueryError::InvalidId {
                column: self.value_column,
                kind,
                value: self.value.into(),
            })
    }

    /// Whether `field:true|false` (or `!=`) asks for the term not to hold.
    fn flag_negates(&self) -> Result<bool, QueryError> {
        let flag = match self.value.to_ascii_lowercase().as_str() {
            "true" => true,
            "false" => false,
            _ => {
                return Err(QueryError::InvalidFlag {
                    column: self.value_column,
                    value: self.value.into(),
                })
            }
        };
        match self.op {
            ":" | "=" => Ok(!flag),
            "!=" => Ok(flag),
            op => Err(QueryError::InvalidOperator {
                column: self.column + self.name.chars().count(),
                field: self.name.into(),
                op: op.into(),
            }),
        }
    }

    /// `kept` or `dropped`, in any case: whether the term asks for the kept traces.
    fn sampled(&self) -> Result<bool, QueryError> {
        match self.value.to_ascii_lowercase().as_str() {
            "kept" => Ok(true),
            "dropped" => Ok(false),
            _ => Err(QueryError::InvalidSampled {
                column: self.value_column,
                value: self.value.into(),
            }),
        }
    }

    /// A span kind's name (any case) as its OTLP number.
    fn span_kind(&self) -> Result<i64, QueryError> {
        SPAN_KINDS
            .iter()
            .position(|kind| kind.eq_ignore_ascii_case(self.value))
            .map(|number| number as i64)
            .ok_or_else(|| QueryError::InvalidKind {
                column: self.value_column,
                value: self.value.into(),
            })
    }

    fn time(&self, now_ns: i64) -> Result<i64, QueryError> {
        time_ns(self.value, now_ns).ok_or_else(|| QueryError::InvalidTime {
            column: self.value_column,
            value: self.value.into(),
        })
    }
}

/// `warn`, `WARNING`, `error`, … or an OTel severity number 1–24.
fn level_number(text: &str) -> Option<u8> {
    match text.parse::<u8>() {
        Ok(number) if (1..=24).contains(&number) => Some(number),
        Ok(_) => None,
        Err(_) => severity::from_text(text).filter(|_| text.len() > 1),
    }
}

/// RFC 3339 (a date alone means its midnight UTC), `now`, or relative: `-15m`, `-2h`, `-1d`.
fn time_ns(text: &str, now_ns: i64) -> Option<i64> {
    if text.eq_ignore_ascii_case("now") {
        return Some(now_ns);
    }
    if let Some(ago) = text.strip_prefix('-') {
        let (number, unit) = ago.split_at(ago.find(|c: char| !c.is_ascii_digit())?);
        let number: i64 = number.parse().ok()?;
        let unit_ns: i64 = match unit {
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "d" => 86_400_000_000_000,
            _ => return None,
        };
        return now_ns.checked_sub(number.checked_mul(unit_ns)?);
    }
    if text.len() == 10 {
        return time::parse_rfc3339(&format!("{text}T00:00Z"));
    }
    time::parse_rfc3339(text)
}

fn literal(text: &str) -> Literal {
    match text {
        "true" => Literal::Bool(true),
        "false" => Literal::Bool(false),
        _ => match text.parse::<f64>() {
            Ok(number) if number.is_finite() => Literal::Number(number),
            _ => Literal::Text(text.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_793_700_000_000_000_000;

    #[test]
    fn every_listed_field_is_one_the_parser_knows_and_its_values_parse() {
        for field in FIELDS {
            let name = if field.name == "attr." {
                "attr.k"
            } else {
                field.name
            };
            // A value no field takes: the error may be about the value, never the field.
            let result = parse(&format!("{name}:%%"), NOW);
            assert!(
                !matches!(result, Err(QueryError::UnknownField { .. })),
                "`{name}` is listed but unknown"
            );
            for value in field.values {
                let text = format!("{name}:{value}");
                assert!(
                    parse(&text, NOW).is_ok(),
                    "`{text}` is offered but does not parse"
                );
            }
        }
        assert!(matches!(
            parse("nosuchfield:x", NOW),
            Err(QueryError::UnknownField { .. })
        ));
    }

    fn kinds(text: &str) -> Vec<(bool, TermKind)> {
        parse(text, NOW)
            .unwrap()
            .terms
            .into_iter()
            .map(|t| (t.negated, t.kind))
            .collect()
    }

    #[test]
    fn marked_and_tag_terms() {
        assert_eq!(kinds("marked:"), vec![(false, TermKind::Marked)]);
        assert_eq!(kinds("marked:true"), vec![(false, TermKind::Marked)]);
        assert_eq!(kinds("-marked:"), vec![(true, TermKind::Marked)]);
        assert_eq!(kinds("marked:false"), vec![(true, TermKind::Marked)]);
        assert_eq!(kinds("tag:db"), vec![(false, TermKind::Tag("db".into()))]);
        assert!(matches!(
            parse("marked:maybe", NOW),
            Err(QueryError::InvalidFlag { column: 8, .. })
        ));
        assert!(matches!(
            parse("tag:", NOW),
            Err(QueryError::MissingValue { .. })
        ));
    }

    #[test]
    fn every_construct() {
        let trace = TraceId::parse("5b8efff798038103d269b633813fc60c")
            .unwrap()
            .unwrap();
        let span = SpanId::parse("eee19b7ec3c1b174").unwrap().unwrap();
        assert_eq!(
            kinds(concat!(
                "reset \"conn reset\" -healthcheck /time(out|d out)/ service:checkout level>=warn ",
                "level:error name:\"GET /\" trace:5B8EFFF798038103D269B633813FC60C span:eee19b7ec3c1b174 ",
                "source:app.log status:error attr.http.status_code>=500 attr.user=ana attr.ok=true ",
                "duration>500ms after:2026-11-03T10:00Z before:-15m service!=cart"
            )),
            vec![
                (false, TermKind::Word("reset".into())),
                (false, TermKind::Phrase("conn reset".into())),
                (true, TermKind::Word("healthcheck".into())),
                (false, TermKind::Regex("time(out|d out)".into())),
                (false, TermKind::Service("checkout".into())),
                (false, TermKind::Level(Cmp::Ge, severity::WARN)),
                (false, TermKind::Level(Cmp::Eq, severity::ERROR)),
                (false, TermKind::Name("GET /".into())),
                (false, TermKind::Trace(trace)),
                (false, TermKind::Span(span)),
                (false, TermKind::Source("app.log".into())),
                (false, TermKind::StatusError),
                (false, TermKind::Attr { key: "http.status_code".into(), cmp: Cmp::Ge, value: Literal::Number(500.0) }),
                (false, TermKind::Attr { key: "user".into(), cmp: Cmp::Eq, value: Literal::Text("ana".into()) }),
                (false, TermKind::Attr { key: "ok".into(), cmp: Cmp::Eq, value: Literal::Bool(true) }),
                (false, TermKind::Duration(Cmp::Gt, 500_000_000)),
                (false, TermKind::After(NOW)),
                (false, TermKind::Before(NOW - 15 * 60_000_000_000)),
                (true, TermKind::Service("cart".into())),
            ]
        );
        assert_eq!(
            kinds("-service!=x"),
            vec![(false, TermKind::Service("x".into()))]
        );
        assert_eq!(
            kinds("after:2026-11-03"),
            vec![(false, TermKind::After(NOW - 10 * 3_600_000_000_000))]
        );
        assert_eq!(
            kinds("duration<=2s"),
            vec![(false, TermKind::Duration(Cmp::Le, 2_000_000_000))]
        );
        // The one duration spelling of the engine (`time::parse_duration`), as traces
        // write them: both micro signs, and compound values.
        for micros in ["duration>3us", "duration>3µs", "duration>3μs"] {
            assert_eq!(
                kinds(micros),
                vec![(false, TermKind::Duration(Cmp::Gt, 3_000))],
                "{micros}"
            );
        }
        assert_eq!(
            kinds("-link:ORPHAN"),
            vec![(true, TermKind::Link(Link::Orphan))]
        );
        assert_eq!(kinds("unparsed:true"), vec![(false, TermKind::Unparsed)]);
        assert_eq!(kinds("unparsed:FALSE"), vec![(true, TermKind::Unparsed)]);
        assert_eq!(kinds("-unparsed:true"), vec![(true, TermKind::Unparsed)]);
        assert_eq!(kinds("unparsed!=false"), vec![(false, TermKind::Unparsed)]);
        assert_eq!(
            kinds("sampled:kept -sampled:DROPPED sampled!=kept"),
            vec![
                (false, TermKind::Sampled(true)),
                (true, TermKind::Sampled(false)),
                (true, TermKind::Sampled(true)),
            ]
        );
        assert_eq!(
            kinds("duration>=1m30s"),
            vec![(false, TermKind::Duration(Cmp::Ge, 90_000_000_000))]
        );
    }

    #[test]
    fn the_terms_of_a_map_edge() {
        assert_eq!(
            kinds("service:payments parent.service:checkout peer:postgresql"),
            vec![
                (false, TermKind::Service("payments".into())),
                (false, TermKind::ParentService("checkout".into())),
                (false, TermKind::Peer("postgresql".into())),
            ]
        );
        assert_eq!(
            kinds("kind:CONSUMER parent.kind:producer -kind:internal parent.kind!=server"),
            vec![
                (false, TermKind::Kind(5)),
                (false, TermKind::ParentKind(4)),
                (true, TermKind::Kind(1)),
                (true, TermKind::ParentKind(2)),
            ]
        );
        assert_eq!(
            kinds("peer:\"api.stripe.com:443\" -parent.service:\"a b\""),
            vec![
                (false, TermKind::Peer("api.stripe.com:443".into())),
                (true, TermKind::ParentService("a b".into())),
            ]
        );
        assert_eq!(
            kinds("messaging:true messaging:FALSE -messaging:true messaging!=false"),
            vec![
                (false, TermKind::Messaging),
                (true, TermKind::Messaging),
                (true, TermKind::Messaging),
                (false, TermKind::Messaging),
            ]
        );
        assert!(matches!(
            parse("messaging:maybe", NOW),
            Err(QueryError::InvalidFlag { column: 11, .. })
        ));
        assert_eq!(
            parse("a kind:rpc", NOW),
            Err(QueryError::InvalidKind {
                column: 8,
                value: "rpc".into()
            })
        );
        assert_eq!(
            parse("parent.kind:x", NOW),
            Err(QueryError::InvalidKind {
                column: 13,
                value: "x".into()
            })
        );
        assert!(matches!(
            parse("peer>x", NOW),
            Err(QueryError::InvalidOperator { .. })
        ));
        assert!(matches!(
            parse("parent.name:x", NOW),
            Err(QueryError::UnknownField { .. })
        ));
        let listed: Vec<&str> = FIELDS.iter().map(|field| field.name).collect();
        for name in ["kind", "parent.service", "parent.kind", "messaging", "peer"] {
            assert!(listed.contains(&name), "{name} is not offered");
        }
    }

    #[test]
    fn an_id_prefix_is_the_range_of_ids_that_start_with_it() {
        let prefix = IdPrefix::new("62A29941", 16).unwrap();
        assert_eq!(prefix.hex, "62a29941");
        assert_eq!(prefix.low[..5], [0x62, 0xa2, 0x99, 0x41, 0]);
        assert_eq!(
            prefix.high.as_ref().unwrap()[..5],
            [0x62, 0xa2, 0x99, 0x42, 0]
        );
        // An odd number of digits, and a carry.
        let prefix = IdPrefix::new("62a2994ff", 8).unwrap();
        assert_eq!(prefix.low, [0x62, 0xa2, 0x99, 0x4f, 0xf0, 0, 0, 0]);
        assert_eq!(prefix.high.unwrap(), [0x62, 0xa2, 0x99, 0x50, 0, 0, 0, 0]);
        assert_eq!(IdPrefix::new("ffffffff", 8).unwrap().high, None);
        // Too short, a whole id, or not hex: no prefix.
        for (text, len) in [("62a2994", 16), ("0123456789abcdef", 8), ("62a2994g", 16)] {
            assert_eq!(IdPrefix::new(text, len), None, "{text}");
        }
        assert!(matches!(
            kinds("trace:62a29941")[..],
            [(false, TermKind::TracePrefix(_))]
        ));
        assert!(matches!(
            kinds("trace:62a2994162a2994162a2994162a29941")[..],
            [(false, TermKind::Trace(_))]
        ));
    }

    #[test]
    fn every_error_names_its_column() {
        let cases: &[(&str, QueryError)] = &[
            (
                "a sevice:x",
                QueryError::UnknownField {
                    column: 3,
                    field: "sevice".into(),
                },
            ),
            (
                "level:loud",
                QueryError::InvalidLevel {
                    column: 7,
                    value: "loud".into(),
                },
            ),
            (
                "link:maybe",
                QueryError::InvalidLink {
                    column: 6,
                    value: "maybe".into(),
                },
            ),
            (
                "x duration>5",
                QueryError::InvalidDuration {
                    column: 12,
                    value: "5".into(),
                },
            ),
            (
                "after:yesterday",
                QueryError::InvalidTime {
                    column: 7,
                    value: "yesterday".into(),
                },
            ),
            (
                "trace:xyz",
                QueryError::InvalidId {
                    column: 7,
                    kind: "trace",
                    value: "xyz".into(),
                },
            ),
            (
                "span:zz",
                QueryError::InvalidId {
                    column: 6,
                    kind: "span",
                    value: "zz".into(),
                },
            ),
            (
                "service>x",
                QueryError::InvalidOperator {
                    column: 8,
                    field: "service".into(),
                    op: ">".into(),
                },
            ),
            ("status:ok", QueryError::InvalidStatus { column: 8 }),
            (
                "sampled:maybe",
                QueryError::InvalidSampled {
                    column: 9,
                    value: "maybe".into(),
                },
            ),
            (
                "unparsed:maybe",
                QueryError::InvalidFlag {
                    column: 10,
                    value: "maybe".into(),
                },
            ),
            (
                "service:",
                QueryError::MissingValue {
                    column: 1,
                    field: "service".into(),
                },
            ),
            (
                "a /(/",
                QueryError::InvalidRegex {
                    column: 3,
                    message: "error: unclosed group".into(),
                },
            ),
            ("\"open", QueryError::UnterminatedPhrase { column: 1 }),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text, NOW).as_ref(), Err(expected), "{text}");
            let message = expected.to_string();
            assert!(
                message.starts_with(&format!("column {}:", expected.column())),
                "{message}"
            );
        }
    }

    #[test]
    fn hostile_text_is_just_words() {
        for text in [
            "'; DROP TABLE logs; --",
            "NEAR(a b)",
            "a* OR b",
            "\"\"",
            "{x}",
            "(",
            ")",
            "^",
        ] {
            assert!(parse(text, NOW).is_ok(), "{text}");
        }
    }
}
