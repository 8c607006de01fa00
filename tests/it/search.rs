//! The query language against brute force: for each query the test works out the
//! matching logs itself from every row of the case, and compares. Also paging,
//! counts, histograms, facets, the trace list, context lines, and hostile input.

use std::collections::{BTreeSet, HashMap};

use weft::model::Link;
use weft::query::{parse, Cmp, Literal, Query, TermKind};
use weft::store::{Anchor, LogFilter, LogView, Reader, TraceFilter, TraceSort};

use crate::common::{assert_answers, fixture, logs_line, span_json, traces_line, TestCase};

const NOW: i64 = 1_793_710_000_000_000_000;

/// (name, status code, duration, place in the call graph) of each (trace id, span id).
type Spans = HashMap<(String, String), (String, i64, i64, Place)>;
/// A row of spans as read for `Spans`.
type SpanRow = (
    Vec<u8>,
    Vec<u8>,
    String,
    i64,
    i64,
    i64,
    Option<Vec<u8>>,
    String,
    String,
);

/// What `kind:`, `parent.service:`, `parent.kind:` and `peer:` ask of a span.
#[derive(Debug, Clone, Default)]
struct Place {
    kind: i64,
    parent: Option<(String, i64)>,
    /// The virtual node it called (`peer:`), if it is such a span.
    peer: Option<String>,
}

async fn demo_case() -> (TestCase, Reader, Vec<LogView>, Spans) {
    let case = TestCase::new().await;
    case.ingest(&[
        fixture("demo"),
        fixture("logs-text/lnav__test__logfile_logfmt.0"),
    ])
    .await;
    let reader = case.store.reader().await.unwrap();
    let all = reader.logs(&LogFilter::default()).await.unwrap();
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", case.path().display()))
        .await
        .unwrap();
    let rows: Vec<SpanRow> = sqlx::query_as(
        "SELECT trace_id, span_id, name, status_code, end_ns - start_ns, kind, parent_span_id, \
         service, attributes FROM spans",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let by_id: HashMap<(Vec<u8>, Vec<u8>), &SpanRow> = rows
        .iter()
        .map(|row| ((row.0.clone(), row.1.clone()), row))
        .collect();
    let parent_of = |row: &SpanRow| by_id.get(&(row.0.clone(), row.6.clone()?)).copied();
    let called_a_service: BTreeSet<(Vec<u8>, Vec<u8>)> = rows
        .iter()
        .filter_map(|row| {
            let parent = parent_of(row)?;
            (parent.7 != row.7).then(|| (parent.0.clone(), parent.1.clone()))
        })
        .collect();
    let spans = rows
        .iter()
        .map(|row| {
            let (trace, span, name, status, duration, kind) =
                (&row.0, &row.1, &row.2, row.3, row.4, row.5);
            let calls_out = kind == 3 || kind == 4;
            let peer = (calls_out && !called_a_service.contains(&(trace.clone(), span.clone())))
                .then(|| {
                    let attributes: serde_json::Value = serde_json::from_str(&row.8).unwrap();
                    weft::analysis::services::peer_of(Some(&attributes))
                });
            let place = Place {
                kind,
                parent: parent_of(row).map(|parent| (parent.7.clone(), parent.5)),
                peer,
            };
            (
                (hex(trace), hex(span)),
                (name.clone(), status, duration, place),
            )
        })
        .collect();
    (case, reader, all, spans)
}

fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|token| !token.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn compare<T: PartialOrd>(left: T, cmp: Cmp, right: T) -> bool {
    match cmp {
        Cmp::Eq => left == right,
        Cmp::Ne => left != right,
        Cmp::Gt => left > right,
        Cmp::Ge => left >= right,
        Cmp::Lt => left < right,
        Cmp::Le => left <= right,
    }
}

/// Whether `log` matches `query`, worked out without SQL.
fn brute_force(query: &Query, log: &LogView, spans: &Spans) -> bool {
    let words = tokens(&log.body);
    let own_span = match (&log.trace_id, &log.span_id) {
        (Some(trace), Some(span)) => spans.get(&(trace.clone(), span.clone())),
        _ => None,
    };
    query.terms.iter().all(|term| {
        let holds = match &term.kind {
            TermKind::Word(word) => tokens(word).iter().all(|token| words.contains(token)),
            TermKind::Phrase(phrase) => {
                let wanted = tokens(phrase);
                words
                    .windows(wanted.len().max(1))
                    .any(|window| window == wanted.as_slice())
            }
            TermKind::Regex(pattern) => regex::Regex::new(pattern).unwrap().is_match(&log.body),
            TermKind::Service(service) => &log.service == service,
            TermKind::Level(cmp, number) => {
                let class = |n: i64| (n + 3) / 4;
                let (mine, theirs) = (class(log.severity), class(i64::from(*number)));
                log.severity > 0 && compare(mine, *cmp, theirs)
            }
            TermKind::Name(name) => own_span.is_some_and(|span| &span.0 == name),
            TermKind::Trace(id) => log.trace_id.as_deref() == Some(id.to_hex().as_str()),
            TermKind::Span(id) => log.span_id.as_deref() == Some(id.to_hex().as_str()),
            TermKind::TracePrefix(prefix) => log
                .trace_id
                .as_deref()
                .is_some_and(|id| id.starts_with(&prefix.hex)),
            TermKind::SpanPrefix(prefix) => log
                .span_id
                .as_deref()
                .is_some_and(|id| id.starts_with(&prefix.hex)),
            TermKind::Source(part) => log.source.contains(part.as_str()),
            TermKind::StatusError => own_span.is_some_and(|span| span.1 == 2),
            // The cases of these tests hold no notebook marks.
            TermKind::Marked | TermKind::Tag(_) => false,
            // From the spans of the case, not from the stored state: correlation is checked too.
            TermKind::Link(link) => {
                *link
                    == match (&log.trace_id, own_span) {
                        (None, _) => Link::Unlinked,
                        (Some(_), Some(_)) => Link::Span,
                        (Some(trace), None) if spans.keys().any(|(t, _)| t == trace) => Link::Trace,
                        (Some(_), None) => Link::Orphan,
                    }
            }
            TermKind::Unparsed => log.unparsed,
            // No sampling simulation is applied to this case: no trace is kept or dropped.
            TermKind::Sampled(_) => false,
            TermKind::Duration(cmp, ns) => own_span.is_some_and(|span| compare(span.2, *cmp, *ns)),
            TermKind::Kind(kind) => own_span.is_some_and(|span| span.3.kind == *kind),
            TermKind::ParentService(service) => own_span
                .and_then(|span| span.3.parent.as_ref())
                .is_some_and(|parent| &parent.0 == service),
            TermKind::ParentKind(kind) => own_span
                .and_then(|span| span.3.parent.as_ref())
                .is_some_and(|parent| parent.1 == *kind),
            TermKind::Peer(peer) => own_span.is_some_and(|span| span.3.peer.as_ref() == Some(peer)),
            TermKind::Messaging => own_span.is_some_and(|span| {
                span.3.kind == 5 && span.3.parent.as_ref().is_some_and(|parent| parent.1 == 4)
            }),
            TermKind::After(ns) => log.ts_ns.unwrap() >= *ns,
            TermKind::Before(ns) => log.ts_ns.unwrap() < *ns,
            TermKind::Attr { key, cmp, value } => {
                let found = log.attributes.get(key).or_else(|| {
                    log.attributes
                        .pointer(&format!("/{}", key.replace('.', "/")))
                });
                match (found, value) {
                    (None, _) => *cmp == Cmp::Ne,
                    (Some(found), Literal::Number(number)) => found
                        .as_f64()
                        .or_else(|| found.as_str().and_then(|text| text.parse().ok()))
                        .is_some_and(|have| compare(have, *cmp, *number)),
                    (Some(found), Literal::Text(text)) => {
                        let have = found
                            .as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| found.to_string());
                        compare(have.as_str(), *cmp, text.as_str())
                    }
                    (Some(found), Literal::Bool(flag)) => found
                        .as_bool()
                        .is_some_and(|have| compare(have, *cmp, *flag)),
                }
            }
        };
        holds != term.negated
    })
}

const QUERIES: &[&str] = &[
    "",
    "sampled:kept",
    "-sampled:dropped level>=warn",
    "link:span",
    "trace:1d5dd925",
    "trace:1D5DD92589082",
    "span:8942167a",
    "-trace:1d5dd925 checkout",
    "link:TRACE",
    "link:orphan",
    "unparsed:true",
    "unparsed:false level>=warn",
    "-link:unlinked level>=warn",
    "timeout",
    "connection timeout",
    "\"pool exhausted\"",
    "-healthz",
    "timeout -payments",
    "/PoolTimeout\\w+/",
    "-/^GET/",
    "service:payments",
    "service!=checkout level>=warn",
    "level:error",
    "level>warn",
    "level<info",
    "level<=debug",
    "name:\"POST /v1/charges\"",
    "status:error",
    "-status:error service:payments",
    "duration>1s",
    "duration<=20ms",
    "attr.db.pool.waiting>=30",
    "attr.user.id=u42",
    "attr.namespace!=inc-1-domain-c14-ns-6",
    "source:frontend.log",
    "after:2026-11-03T10:01:00Z before:2026-11-03T10:01:30Z",
    "after:-3h",
    "\"charge created\" service:payments after:2026-11-03T10:00:30Z",
    "level>=error \"upstream timeout\"",
    "PodNotFound",
    "kind:client",
    "-kind:server level>=warn",
    "parent.service:frontend",
    "service:payments parent.service:checkout",
    "-parent.service:checkout service:payments",
    "parent.kind:client",
    "peer:postgresql",
    "peer:unknown",
    "-peer:postgresql service:payments",
    "messaging:true",
    "messaging:false level>=warn",
];

/// Issue 23, point 10: a source's unparsed count lists its unparsed lines, with their
/// line numbers, through `source:… unparsed:true` (the query the app's Sources run).
#[tokio::test]
async fn unparsed_lines_of_one_source_are_listed_with_their_line_numbers() {
    let case = TestCase::new().await;
    let bad_input = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_input");
    let reports = case
        .ingest(&[
            bad_input.join("garbage_between.jsonl"),
            bad_input.join("invalid_utf8.jsonl"),
            fixture("demo"),
        ])
        .await;
    let garbage = reports
        .iter()
        .find(|report| report.path.ends_with("garbage_between.jsonl"))
        .unwrap();
    let reader = case.store.reader().await.unwrap();
    let all = reader.logs(&LogFilter::default()).await.unwrap();
    let text = "source:garbage_between unparsed:true";
    let query = parse(text, NOW).unwrap();
    let wanted: Vec<i64> = all
        .iter()
        .filter(|log| log.unparsed && log.source.ends_with("garbage_between.jsonl"))
        .map(|log| log.id)
        .collect();
    assert_eq!(wanted.len() as u64, garbage.unparsed);
    assert_answers(&reader, &all, text, &query, &wanted).await;
    let listed = reader
        .logs(&LogFilter {
            query,
            ..LogFilter::default()
        })
        .await
        .unwrap();
    let lines: Vec<Option<i64>> = listed.iter().map(|log| log.line).collect();
    assert_eq!(lines, [Some(3), Some(4), Some(6)]);
    assert_eq!(listed[0].body, "this is not json {{{");
    // Every source's unparsed count is what the query finds, and no span is unparsed.
    for source in reader.sources().await.unwrap() {
        let query = parse(&format!("source:{} unparsed:true", source.id), NOW).unwrap();
        let found = all
            .iter()
            .filter(|log| log.unparsed && log.source == source.path)
            .count() as i64;
        assert_eq!(found, source.unparsed, "{}", source.path);
        assert!(found == 0 || reader.log_count(&query).await.unwrap() >= found);
    }
    let traces = reader
        .traces(&TraceFilter {
            query: parse("unparsed:true", NOW).unwrap(),
            ..TraceFilter::default()
        })
        .await
        .unwrap();
    assert!(traces.is_empty(), "no trace has an unparsed record");
}

#[tokio::test]
async fn queries_match_brute_force() {
    let (_case, reader, all, spans) = demo_case().await;
    assert!(all.len() > 300);
    for text in QUERIES {
        let query = parse(text, NOW).unwrap_or_else(|error| panic!("{text}: {error}"));
        let wanted: Vec<i64> = all
            .iter()
            .filter(|log| brute_force(&query, log, &spans))
            .map(|log| log.id)
            .collect();
        assert_answers(&reader, &all, text, &query, &wanted).await;
    }
    // Words of the common queries really occur, so the comparisons above are not all empty.
    let matched = |text: &str| {
        all.iter()
            .filter(|log| brute_force(&parse(text, NOW).unwrap(), log, &spans))
            .count()
    };
    for text in [
        "timeout",
        "\"pool exhausted\"",
        "status:error",
        "attr.db.pool.waiting>=30",
        "PodNotFound",
        "duration>1s",
        "peer:postgresql",
        "service:payments parent.service:checkout",
    ] {
        assert!(
            matched(text) > 0,
            "`{text}` matches nothing in the fixtures"
        );
    }
}

#[tokio::test]
async fn pages_walk_the_whole_result_both_ways_and_stay_stable() {
    let (case, reader, _all, _spans) = demo_case().await;
    let query = parse("-healthz", NOW).unwrap();
    let wanted: Vec<i64> = reader
        .logs(&LogFilter {
            query: query.clone(),
            ..LogFilter::default()
        })
        .await
        .unwrap()
        .iter()
        .map(|log| log.id)
        .collect();

    let mut forward = Vec::new();
    let mut page = reader.log_page(&query, Anchor::First, 7).await.unwrap();
    assert!(page.before.is_none());
    let mut first_pass = true;
    loop {
        forward.extend(page.rows.iter().map(|log| log.id));
        let Some(after) = page.after else { break };
        if first_pass {
            // Data added while paging does not move the pages already seen.
            case.ingest(&[fixture("logs-pino/lnav__test__logfile_pino.0")])
                .await;
            first_pass = false;
        }
        page = reader
            .log_page(&query, Anchor::After(after), 7)
            .await
            .unwrap();
    }
    let seen: BTreeSet<i64> = forward.iter().copied().collect();
    assert_eq!(seen.len(), forward.len(), "no row twice");
    assert!(wanted.iter().all(|id| seen.contains(id)), "no row skipped");

    let mut backward = Vec::new();
    let mut page = reader.log_page(&query, Anchor::Last, 5).await.unwrap();
    assert!(page.after.is_none());
    loop {
        backward.splice(0..0, page.rows.iter().map(|log| log.id));
        let Some(before) = page.before else { break };
        page = reader
            .log_page(&query, Anchor::Before(before), 5)
            .await
            .unwrap();
    }
    let now_all: Vec<i64> = reader
        .logs(&LogFilter {
            query: query.clone(),
            ..LogFilter::default()
        })
        .await
        .unwrap()
        .iter()
        .map(|log| log.id)
        .collect();
    assert_eq!(backward, now_all);
    assert!(
        now_all.len() > wanted.len(),
        "the added line is in the later walk"
    );

    let at = reader
        .logs(&LogFilter {
            query: query.clone(),
            ..LogFilter::default()
        })
        .await
        .unwrap()[40]
        .clone();
    let jumped = reader
        .log_page(
            &query,
            Anchor::At {
                ts_ns: at.ts_ns.unwrap(),
            },
            3,
        )
        .await
        .unwrap();
    assert_eq!(jumped.rows[0].ts_ns, at.ts_ns);
    assert!(jumped.before.is_some());
}

#[tokio::test]
async fn trace_list_matches_spans_or_logs() {
    let (case, reader, all, spans) = demo_case().await;
    let all_traces = reader.traces(&TraceFilter::default()).await.unwrap();
    for (text, sort) in [
        ("service:inventory", TraceSort::Start),
        ("status:error", TraceSort::Duration),
        ("duration>1s", TraceSort::Errors),
        ("\"pool exhausted\"", TraceSort::Start),
        ("level>=error -service:frontend", TraceSort::Start),
        ("Authorize", TraceSort::Start),
        ("-\"charge created\"", TraceSort::Start),
    ] {
        let query = parse(text, NOW).unwrap();
        let got = reader
            .traces(&TraceFilter {
                query: query.clone(),
                sort,
                ..TraceFilter::default()
            })
            .await
            .unwrap();
        let got_ids: BTreeSet<String> = got.iter().map(|t| t.trace_id.clone()).collect();
        assert!(!got_ids.is_empty(), "`{text}` found no trace");
        // Each trace found has a log or a span that matches on its own.
        for trace in &got {
            let by_log = all.iter().any(|log| {
                log.trace_id.as_deref() == Some(&trace.trace_id) && brute_force(&query, log, &spans)
            });
            let span_names: Vec<&String> = spans
                .iter()
                .filter(|((t, _), _)| t == &trace.trace_id)
                .map(|(_, (name, ..))| name)
                .collect();
            let by_span = text == "Authorize"
                && span_names.iter().any(|name| name.as_str() == "Authorize")
                || text.starts_with("service:")
                || text.starts_with("status:")
                || text.starts_with("duration")
                || text.starts_with('-');
            assert!(
                by_log || by_span,
                "`{text}`: trace {} matches neither by a log nor by a span",
                trace.trace_id
            );
        }
        match sort {
            TraceSort::Duration => {
                assert!(got.windows(2).all(|w| w[0].duration_ns >= w[1].duration_ns))
            }
            TraceSort::Errors => assert!(got.windows(2).all(|w| w[0].errors >= w[1].errors)),
            TraceSort::Start => assert!(got.windows(2).all(|w| w[0].start_ns <= w[1].start_ns)),
        }
        assert!(got.len() <= all_traces.len());
    }
    // A span-only term: exactly the traces holding a span of that service.
    let inventory = reader
        .traces(&TraceFilter {
            query: parse("service:inventory", NOW).unwrap(),
            ..TraceFilter::default()
        })
        .await
        .unwrap();
    let with_inventory: BTreeSet<String> = {
        let pool =
            sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", case.path().display()))
                .await
                .unwrap();
        let ids: Vec<Vec<u8>> =
            sqlx::query_scalar("SELECT DISTINCT trace_id FROM spans WHERE service = 'inventory'")
                .fetch_all(&pool)
                .await
                .unwrap();
        ids.iter()
            .map(|id| id.iter().map(|b| format!("{b:02x}")).collect())
            .collect()
    };
    assert!(!with_inventory.is_empty());
    assert_eq!(
        inventory
            .iter()
            .map(|t| t.trace_id.clone())
            .collect::<BTreeSet<_>>(),
        with_inventory
    );
    let errors = reader
        .traces(&TraceFilter {
            query: parse("status:error", NOW).unwrap(),
            ..TraceFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        errors.len(),
        all_traces.iter().filter(|t| t.errors > 0).count()
    );
    let slow = parse("duration>1s", NOW).unwrap();
    let slow = reader
        .traces(&TraceFilter {
            query: slow,
            ..TraceFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        slow.len(),
        all_traces
            .iter()
            .filter(|t| t.duration_ns > 1_000_000_000)
            .count()
    );
}

#[tokio::test]
async fn context_is_the_neighbouring_lines_of_the_same_file() {
    let (_case, reader, all, _spans) = demo_case().await;
    let target = all
        .iter()
        .find(|log| log.source.ends_with("payments.log") && log.line == Some(20))
        .unwrap();
    let lines = reader.log_context(target.id, 3, 2).await.unwrap();
    let numbers: Vec<i64> = lines.iter().map(|log| log.line.unwrap()).collect();
    assert_eq!(numbers, [17, 18, 19, 20, 21, 22]);
    assert!(lines.iter().all(|log| log.source == target.source));
}

#[tokio::test]
async fn hostile_queries_give_results_or_query_errors_never_sqlite_errors() {
    let (_case, reader, _all, _spans) = demo_case().await;
    let hostile = [
        "'",
        "\"",
        ";",
        "'; DROP TABLE logs; --",
        "\" OR 1=1 --",
        "NEAR(",
        "NEAR(a b)",
        "*",
        "a*",
        "^x",
        "x AND y",
        "x OR y",
        "NOT x",
        "(",
        ")",
        "{",
        "}",
        "col:val",
        "body:x",
        "\"unbalanced",
        "/unbalanced",
        "attr.a\"b=1",
        "attr.x'y='z'",
        "service:'",
        "level:'",
        "source:%",
        "source:_",
        "\\",
        "-",
        "--",
        "- -",
        "attr.=1",
        "🎁",
        "東京 José",
        "\0",
        "a\"b",
        "\"\"",
        "//",
        "/(?i)x/",
        "/[/",
    ];
    for text in hostile {
        let Ok(query) = parse(text, NOW) else {
            continue;
        };
        let filter = LogFilter {
            query: query.clone(),
            ..LogFilter::default()
        };
        reader
            .logs(&filter)
            .await
            .unwrap_or_else(|error| panic!("`{text}`: {error}"));
        reader
            .log_count(&query)
            .await
            .unwrap_or_else(|error| panic!("`{text}`: {error}"));
        reader
            .traces(&TraceFilter {
                query,
                ..TraceFilter::default()
            })
            .await
            .unwrap_or_else(|error| panic!("`{text}`: {error}"));
    }
    assert!(
        reader.stats().await.unwrap().logs > 0,
        "the logs table is still there"
    );
}

/// A word on thousands of lines takes the row-by-row plan along the time index;
/// its pages must be the same rows as the brute-force answer.
#[tokio::test]
async fn pages_of_a_common_word_match_brute_force() {
    let case = TestCase::new().await;
    let path = case.dir.path().join("busy.log");
    let mut text = String::new();
    // Two files' worth of lines whose times interleave with the ids' order.
    for line in 0..6000 {
        let ms = 1_793_700_000_000i64 + (line * 7919 % 6000) as i64;
        let word = if line % 3 == 0 { "busy" } else { "idle" };
        let level = if line % 5 == 0 { 50 } else { 30 };
        text.push_str(&format!(
            "{{\"level\":{level},\"time\":{ms},\"pid\":1,\"msg\":\"worker {word} {line}\"}}\n"
        ));
    }
    std::fs::write(&path, text).unwrap();
    case.ingest(&[path]).await;
    let reader = case.store.reader().await.unwrap();
    let all = reader.logs(&LogFilter::default()).await.unwrap();
    for text in ["busy", "busy level>=error", "busy -idle", "worker"] {
        let query = parse(text, NOW).unwrap();
        let wanted: Vec<i64> = all
            .iter()
            .filter(|log| brute_force(&query, log, &Spans::new()))
            .map(|log| log.id)
            .collect();
        assert!(wanted.len() > 300, "`{text}` is common");
        let mut got = Vec::new();
        let mut page = reader.log_page(&query, Anchor::First, 97).await.unwrap();
        loop {
            got.extend(page.rows.iter().map(|log| log.id));
            let Some(after) = page.after else { break };
            page = reader
                .log_page(&query, Anchor::After(after), 97)
                .await
                .unwrap();
        }
        assert_eq!(got, wanted, "`{text}` forward");
        let mut back = Vec::new();
        let mut page = reader.log_page(&query, Anchor::Last, 101).await.unwrap();
        loop {
            back.splice(0..0, page.rows.iter().map(|log| log.id));
            let Some(before) = page.before else { break };
            page = reader
                .log_page(&query, Anchor::Before(before), 101)
                .await
                .unwrap();
        }
        assert_eq!(back, wanted, "`{text}` backward");
        assert_eq!(reader.log_count(&query).await.unwrap(), wanted.len() as i64);
    }
}

/// `trace:`/`span:` take a prefix of at least 8 hex digits: a unique one finds its
/// trace's records, one that several ids of the case start with is an error naming
/// them (at its column), and fewer digits are not an id.
#[tokio::test]
async fn an_id_prefix_finds_its_trace_or_names_the_ids_it_could_be() {
    let case = TestCase::new().await;
    let (first, second) = (
        "aaaaaaaa00000000000000000000000f",
        "aaaaaaaa0000000000000000000000f0",
    );
    let export = case.dir.path().join("two.jsonl");
    std::fs::write(
        &export,
        [
            traces_line(
                "api",
                &[span_json(first, "bbbbbbbb00000001", "", "GET /a", 1_000)],
            ),
            traces_line(
                "api",
                &[span_json(second, "cccccccc00000002", "", "GET /b", 2_000)],
            ),
            logs_line(
                "api",
                &[
                    (first, "bbbbbbbb00000001", "about a"),
                    (second, "", "about b"),
                ],
            ),
        ]
        .join("\n"),
    )
    .unwrap();
    case.ingest(&[export]).await;
    let reader = case.store.reader().await.unwrap();
    let bodies = |query: &str| {
        let reader = reader.clone();
        let query = parse(query, 0).unwrap();
        async move {
            let filter = LogFilter {
                query,
                ..LogFilter::default()
            };
            let logs = reader.logs(&filter).await.unwrap();
            logs.into_iter().map(|log| log.body).collect::<Vec<_>>()
        }
    };
    assert_eq!(
        bodies("trace:aaaaaaaa00000000000000000000000").await,
        ["about a"]
    );
    assert_eq!(
        bodies("trace:AAAAAAAA0000000000000000000000F").await,
        ["about b"]
    );
    assert_eq!(bodies("span:bbbbbbbb").await, ["about a"]);
    assert_eq!(bodies("trace:aaaaaaab").await, Vec::<String>::new());
    let traces = reader
        .traces(&TraceFilter {
            query: parse("trace:aaaaaaaa000000000000000000000", 0).unwrap(),
            ..TraceFilter::default()
        })
        .await;
    let error = traces.unwrap_err().to_string();
    assert!(error.contains("column 1"), "{error}");
    assert!(error.contains(first) && error.contains(second), "{error}");
    let filter = LogFilter {
        query: parse("level>=info trace:aaaaaaaa", 0).unwrap(),
        ..LogFilter::default()
    };
    let error = reader.logs(&filter).await.unwrap_err();
    assert!(
        matches!(
            &error,
            weft::StoreError::Query(weft::query::QueryError::AmbiguousId { column: 13, .. })
        ),
        "{error}"
    );
    // Seven digits are no prefix, and not an id either.
    assert!(parse("trace:aaaaaaa", 0).is_err());
}

#[tokio::test]
async fn the_vocabulary_is_the_fields_services_and_attribute_keys_of_the_case() {
    let (case, reader, all, _) = demo_case().await;
    let vocabulary = reader.vocabulary().await.unwrap();
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", case.path().display()))
        .await
        .unwrap();
    let spans: Vec<(String, String)> = sqlx::query_as("SELECT service, attributes FROM spans")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(
        all.len() < 5_000 && spans.len() < 5_000,
        "the case fits the key sample"
    );
    // Every service of a log or a span, worked out from every row.
    let services: BTreeSet<String> = all
        .iter()
        .map(|log| log.service.clone())
        .chain(spans.iter().map(|(service, _)| service.clone()))
        .collect();
    assert!(services.len() > 2, "the demo has several services");
    assert_eq!(
        vocabulary.services,
        services.into_iter().collect::<Vec<_>>()
    );
    // Every top-level attribute key of every log and span (the case is smaller than the sample).
    let mut keys = BTreeSet::new();
    for log in &all {
        if let Some(object) = log.attributes.as_object() {
            keys.extend(object.keys().cloned());
        }
    }
    for (_, attributes) in &spans {
        let value: serde_json::Value = serde_json::from_str(attributes).unwrap();
        keys.extend(value.as_object().unwrap().keys().cloned());
    }
    assert!(
        keys.contains("http.route") || keys.len() > 5,
        "the demo has attribute keys"
    );
    assert_eq!(
        vocabulary.attribute_keys,
        keys.into_iter().collect::<Vec<_>>()
    );
    // The fields are the query language's, and each field offered parses.
    let names: Vec<&str> = vocabulary
        .fields
        .iter()
        .map(|field| field.name.as_str())
        .collect();
    assert!(names.contains(&"service") && names.contains(&"level") && names.contains(&"attr."));
    let levels = &vocabulary
        .fields
        .iter()
        .find(|field| field.name == "level")
        .unwrap()
        .values;
    assert!(levels.contains(&"warn".to_string()));
    for field in &vocabulary.fields {
        for value in &field.values {
            parse(&format!("{}:{value}", field.name), NOW).unwrap();
        }
    }
}
