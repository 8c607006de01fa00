//! The sampler on fixture traces against decisions worked out by hand from the
//! Collector's evaluators (opentelemetry-collector-contrib
//! `processor/tailsamplingprocessor/internal/sampling/*.go`), one test per policy
//! type, and the config reader's errors.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{json, Value};

use super::collector_hash::{threshold_for_percentage, trace_hash};
use super::*;
use crate::model::StatusCode;

const MS: i64 = 1_000_000;

fn id(n: u128) -> TraceId {
    TraceId(n.to_be_bytes())
}

fn span(start_ms: i64, end_ms: i64) -> SampleSpan {
    SampleSpan {
        start_ns: start_ms * MS,
        end_ns: end_ms * MS,
        status: StatusCode::Unset,
        trace_state: String::new(),
        attributes: json!({}),
        resource: Arc::new(json!({"service.name": "svc"})),
    }
}

fn with_attrs(mut s: SampleSpan, attributes: Value) -> SampleSpan {
    s.attributes = attributes;
    s
}

fn trace(n: u128, spans: Vec<SampleSpan>) -> SampleTrace {
    SampleTrace {
        trace_id: id(n),
        spans,
    }
}

fn policies(yaml: &str) -> SamplingConfig {
    parse_config(yaml).unwrap_or_else(|error| panic!("{error}\n{yaml}"))
}

/// The ids (their numbers) that `yaml` keeps of `traces`.
fn kept(yaml: &str, traces: &[SampleTrace]) -> Vec<u128> {
    let config = policies(yaml);
    let outcomes = traces
        .iter()
        .map(|t| TraceOutcome::of(&config, t))
        .collect();
    let simulation = simulate(&config, outcomes, &HashMap::new());
    let mut ids: Vec<u128> = simulation
        .decided
        .iter()
        .filter(|(_, kept, _, _)| *kept)
        .map(|(id, ..)| u128::from_be_bytes(id.0))
        .collect();
    ids.sort();
    ids
}

fn one(kind: &str, body: &str) -> String {
    format!("policies:\n  - name: p\n    type: {kind}\n    {kind}:\n{body}")
}

#[test]
fn always_sample_keeps_everything() {
    let yaml = "policies:\n  - name: all\n    type: always_sample\n";
    assert_eq!(
        kept(
            yaml,
            &[trace(1, vec![span(0, 1)]), trace(2, vec![span(0, 1)])]
        ),
        vec![1, 2]
    );
}

#[test]
fn latency_measures_first_start_to_last_end_in_whole_milliseconds() {
    // Trace 1: 0 → 1000 ms over two spans (neither alone is 1000 ms): kept at ≥ 1000.
    // Trace 2: 999.999 ms: Go's Duration.Milliseconds truncates to 999, dropped.
    // Trace 3: one span of 1500 ms.
    let mut short = span(0, 0);
    short.end_ns = 999_999_999;
    let traces = [
        trace(1, vec![span(0, 600), span(400, 1000)]),
        trace(2, vec![short]),
        trace(3, vec![span(10, 1510)]),
    ];
    let yaml = one("latency", "      threshold_ms: 1000\n");
    assert_eq!(kept(&yaml, &traces), vec![1, 3]);
    // With an upper bound the lower one is strict: 1000 < d ≤ 1500 keeps only trace 3.
    let yaml = one(
        "latency",
        "      threshold_ms: 1000\n      upper_threshold_ms: 1500\n",
    );
    assert_eq!(kept(&yaml, &traces), vec![3]);
}

#[test]
fn status_code_keeps_traces_with_a_listed_status() {
    let mut error = span(0, 1);
    error.status = StatusCode::Error;
    let mut ok = span(0, 1);
    ok.status = StatusCode::Ok;
    let traces = [
        trace(1, vec![span(0, 1), error]),
        trace(2, vec![ok]),
        trace(3, vec![span(0, 1)]),
    ];
    let yaml = one("status_code", "      status_codes: [ERROR]\n");
    assert_eq!(kept(&yaml, &traces), vec![1]);
    let yaml = one("status_code", "      status_codes: [OK, UNSET]\n");
    assert_eq!(kept(&yaml, &traces), vec![1, 2, 3]);
}

#[test]
fn numeric_attribute_in_range_on_a_span_or_its_resource() {
    let mut on_resource = span(0, 1);
    on_resource.resource = Arc::new(json!({"http.status_code": 503}));
    let traces = [
        trace(
            1,
            vec![with_attrs(span(0, 1), json!({"http.status_code": 500}))],
        ),
        trace(
            2,
            vec![with_attrs(span(0, 1), json!({"http.status_code": 200}))],
        ),
        trace(3, vec![on_resource]),
        trace(4, vec![span(0, 1)]),
        // A string reads as 0 (pdata's `Int()`), outside 500…599.
        trace(
            5,
            vec![with_attrs(span(0, 1), json!({"http.status_code": "500"}))],
        ),
    ];
    let body = "      key: http.status_code\n      min_value: 500\n      max_value: 599\n";
    assert_eq!(kept(&one("numeric_attribute", body), &traces), vec![1, 3]);
    // Inverted: a match is "invert not sampled", no match "invert sampled".
    let inverted = format!("{body}      invert_match: true\n");
    assert_eq!(
        kept(&one("numeric_attribute", &inverted), &traces),
        vec![2, 4, 5]
    );
}

#[test]
fn string_attribute_exact_regex_and_inverted() {
    let traces = [
        trace(
            1,
            vec![with_attrs(span(0, 1), json!({"route": "/checkout"}))],
        ),
        trace(
            2,
            vec![with_attrs(span(0, 1), json!({"route": "/api/checkout/v2"}))],
        ),
        trace(3, vec![with_attrs(span(0, 1), json!({"route": "/health"}))]),
        trace(4, vec![span(0, 1)]),
    ];
    let exact = "      key: route\n      values: [/checkout]\n";
    assert_eq!(kept(&one("string_attribute", exact), &traces), vec![1]);
    // Regexes are not anchored (the Collector's MatchString): "checkout" is in 1 and 2.
    let regex = "      key: route\n      values: [checkout]\n      enabled_regex_matching: true\n";
    assert_eq!(kept(&one("string_attribute", regex), &traces), vec![1, 2]);
    let inverted = "      key: route\n      values: [/health]\n      invert_match: true\n";
    assert_eq!(
        kept(&one("string_attribute", inverted), &traces),
        vec![1, 2, 4]
    );
}

#[test]
fn a_value_of_another_type_reads_as_pdata_reads_it() {
    // "0" and "yes" are not an int or a bool: Int() gives 0, Bool() false.
    let traces = [
        trace(
            1,
            vec![with_attrs(
                span(0, 1),
                json!({"retries": "0", "cached": "yes"}),
            )],
        ),
        trace(
            2,
            vec![with_attrs(
                span(0, 1),
                json!({"retries": 3, "cached": true}),
            )],
        ),
    ];
    let numeric = "      key: retries\n      min_value: 0\n      max_value: 0\n";
    assert_eq!(kept(&one("numeric_attribute", numeric), &traces), vec![1]);
    let boolean = "      key: cached\n      value: false\n";
    assert_eq!(kept(&one("boolean_attribute", boolean), &traces), vec![1]);
}

#[test]
fn boolean_attribute_and_inverted() {
    let traces = [
        trace(1, vec![with_attrs(span(0, 1), json!({"debug": true}))]),
        trace(2, vec![with_attrs(span(0, 1), json!({"debug": false}))]),
        trace(3, vec![span(0, 1)]),
    ];
    let body = "      key: debug\n      value: true\n";
    assert_eq!(kept(&one("boolean_attribute", body), &traces), vec![1]);
    let inverted = format!("{body}      invert_match: true\n");
    assert_eq!(
        kept(&one("boolean_attribute", &inverted), &traces),
        vec![2, 3]
    );
}

#[test]
fn span_count_between_min_and_max() {
    let traces = [
        trace(1, vec![span(0, 1)]),
        trace(2, vec![span(0, 1), span(0, 1)]),
        trace(3, vec![span(0, 1), span(0, 1), span(0, 1)]),
    ];
    assert_eq!(
        kept(&one("span_count", "      min_spans: 2\n"), &traces),
        vec![2, 3]
    );
    assert_eq!(
        kept(
            &one("span_count", "      min_spans: 2\n      max_spans: 2\n"),
            &traces
        ),
        vec![2]
    );
}

#[test]
fn trace_state_key_with_a_listed_value() {
    let mut a = span(0, 1);
    a.trace_state = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE".into();
    let mut b = span(0, 1);
    b.trace_state = "congo=other".into();
    let traces = [
        trace(1, vec![a]),
        trace(2, vec![b]),
        trace(3, vec![span(0, 1)]),
    ];
    let body = "      key: congo\n      values: [t61rcWkgMzE]\n";
    assert_eq!(kept(&one("trace_state", body), &traces), vec![1]);
}

/// The probabilistic policy, computed by hand from probabilistic.go:
/// hash = FNV-1a 64 (offset basis 0xcbf29ce484222325, for each byte: xor the byte,
/// multiply by the prime 0x100000001b3 mod 2^64) over the salt's bytes then the
/// trace id's 16 bytes; threshold = (2^64 − 1) × 0.05 (the float64 0.05 is
/// 0.05000000000000000277…), i.e. 922337203685477631.95… rounded to 64 bits
/// (…631.9375) and truncated: 922337203685477631 = 0x0cccccccccccccff; sampled when
/// hash ≤ threshold. The first two steps over "default-hash-seed": 'd' (0x64) gives
/// 0xaf63d94c8601e773, 'e' (0x65) gives 0x08915307b53baa62.
#[test]
fn probabilistic_keeps_the_trace_ids_the_collector_keeps() {
    assert_eq!(threshold_for_percentage(5.0), 922_337_203_685_477_631);
    // 50 %: (2^64 − 1) / 2 = 2^63 − 0.5 exactly, truncated.
    assert_eq!(threshold_for_percentage(50.0), 0x7fff_ffff_ffff_ffff);
    assert_eq!(threshold_for_percentage(100.0), u64::MAX);
    assert_eq!(threshold_for_percentage(0.0), 0);
    // The default salt (hash_salt empty or absent is "default-hash-seed").
    let cases: [(u128, &str, u64, bool); 5] = [
        (0, "", 0xe195_36ee_d1bb_ac3d, false),
        (1, "", 0xe195_35ee_d1bb_aa8a, false),
        (0xb_1106, "", 0x0cb1_9dee_ea18_4bfb, true),
        (0xb_2217, "", 0x0c7e_bcee_e9ed_270f, true),
        (0x12_aa98, "weft", 0x0c7c_a79c_a346_f873, true),
    ];
    for (n, salt, hash, sampled) in cases {
        assert_eq!(
            trace_hash(salt, &id(n).0),
            hash,
            "hash of {n:x} salt {salt:?}"
        );
        assert_eq!(
            collector_hash::probabilistic_sampled(salt, threshold_for_percentage(5.0), &id(n).0),
            sampled
        );
    }
    // Under the default salt the last id hashes to 0x47a8dcee7b1dc555: not sampled.
    assert_eq!(trace_hash("", &id(0x12_aa98).0), 0x47a8_dcee_7b1d_c555);
    let traces: Vec<SampleTrace> = [0, 1, 0xb_1106, 0xb_2217, 0x12_aa98]
        .into_iter()
        .map(|n| trace(n, vec![span(0, 1)]))
        .collect();
    let five = one("probabilistic", "      sampling_percentage: 5\n");
    assert_eq!(kept(&five, &traces), vec![0xb_1106, 0xb_2217]);
    let salted = one(
        "probabilistic",
        "      sampling_percentage: 5\n      hash_salt: weft\n",
    );
    assert_eq!(kept(&salted, &traces), vec![0x12_aa98]);
}

#[test]
fn rate_limiting_counts_spans_per_second_of_trace_start() {
    // 5 spans per second, kept while the second's spans stay strictly below 5:
    // second 0: trace 1 (2 spans) → 2, trace 2 (2) → 4, trace 3 (2) → 6 ✗;
    // trace 4 (1 span) → 5 ✗ (not < 5); second 1: trace 5 (2) → 2.
    let two = |at: i64| vec![span(at, at + 1), span(at, at + 1)];
    let traces = [
        trace(3, two(300)),
        trace(1, two(100)),
        trace(2, two(200)),
        trace(4, vec![span(400, 401)]),
        trace(5, two(1000)),
    ];
    let yaml = one("rate_limiting", "      spans_per_second: 5\n");
    assert_eq!(kept(&yaml, &traces), vec![1, 2, 5]);
}

#[test]
fn and_needs_every_sub_policy() {
    let mut error = span(0, 2000);
    error.status = StatusCode::Error;
    let mut quick_error = span(0, 10);
    quick_error.status = StatusCode::Error;
    let traces = [
        trace(1, vec![error]),
        trace(2, vec![quick_error]),
        trace(3, vec![span(0, 2000)]),
    ];
    let yaml = "policies:
  - name: slow-errors
    type: and
    and:
      and_sub_policy:
        - name: errors
          type: status_code
          status_code: {status_codes: [ERROR]}
        - name: slow
          type: latency
          latency: {threshold_ms: 1000}
";
    assert_eq!(kept(yaml, &traces), vec![1]);
}

#[test]
fn drop_wins_over_any_sample() {
    let traces = [
        trace(1, vec![with_attrs(span(0, 1), json!({"route": "/health"}))]),
        trace(
            2,
            vec![with_attrs(span(0, 1), json!({"route": "/checkout"}))],
        ),
    ];
    let yaml = "policies:
  - name: all
    type: always_sample
  - name: no-health
    type: drop
    drop:
      drop_sub_policy:
        - name: health
          type: string_attribute
          string_attribute: {key: route, values: [/health]}
";
    assert_eq!(kept(yaml, &traces), vec![2]);
}

#[test]
fn an_inverted_match_that_matched_wins_over_a_sample() {
    // Trace 1 matches the inverted policy (→ InvertNotSampled): dropped though
    // always_sample samples it. Trace 2 is InvertSampled + Sampled: kept.
    let traces = [
        trace(1, vec![with_attrs(span(0, 1), json!({"route": "/health"}))]),
        trace(
            2,
            vec![with_attrs(span(0, 1), json!({"route": "/checkout"}))],
        ),
    ];
    let yaml = "policies:
  - name: all
    type: always_sample
  - name: not-health
    type: string_attribute
    string_attribute: {key: route, values: [/health], invert_match: true}
";
    assert_eq!(kept(yaml, &traces), vec![2]);
    // InvertSampled alone keeps, unless another policy said NotSampled.
    let alone = "policies:
  - name: not-health
    type: string_attribute
    string_attribute: {key: route, values: [/health], invert_match: true}
";
    assert_eq!(kept(alone, &traces), vec![2]);
    let with_no = format!(
        "{alone}  - name: never
    type: span_count
    span_count: {{min_spans: 100}}
"
    );
    assert_eq!(kept(&with_no, &traces), Vec::<u128>::new());
}

#[test]
fn final_decision_order() {
    use Decision::*;
    assert!(!final_decision(&[Sampled, Dropped]));
    assert!(!final_decision(&[Sampled, InvertNotSampled]));
    assert!(final_decision(&[NotSampled, Sampled]));
    assert!(final_decision(&[InvertSampled]));
    assert!(!final_decision(&[InvertSampled, NotSampled]));
    assert!(!final_decision(&[NotSampled]));
    assert!(!final_decision(&[]));
}

#[test]
fn composite_budgets_per_sub_policy_in_policy_order() {
    // max 4 spans/s; "errors" gets 50 % = 2, "rest" 50 % = 2, errors first.
    // Second 0, in start order: trace 1 (error, 2 spans): errors 2 ≤ 2 → kept;
    // trace 2 (error, 1 span): errors 3 > 2 → not sampled (rest is not tried);
    // trace 3 (ok, 2 spans): rest 2 ≤ 2 → kept; trace 4 (ok, 1): rest 3 ✗.
    // Second 1: trace 5 (error, 1 span) → kept.
    let err = |at: i64| {
        let mut s = span(at, at + 1);
        s.status = StatusCode::Error;
        s
    };
    let traces = [
        trace(1, vec![err(100), span(100, 101)]),
        trace(2, vec![err(200)]),
        trace(3, vec![span(300, 301), span(300, 301)]),
        trace(4, vec![span(400, 401)]),
        trace(5, vec![err(1100)]),
    ];
    let yaml = "policies:
  - name: budget
    type: composite
    composite:
      max_total_spans_per_second: 4
      policy_order: [errors, rest]
      composite_sub_policy:
        - name: rest
          type: always_sample
        - name: errors
          type: status_code
          status_code: {status_codes: [ERROR]}
      rate_allocation:
        - policy: errors
          percent: 50
        - policy: rest
          percent: 50
";
    assert_eq!(kept(yaml, &traces), vec![1, 3, 5]);
}

#[test]
fn sample_on_first_match_stops_before_a_later_inverted_match() {
    let traces = [trace(
        1,
        vec![with_attrs(span(0, 1), json!({"route": "/health"}))],
    )];
    let yaml = "sample_on_first_match: true
policies:
  - name: all
    type: always_sample
  - name: not-health
    type: string_attribute
    string_attribute: {key: route, values: [/health], invert_match: true}
";
    assert_eq!(kept(yaml, &traces), vec![1]);
}

#[test]
fn the_report_counts_errors_slow_spans_and_logs() {
    let mut error = span(0, 5);
    error.status = StatusCode::Error;
    let traces = [
        trace(1, vec![error, span(1, 2)]),
        trace(2, vec![span(10, 1500)]),
        trace(3, vec![span(20, 30)]),
    ];
    let config = policies(
        "policies:
  - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
  - {name: slow, type: latency, latency: {threshold_ms: 1000}}
",
    );
    let outcomes = traces
        .iter()
        .map(|t| TraceOutcome::of(&config, t))
        .collect();
    let logs = HashMap::from([(id(1), 7), (id(3), 2)]);
    let report = simulate(&config, outcomes, &logs).report;
    assert_eq!(
        serde_json::to_value(&report).unwrap(),
        json!({
            "traces": 3, "kept": 2, "dropped": 1, "kept_errors": 1, "errors": 1,
            "kept_slow": 1,
            "policies": [
                {"name": "errors", "type": "status_code", "sampled": 1},
                {"name": "slow", "type": "latency", "sampled": 1}
            ],
            "spans_kept": 3, "logs_of_kept_traces": 7
        })
    );
}

#[test]
fn the_section_is_found_in_a_whole_config_under_any_processor_name() {
    let whole = "processors:
  batch: {}
  tail_sampling/errors:
    decision_wait: 5s
    policies:
      - {name: all, type: always_sample}
";
    assert_eq!(policies(whole).policies.len(), 1);
    let entry = "tail_sampling:\n  policies:\n    - {name: all, type: always_sample}\n";
    assert_eq!(policies(entry).policies[0].kind, "always_sample");
}

#[test]
fn errors_name_the_yaml_line() {
    let unknown_type = "policies:
  - name: a
    type: always_sample
  - name: b
    type: sometimes_sample
";
    let error = parse_config(unknown_type).unwrap_err();
    assert!(error.starts_with("line 5: "), "{error}");
    assert!(error.contains("sometimes_sample"), "{error}");

    let bad_field = "processors:
  tail_sampling:
    policies:
      - name: slow
        type: latency
        latency:
          threshold_ms: 1000
          treshold_max: 2000
";
    let error = parse_config(bad_field).unwrap_err();
    assert_eq!(error, "line 8: unknown field `treshold_max` in latency");

    let bad_value = one("latency", "      threshold_ms: soon\n");
    let error = parse_config(&bad_value).unwrap_err();
    assert_eq!(
        error,
        "line 5: `threshold_ms` must be a whole number, not `soon`"
    );

    let bad_status = one("status_code", "      status_codes: [ERROR, BROKEN]\n");
    assert!(parse_config(&bad_status)
        .unwrap_err()
        .starts_with("line 5: unknown status code `BROKEN`"));

    let broken_yaml = "policies:\n  - name: a\n   type: [\n";
    assert!(parse_config(broken_yaml).unwrap_err().starts_with("line "));

    let no_section = "receivers: {otlp: {}}\n";
    assert!(parse_config(no_section).is_err());
}

#[test]
fn the_lost_list_holds_dropped_errors_first_then_slow_traces() {
    let err = |at: i64, end: i64| {
        let mut s = span(at, end);
        s.status = StatusCode::Error;
        s
    };
    // The policy keeps traces of two spans or more: only trace 1.
    let traces = [
        trace(1, vec![err(0, 5), span(0, 5)]),
        trace(2, vec![span(10, 1_510)]),
        trace(3, vec![err(20, 25)]),
        trace(4, vec![span(30, 40)]),
        trace(5, vec![err(40, 2_040)]),
    ];
    let config =
        policies("policies:\n  - {name: big, type: span_count, span_count: {min_spans: 2}}\n");
    let outcomes = traces
        .iter()
        .map(|t| TraceOutcome::of(&config, t))
        .collect();
    let outcome = SamplingOutcome::of(simulate(&config, outcomes, &HashMap::new()), 2);
    // Dropped: 2 (slow), 3 (error), 4 (neither), 5 (error, slow): errors 3, 5 first.
    assert_eq!(outcome.lost_total, 3);
    assert_eq!(outcome.slow_ms, 1000);
    let lost: Vec<(String, bool, bool)> = outcome
        .lost
        .iter()
        .map(|t| (t.trace_id.clone(), t.error, t.slow))
        .collect();
    assert_eq!(
        lost,
        vec![
            (id(3).to_string(), true, false),
            (id(5).to_string(), true, true),
        ]
    );
}
