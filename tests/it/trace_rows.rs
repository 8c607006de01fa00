//! A trace a window of rows at a time (issue 19): the layout kept in the case for a
//! big trace is the layout of its spans after loads and removals;
//! windows put together are the whole layout; find-in-trace is the brute-force
//! filter of the app's matching; `weft trace ID --rows` prints the issue's shape.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use weft::analysis::layout::{find_needle, resource_text, span_text};
use weft::store::{KeptLayout, SpanView};
use weft::{SpanId, TraceId};

use crate::common::{span_json, traces_line, weft_json, TestCase};

const TRACE: &str = "7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a";
const SMALL_TRACE: &str = "5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b";

fn span_id(n: usize) -> String {
    format!("{:016x}", 0x1000_0000_0000 + n)
}

/// `count` spans of the big trace numbered from `first`: a tree of fan-out 4
/// (span n under span (n - 1) / 4), and every 97th span under a parent the case
/// never holds (one of three missing ids).
fn big_trace_lines(service: &str, first: usize, count: usize) -> String {
    let spans: Vec<String> = (first..first + count)
        .map(|n| {
            let parent = match n {
                0 => String::new(),
                n if n % 97 == 0 => format!("{:016x}", 0xdead_0000 + n % 3),
                n => span_id((n - 1) / 4),
            };
            span_json(
                TRACE,
                &span_id(n),
                &parent,
                &format!("op {}", n % 13),
                (n % 1000) as i64,
            )
        })
        .collect();
    spans
        .chunks(1000)
        .map(|chunk| traces_line(service, chunk) + "\n")
        .collect()
}

fn small_trace_line() -> String {
    let spans = vec![
        span_json(SMALL_TRACE, "00000000000000a1", "", "root", 0),
        span_json(
            SMALL_TRACE,
            "00000000000000a2",
            "00000000000000a1",
            "child",
            1,
        ),
    ];
    traces_line("small", &spans) + "\n"
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A case holding one big trace of `spans` spans of service `web` (`TRACE`).
async fn big_trace_case(spans: usize) -> TestCase {
    let case = TestCase::new().await;
    let file = write(
        case.dir.path(),
        "big.jsonl",
        &big_trace_lines("web", 0, spans),
    );
    case.ingest(&[file]).await;
    case
}

async fn kept_and_fresh(case: &TestCase, trace: &str) -> (Option<KeptLayout>, KeptLayout) {
    let reader = case.store.reader().await.unwrap();
    let id: TraceId = trace.parse().unwrap();
    let kept = reader.kept_layout(id).await.unwrap();
    let fresh = reader.laid_out(id).await.unwrap().expect("the trace");
    (kept, fresh)
}

#[tokio::test]
async fn a_big_traces_kept_layout_is_its_layout_after_loads_and_removals() {
    let case = TestCase::new().await;
    let first = write(
        case.dir.path(),
        "first.jsonl",
        &(big_trace_lines("web", 0, 5_200) + &small_trace_line()),
    );
    case.ingest(&[first]).await;
    let (kept, fresh) = kept_and_fresh(&case, TRACE).await;
    assert_eq!(kept.as_ref(), Some(&fresh));
    assert!(fresh.layout.has_missing_parents);
    assert_eq!(fresh.layout.span_count, 5_200);
    // A small trace is laid out when asked, not kept.
    assert_eq!(kept_and_fresh(&case, SMALL_TRACE).await.0, None);

    // More spans of the trace, from another file and another service.
    let second = write(
        case.dir.path(),
        "second.jsonl",
        &big_trace_lines("api", 5_200, 300),
    );
    case.ingest(&[second]).await;
    let (kept, fresh) = kept_and_fresh(&case, TRACE).await;
    assert_eq!(fresh.layout.span_count, 5_500);
    assert_eq!(fresh.services, vec!["api".to_string(), "web".to_string()]);
    assert_eq!(kept.as_ref(), Some(&fresh));

    // Removing the second file's source takes its spans out of the kept layout.
    let reader = case.store.reader().await.unwrap();
    let second_source = reader
        .sources()
        .await
        .unwrap()
        .into_iter()
        .find(|source| source.path.ends_with("second.jsonl"))
        .unwrap();
    let mut writer = case.store.writer().await.unwrap();
    writer.remove_source(second_source.id).await.unwrap();
    drop(writer);
    let (kept, fresh) = kept_and_fresh(&case, TRACE).await;
    assert_eq!(fresh.layout.span_count, 5_200);
    assert_eq!(kept.as_ref(), Some(&fresh));
    assert_eq!(
        case.count("SELECT COUNT(*) FROM trace_layouts").await,
        1,
        "one layout, of the one big trace"
    );
}

#[tokio::test]
async fn windows_put_together_are_the_whole_layout_under_any_collapsed_set() {
    let case = big_trace_case(6_000).await;
    let reader = case.store.reader().await.unwrap();
    let id: TraceId = TRACE.parse().unwrap();
    let outline = reader.trace_outline(id).await.unwrap().unwrap();
    // 6 000 spans, one placeholder per missing id.
    assert_eq!(outline.span_count, 6_000);
    assert_eq!(outline.total_rows, 6_003);
    for collapsed in [
        vec![],
        vec![span_id(1), span_id(7)],
        vec![span_id(0)],
        vec![format!("{:016x}", 0xdead_0001u64), span_id(30), span_id(2)],
    ] {
        let collapsed: Vec<SpanId> = collapsed.iter().map(|id| id.parse().unwrap()).collect();
        let whole = reader
            .trace_rows(id, 0, u32::MAX, collapsed.clone())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(whole.rows.len() as u32, whole.total_rows);
        let mut pieces = Vec::new();
        let mut start = 0;
        while start < whole.total_rows {
            let window = reader
                .trace_rows(id, start, start + 777, collapsed.clone())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(window.total_rows, whole.total_rows);
            pieces.extend(window.rows);
            start += 777;
        }
        assert_eq!(pieces, whole.rows);
        for (at, row) in whole.rows.iter().enumerate() {
            assert_eq!(row.row, at as u32);
            if at % 500 == 0 {
                let of = reader
                    .trace_row_of(id, row.span_id.parse().unwrap(), collapsed.clone())
                    .await
                    .unwrap();
                assert_eq!(of, Some(at as u32));
            }
        }
    }
    let mut roots = vec![span_id(0)];
    roots.extend((0..3).map(|k| format!("{:016x}", 0xdead_0000u64 + k)));
    let roots: Vec<SpanId> = roots.iter().map(|id| id.parse().unwrap()).collect();
    let hidden = reader.trace_rows(id, 0, 10, roots).await.unwrap().unwrap();
    // The root and the placeholders of the missing parents collapsed: only they show.
    assert_eq!(hidden.total_rows, 4);
    assert!(hidden.rows[0].collapsed);
    assert!(hidden.rows[1..].iter().all(|row| row.placeholder));
}

/// A window read a piece at a time from the kept layout (a fresh reader) equals
/// the same window asked again of a reader that made its collapsed set before (a
/// set of many keys: the one it keeps) and `TraceLayout::window` of the whole
/// decoded layout, for random collapsed sets and windows.
#[tokio::test]
async fn windows_read_piecewise_equal_windows_of_the_whole_layout() {
    let case = big_trace_case(7_000).await;
    let id: TraceId = TRACE.parse().unwrap();
    let whole = case.store.reader().await.unwrap();
    let kept = whole.kept_layout(id).await.unwrap().expect("a kept layout");
    let layout = &kept.layout;
    // The overview streams the rows: nothing of the layout is kept after.
    whole
        .trace_overview(id, layout.start_ns, layout.end_ns, 10, Vec::new())
        .await
        .unwrap()
        .unwrap();
    let mut seed: u64 = 0x5eed;
    let mut next = |below: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % below
    };
    for round in 0..25 {
        // The first sets are too big for a binary search a key: the key index is
        // streamed, and `whole` keeps the set for the next window.
        let count = if round < 3 {
            300 + next(2000)
        } else {
            next(12)
        };
        let keys: Vec<[u8; 8]> = (0..count)
            .map(|_| match next(10) {
                0 => {
                    let missing = 0xdead_0000u64 + next(3);
                    missing.to_be_bytes()
                }
                _ => layout.rows[next(layout.rows.len() as u64) as usize].span_id,
            })
            .collect();
        let collapsed: Vec<SpanId> = keys.iter().map(|key| SpanId(*key)).collect();
        let set = layout.collapsed(&keys);
        let visible = layout.visible_count(&set);
        let start = next(u64::from(visible) + 10) as u32;
        let end = start + next(400) as u32;
        let fresh = case.store.reader().await.unwrap();
        let piecewise = fresh
            .trace_rows(id, start, end, collapsed.clone())
            .await
            .unwrap()
            .unwrap();
        for _ in 0..2 {
            let again = whole
                .trace_rows(id, start, end, collapsed.clone())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(piecewise, again);
        }
        assert_eq!(piecewise.total_rows, visible);
        let want: Vec<(String, u32)> = layout
            .window(&set, start, end)
            .iter()
            .map(|&full| {
                let row = &layout.rows[full as usize];
                (SpanId(row.span_id).to_hex(), row.depth)
            })
            .collect();
        let got: Vec<(String, u32)> = piecewise
            .rows
            .iter()
            .map(|row| (row.span_id.clone(), row.depth))
            .collect();
        assert_eq!(got, want);
        for row in &piecewise.rows {
            let key = row.span_id.parse::<SpanId>().unwrap().0;
            assert_eq!(row.collapsed, row.has_children && keys.contains(&key));
        }
        if let Some(row) = piecewise.rows.last() {
            let of = fresh
                .trace_row_of(id, row.span_id.parse().unwrap(), collapsed.clone())
                .await
                .unwrap();
            assert_eq!(of, Some(row.row));
        }
    }
    let outline = case
        .store
        .reader()
        .await
        .unwrap()
        .trace_outline(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(outline, whole.trace_outline(id).await.unwrap().unwrap());
    assert_eq!(outline.total_rows, layout.rows.len() as u32);
    assert!(
        case.count("SELECT COUNT(*) FROM trace_layout_chunks").await > 1,
        "the layout is kept in pieces"
    );
}

/// The calls that used to read a big trace's layout whole, now streaming its
/// pieces: the overview equals `TraceLayout::summary` of the whole decoded layout,
/// "to depth N" its `keys_from_depth`, a span's self time its length less its
/// children's union, find's rows the visible rows of the matches, for random
/// collapsed sets of few and of many keys.
#[tokio::test]
async fn overview_depth_self_time_and_find_from_pieces_equal_the_whole_layout() {
    let case = big_trace_case(6_000).await;
    let id: TraceId = TRACE.parse().unwrap();
    let reader = case.store.reader().await.unwrap();
    let kept = reader
        .kept_layout(id)
        .await
        .unwrap()
        .expect("a kept layout");
    let layout = &kept.layout;
    let mut seed: u64 = 0xfeed;
    let mut next = |below: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % below
    };
    for round in 0..8 {
        let count = if round % 2 == 0 {
            next(12)
        } else {
            257 + next(1500)
        };
        let keys: Vec<[u8; 8]> = (0..count)
            .map(|_| layout.rows[next(layout.rows.len() as u64) as usize].span_id)
            .collect();
        let collapsed: Vec<SpanId> = keys.iter().map(|key| SpanId(*key)).collect();
        let set = layout.collapsed(&keys);
        let (from, to) = (
            layout.start_ns + next(500) as i64,
            layout.end_ns - next(500) as i64,
        );
        let buckets = 1 + next(300) as u32;
        let overview = reader
            .trace_overview(id, from, to, buckets, collapsed.clone())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(overview.total_rows, layout.visible_count(&set));
        let want: Vec<(u32, u32, u32, u32, String)> = layout
            .summary(&set, from, to, buckets)
            .iter()
            .map(|cell| {
                let row = &layout.rows[cell.longest_row as usize];
                (
                    cell.depth,
                    cell.bucket,
                    cell.count,
                    layout.visible_row_of(&set, cell.longest_row).unwrap(),
                    SpanId(row.span_id).to_hex(),
                )
            })
            .collect();
        let got: Vec<(u32, u32, u32, u32, String)> = overview
            .cells
            .iter()
            .map(|cell| {
                (
                    cell.depth,
                    cell.bucket,
                    cell.count,
                    cell.row,
                    cell.span_id.clone(),
                )
            })
            .collect();
        assert_eq!(got, want, "round {round}");
        let found = reader
            .trace_find(id, "op 7".to_string(), collapsed.clone())
            .await
            .unwrap()
            .unwrap();
        let mut want: Vec<(u32, String)> = layout
            .rows
            .iter()
            .enumerate()
            .filter(|(_, row)| !row.placeholder && span_index(row.span_id) % 13 == 7)
            .map(|(full, row)| (full as u32, SpanId(row.span_id).to_hex()))
            .collect();
        want.sort();
        assert_eq!(found.total as usize, want.len());
        let got: Vec<(String, Option<u32>)> = found
            .matches
            .iter()
            .map(|m| (m.span_id.clone(), m.row))
            .collect();
        let want: Vec<(String, Option<u32>)> = want
            .into_iter()
            .map(|(full, hex)| (hex, layout.visible_row_of(&set, full)))
            .collect();
        assert_eq!(got, want, "round {round}");
    }
    for depth in [0, 1, 3, 5, 40] {
        let got = reader
            .trace_collapse_to_depth(id, depth)
            .await
            .unwrap()
            .unwrap();
        let want: Vec<String> = layout
            .keys_from_depth(depth)
            .iter()
            .map(|key| SpanId(*key).to_hex())
            .collect();
        assert_eq!(got, want, "depth {depth}");
    }
    for n in [0usize, 1, 5, 97, 1234, 5999] {
        let span: SpanId = span_id(n).parse().unwrap();
        let detail = reader.span_detail(id, span).await.unwrap().unwrap();
        // Its length less the union of its children clipped to it, brute force.
        let full = layout.row_of(&span.0).unwrap();
        let row = layout.rows[full as usize];
        let mut covered: Vec<(i64, i64)> = layout.rows
            [full as usize + 1..(full + row.size) as usize]
            .iter()
            .filter(|child| child.depth == row.depth + 1)
            .map(|child| {
                (
                    child.start_ns.max(row.start_ns),
                    child.end_ns.min(row.end_ns),
                )
            })
            .filter(|(start, end)| start < end)
            .collect();
        covered.sort();
        let (mut union, mut reach) = (0i64, i64::MIN);
        for (start, end) in covered {
            let start = start.max(reach);
            if end > start {
                union += end - start;
                reach = end;
            }
        }
        assert_eq!(
            detail.self_ns,
            row.end_ns - row.start_ns - union,
            "span {n}"
        );
        assert_eq!(detail.trace_start_ns, layout.start_ns);
    }
    let missing: SpanId = "00000000dead0001".parse().unwrap();
    assert!(
        reader.span_detail(id, missing).await.unwrap().is_none(),
        "a placeholder has no details"
    );
}

/// The number `span_id` gave a span of the big trace.
fn span_index(key: [u8; 8]) -> usize {
    (u64::from_be_bytes(key) - 0x1000_0000_0000) as usize
}

#[tokio::test]
async fn find_in_trace_is_the_apps_matching_over_every_span() {
    let case = TestCase::new().await;
    case.ingest(&[crate::common::fixture("demo")]).await;
    let reader = case.store.reader().await.unwrap();
    let traces = reader
        .traces(&weft::store::TraceFilter {
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    for summary in traces {
        let id: TraceId = summary.trace_id.parse().unwrap();
        let trace = reader.trace(id).await.unwrap().unwrap();
        for text in ["payments", "POST", " ord ", "http", "x-nothing-x", "   "] {
            let want = spans_matching(&trace.spans, text);
            let found = reader
                .trace_find(id, text.to_string(), Vec::new())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(found.total as usize, want.len(), "{text:?}");
            let got: HashSet<String> = found.matches.iter().map(|m| m.span_id.clone()).collect();
            assert_eq!(got, want, "{text:?}");
            let rows: Vec<u32> = found.matches.iter().map(|m| m.row.unwrap()).collect();
            assert!(
                rows.windows(2).all(|pair| pair[0] < pair[1]),
                "in row order"
            );
        }
    }
}

/// Spans with attributes of every kind (upper case, `İ` and the Kelvin sign, escapes,
/// floats, arrays, maps) and status messages, for find-in-trace's prefilter.
fn varied_spans_line(count: usize) -> String {
    let texts = [
        "Payment Declined",
        "\u{0130}NDEX ki",
        "\u{212a}ILN",
        "quote \\\" and back\\\\slash",
        "caf\u{e9} PAY",
        "http.status",
        "",
    ];
    let spans: Vec<String> = (0..count)
        .map(|n| {
            let parent = if n == 0 { String::new() } else { span_id((n - 1) / 3) };
            let text = texts[n % texts.len()];
            let attributes = format!(
                r#"[{{"key":"note","value":{{"stringValue":"{text}"}}}},
                   {{"key":"n","value":{{"intValue":"{n}"}}}},
                   {{"key":"ratio","value":{{"doubleValue":{}}}}},
                   {{"key":"ok","value":{{"boolValue":{}}}}},
                   {{"key":"list","value":{{"arrayValue":{{"values":[{{"stringValue":"a{n}"}},{{"doubleValue":2.0}}]}}}}}},
                   {{"key":"Map","value":{{"kvlistValue":{{"values":[{{"key":"Inner.Key","value":{{"stringValue":"x"}}}}]}}}}}}]"#,
                ["2.0", "1e20", "0.5", "1e21"][n % 4],
                n % 2 == 0
            );
            span_json(TRACE, &span_id(n), &parent, &format!("Op {}", n % 5), n as i64).replace(
                r#""status":{}"#,
                &format!(
                    r#""status":{{"code":{},"message":"{}"}},"attributes":{attributes}"#,
                    1 + n % 2,
                    texts[(n + 3) % texts.len()]
                ),
            )
        })
        .collect();
    traces_line("Pay-Service", &spans) + "\n"
}

/// `trace_find` (which rules spans out from their stored columns before parsing
/// their attributes) finds what the app's matching finds over every span, for
/// needles it can rule out with and needles it cannot.
#[tokio::test]
async fn find_in_trace_with_its_prefilter_is_the_apps_matching() {
    let case = TestCase::new().await;
    let file = write(case.dir.path(), "varied.jsonl", &varied_spans_line(400));
    case.ingest(&[file]).await;
    let reader = case.store.reader().await.unwrap();
    let id: TraceId = TRACE.parse().unwrap();
    let trace = reader.trace(id).await.unwrap().unwrap();
    assert_eq!(trace.spans.len(), 400);
    let needles = [
        "payment",
        "PAY",
        "ki",
        "index",
        "kiln",
        "\u{212a}",
        "caf\u{e9}",
        "\"",
        "\\",
        "back\\slash",
        "http.status",
        "inner.key",
        "op 3",
        "2",
        "1e+21",
        "100000",
        "a17",
        "true",
        "ok false",
        "0 a",
        "pay-service",
        "service.name",
        "declined",
        "zzz",
    ];
    for text in needles {
        let want = spans_matching(&trace.spans, text);
        let found = reader
            .trace_find(id, text.to_string(), Vec::new())
            .await
            .unwrap()
            .unwrap();
        let got: HashSet<String> = found.matches.iter().map(|m| m.span_id.clone()).collect();
        assert_eq!(got, want, "{text:?}");
        assert_eq!(found.total as usize, want.len(), "{text:?}");
    }
}

#[test]
fn weft_trace_rows_prints_the_issues_shape() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.weft");
    let file = write(dir.path(), "big.jsonl", &big_trace_lines("web", 0, 300));
    crate::common::weft_ok(&case, &["ingest", file.to_str().unwrap()]);
    let whole = weft_json(&case, &["trace", TRACE, "--json"]);
    let window = weft_json(&case, &["trace", TRACE, "--rows", "0:5", "--json"]);
    let keys: Vec<&str> = window
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["trace_id", "total_rows", "rows"]);
    assert_eq!(window["trace_id"], TRACE);
    // 300 spans and the placeholders over spans 97, 194 and 291 (three missing ids).
    assert_eq!(window["total_rows"], 303);
    let rows = window["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    for (at, row) in rows.iter().enumerate() {
        let keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "row",
                "depth",
                "span_id",
                "parent_span_id",
                "name",
                "service",
                "start_ns",
                "end_ns",
                "status",
                "log_count",
                "has_children"
            ]
        );
        assert_eq!(row["row"], at);
        let span = whole["spans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|span| span["span_id"] == row["span_id"])
            .expect("a span of the trace");
        for key in [
            "parent_span_id",
            "name",
            "service",
            "start_ns",
            "end_ns",
            "status",
        ] {
            assert_eq!(row[key], span[key], "{key}");
        }
    }
    assert_eq!(rows[0]["span_id"], span_id(0));
    assert_eq!(rows[0]["depth"], 0);
    assert_eq!(rows[1]["depth"], 1);
    // The root collapsed: it, the three placeholders and their orphans (no children).
    let collapsed = weft_json(
        &case,
        &[
            "trace",
            TRACE,
            "--rows",
            "0:10",
            "--collapsed",
            &span_id(0),
            "--json",
        ],
    );
    assert_eq!(collapsed["total_rows"], 7);
    assert_eq!(collapsed["rows"].as_array().unwrap().len(), 7);
    let ids = format!("{},{:016x}", span_id(0), 0xdead_0001u64);
    let collapsed = weft_json(
        &case,
        &[
            "trace",
            TRACE,
            "--rows",
            "0:10",
            "--collapsed",
            &ids,
            "--json",
        ],
    );
    assert_eq!(collapsed["total_rows"], 6);
}

/// The span ids of `spans` that find-in-trace's matching finds `text` in, one span
/// at a time (the brute force the reader's answers are held to).
fn spans_matching(spans: &[SpanView], text: &str) -> HashSet<String> {
    let Some(needle) = find_needle(text) else {
        return HashSet::new();
    };
    spans
        .iter()
        .filter(|span| {
            span_text(
                &span.name,
                &span.service,
                &span.status_message,
                &span.attributes,
            )
            .contains(&needle)
                || resource_text(&span.resource).contains(&needle)
        })
        .map(|span| span.span_id.clone())
        .collect()
}
