//! The `tail_sampling` section of an OpenTelemetry Collector configuration, read
//! into policies: the whole Collector file (`processors: tail_sampling:` or
//! `tail_sampling/NAME:`), the processor's entry alone, or just its body. An
//! unknown policy type, an unknown field or a value of the wrong kind is an error
//! naming its YAML line.

use regex::Regex;

use super::collector_hash::threshold_for_percentage;
use super::yaml::{self, Node, Value};
use crate::model::StatusCode;

/// What the processor was told to do.
#[derive(Debug, Clone)]
pub struct SamplingConfig {
    pub policies: Vec<Policy>,
    /// `sample_on_first_match`: the first policy that samples decides.
    pub sample_on_first_match: bool,
    /// How many policy nodes (top level and nested), for per-node state.
    pub node_count: usize,
}

/// One policy of the list (or a sub-policy of `and`, `drop`, `composite`).
#[derive(Debug, Clone)]
pub struct Policy {
    pub name: String,
    /// The `type` as written.
    pub kind: String,
    pub rule: Rule,
    /// Position in a pre-order walk of all policy nodes.
    pub index: usize,
}

#[derive(Debug, Clone)]
pub enum Rule {
    AlwaysSample,
    Latency {
        threshold_ms: i64,
        upper_threshold_ms: i64,
    },
    StatusCode(Vec<StatusCode>),
    NumericAttribute {
        key: String,
        min: i64,
        max: i64,
        invert: bool,
    },
    StringAttribute {
        key: String,
        matcher: Matcher,
        invert: bool,
    },
    BooleanAttribute {
        key: String,
        value: bool,
        invert: bool,
    },
    Probabilistic {
        threshold: u64,
        salt: String,
    },
    SpanCount {
        min: i64,
        max: i64,
    },
    TraceState {
        key: String,
        values: Vec<String>,
    },
    RateLimiting {
        spans_per_second: i64,
    },
    And(Vec<Policy>),
    Drop(Vec<Policy>),
    Composite {
        max_total: i64,
        subs: Vec<(Policy, i64)>,
    },
}

/// `string_attribute`'s values: exact strings, or unanchored regexes.
#[derive(Debug, Clone)]
pub enum Matcher {
    Exact(Vec<String>),
    Regex(Vec<Regex>),
}

impl Matcher {
    pub fn matches(&self, text: &str) -> bool {
        match self {
            Matcher::Exact(values) => values.iter().any(|v| !v.is_empty() && v == text),
            Matcher::Regex(list) => list.iter().any(|r| r.is_match(text)),
        }
    }
}

/// The policy types the simulation knows (the Collector has more: `ottl_condition`,
/// `bytes_limiting`, … are refused by name).
pub const POLICY_TYPES: &[&str] = &[
    "always_sample",
    "latency",
    "status_code",
    "numeric_attribute",
    "string_attribute",
    "boolean_attribute",
    "probabilistic",
    "span_count",
    "trace_state",
    "rate_limiting",
    "and",
    "drop",
    "composite",
];

/// Reads a configuration text.
pub fn parse_config(text: &str) -> Result<SamplingConfig, String> {
    let root = yaml::parse(text)?;
    let section = find_section(&root)?;
    check_fields(
        section,
        "tail_sampling",
        &[
            "policies",
            "decision_wait",
            "num_traces",
            "expected_new_traces_per_sec",
            "decision_cache",
            "sample_on_first_match",
            "block_on_overflow",
            "drop_pending_traces_on_shutdown",
            "maximum_trace_size_bytes",
            "options",
        ],
    )?;
    let sample_on_first_match = match section.get("sample_on_first_match") {
        Some(node) => boolean(node)?,
        None => false,
    };
    let list = section
        .get("policies")
        .ok_or_else(|| format!("line {}: tail_sampling has no `policies`", section.line))?;
    let mut counter = 0;
    let policies = policy_list(list, &mut counter)?;
    Ok(SamplingConfig {
        policies,
        sample_on_first_match,
        node_count: counter,
    })
}

fn find_section(root: &Node) -> Result<&Node, String> {
    fn tail(map: &Node) -> Option<&Node> {
        map.entries()
            .iter()
            .find(|(k, _, _)| k == "tail_sampling" || k.starts_with("tail_sampling/"))
            .map(|(_, _, v)| v)
    }
    if let Some(processors) = root.get("processors") {
        return tail(processors).ok_or_else(|| {
            format!(
                "line {}: `processors` has no `tail_sampling` processor",
                processors.line
            )
        });
    }
    if let Some(section) = tail(root) {
        return Ok(section);
    }
    if root.get("policies").is_some() {
        return Ok(root);
    }
    Err(format!(
        "line {}: no `processors: tail_sampling:` section and no `policies`",
        root.line
    ))
}

fn policy_list(list: &Node, counter: &mut usize) -> Result<Vec<Policy>, String> {
    let Value::List(items) = &list.value else {
        return Err(format!("line {}: expected a list of policies", list.line));
    };
    items.iter().map(|item| policy(item, counter)).collect()
}

fn policy(node: &Node, counter: &mut usize) -> Result<Policy, String> {
    if !matches!(node.value, Value::Map(_)) {
        return Err(format!("line {}: a policy must be a mapping", node.line));
    }
    let mut allowed = vec!["name", "type"];
    allowed.extend(
        POLICY_TYPES
            .iter()
            .copied()
            .filter(|t| *t != "always_sample"),
    );
    check_fields(node, "a policy", &allowed)?;
    let name = match node.get("name") {
        Some(n) => string(n)?,
        None => String::new(),
    };
    let type_node = node
        .get("type")
        .ok_or_else(|| format!("line {}: policy `{name}` has no `type`", node.line))?;
    let kind = string(type_node)?;
    if !POLICY_TYPES.contains(&kind.as_str()) {
        return Err(format!(
            "line {}: unknown or unsupported policy type `{kind}` (known: {})",
            type_node.line,
            POLICY_TYPES.join(", ")
        ));
    }
    let index = *counter;
    *counter += 1;
    let empty = Node {
        line: node.line,
        value: Value::Map(Vec::new()),
    };
    let body = node.get(&kind).unwrap_or(&empty);
    if kind != "always_sample" && !matches!(body.value, Value::Map(_)) {
        return Err(format!("line {}: `{kind}` must be a mapping", body.line));
    }
    let rule = match kind.as_str() {
        "always_sample" => Rule::AlwaysSample,
        "latency" => {
            check_fields(body, "latency", &["threshold_ms", "upper_threshold_ms"])?;
            Rule::Latency {
                threshold_ms: int_or(body, "threshold_ms", 0)?,
                upper_threshold_ms: int_or(body, "upper_threshold_ms", 0)?,
            }
        }
        "status_code" => {
            check_fields(body, "status_code", &["status_codes"])?;
            let list = need(body, "status_codes")?;
            let mut codes = Vec::new();
            for item in list_items(list)? {
                codes.push(match string(item)?.as_str() {
                    "OK" => StatusCode::Ok,
                    "ERROR" => StatusCode::Error,
                    "UNSET" => StatusCode::Unset,
                    other => {
                        return Err(format!(
                            "line {}: unknown status code `{other}` (OK, ERROR or UNSET)",
                            item.line
                        ))
                    }
                });
            }
            if codes.is_empty() {
                return Err(format!("line {}: status_codes is empty", list.line));
            }
            Rule::StatusCode(codes)
        }
        "numeric_attribute" => {
            check_fields(
                body,
                "numeric_attribute",
                &["key", "min_value", "max_value", "invert_match"],
            )?;
            Rule::NumericAttribute {
                key: string(need(body, "key")?)?,
                min: int_or(body, "min_value", 0)?,
                max: int_or(body, "max_value", 0)?,
                invert: bool_or(body, "invert_match", false)?,
            }
        }
        "string_attribute" => {
            check_fields(
                body,
                "string_attribute",
                &[
                    "key",
                    "values",
                    "enabled_regex_matching",
                    "cache_max_size",
                    "invert_match",
                ],
            )?;
            int_or(body, "cache_max_size", 0)?;
            let values_node = need(body, "values")?;
            let values = list_items(values_node)?
                .iter()
                .map(string)
                .collect::<Result<Vec<_>, _>>()?;
            let matcher = if bool_or(body, "enabled_regex_matching", false)? {
                let mut list = Vec::new();
                for (item, value) in list_items(values_node)?.iter().zip(&values) {
                    list.push(Regex::new(value).map_err(|error| {
                        format!("line {}: bad regular expression: {error}", item.line)
                    })?);
                }
                Matcher::Regex(list)
            } else {
                Matcher::Exact(values)
            };
            Rule::StringAttribute {
                key: string(need(body, "key")?)?,
                matcher,
                invert: bool_or(body, "invert_match", false)?,
            }
        }
        "boolean_attribute" => {
            check_fields(body, "boolean_attribute", &["key", "value", "invert_match"])?;
            Rule::BooleanAttribute {
                key: string(need(body, "key")?)?,
                value: bool_or(body, "value", false)?,
                invert: bool_or(body, "invert_match", false)?,
            }
        }
        "probabilistic" => {
            check_fields(body, "probabilistic", &["hash_salt", "sampling_percentage"])?;
            let salt = match body.get("hash_salt") {
                Some(n) => string(n)?,
                None => String::new(),
            };
            let percentage = match body.get("sampling_percentage") {
                Some(n) => float(n)?,
                None => 0.0,
            };
            Rule::Probabilistic {
                threshold: threshold_for_percentage(percentage),
                salt,
            }
        }
        "span_count" => {
            check_fields(body, "span_count", &["min_spans", "max_spans"])?;
            Rule::SpanCount {
                min: int_or(body, "min_spans", 0)?,
                max: int_or(body, "max_spans", 0)?,
            }
        }
        "trace_state" => {
            check_fields(body, "trace_state", &["key", "values"])?;
            Rule::TraceState {
                key: string(need(body, "key")?)?,
                values: list_items(need(body, "values")?)?
                    .iter()
                    .map(string)
                    .collect::<Result<_, _>>()?,
            }
        }
        "rate_limiting" => {
            check_fields(body, "rate_limiting", &["spans_per_second"])?;
            Rule::RateLimiting {
                spans_per_second: int_or(body, "spans_per_second", 0)?,
            }
        }
        "and" | "drop" => {
            let field = if kind == "and" {
                "and_sub_policy"
            } else {
                "drop_sub_policy"
            };
            check_fields(body, &kind, &[field])?;
            let subs = policy_list(need(body, field)?, counter)?;
            if kind == "and" {
                Rule::And(subs)
            } else {
                Rule::Drop(subs)
            }
        }
        "composite" => {
            check_fields(
                body,
                "composite",
                &[
                    "max_total_spans_per_second",
                    "policy_order",
                    "composite_sub_policy",
                    "rate_allocation",
                ],
            )?;
            composite(body, counter)?
        }
        _ => unreachable!("checked against POLICY_TYPES"),
    };
    Ok(Policy {
        name,
        kind,
        rule,
        index,
    })
}

/// The Collector's composite: sub-policies in `policy_order`, each with its share
/// of `max_total_spans_per_second` (`percent` of it; a listed policy with no
/// percent gets an equal share; one not listed gets none).
fn composite(body: &Node, counter: &mut usize) -> Result<Rule, String> {
    let max_total = int_or(body, "max_total_spans_per_second", 0)?;
    let subs_node = need(body, "composite_sub_policy")?;
    let subs = policy_list(subs_node, counter)?;
    let mut shares = Vec::new();
    if let Some(list) = body.get("rate_allocation") {
        for item in list_items(list)? {
            check_fields(item, "rate_allocation", &["policy", "percent"])?;
            shares.push((string(need(item, "policy")?)?, int_or(item, "percent", 0)?));
        }
    }
    let equal = if subs.is_empty() {
        0.0
    } else {
        max_total as f64 / subs.len() as f64
    };
    let mut ordered = Vec::new();
    let order_node = need(body, "policy_order")?;
    for item in list_items(order_node)? {
        let name = string(item)?;
        let sub = subs.iter().find(|s| s.name == name).ok_or_else(|| {
            format!(
                "line {}: policy_order names no sub-policy `{name}`",
                item.line
            )
        })?;
        let allocated = match shares.iter().find(|(policy, _)| *policy == name) {
            Some((_, percent)) if *percent > 0 => (*percent as f64 / 100.0) * max_total as f64,
            Some(_) => equal,
            None => 0.0,
        };
        ordered.push((sub.clone(), allocated as i64));
    }
    Ok(Rule::Composite {
        max_total,
        subs: ordered,
    })
}

fn check_fields(node: &Node, what: &str, allowed: &[&str]) -> Result<(), String> {
    if !matches!(node.value, Value::Map(_)) {
        return Err(format!("line {}: `{what}` must be a mapping", node.line));
    }
    for (key, line, _) in node.entries() {
        if !allowed.contains(&key.as_str()) {
            return Err(format!("line {line}: unknown field `{key}` in {what}"));
        }
    }
    Ok(())
}

fn need<'a>(node: &'a Node, key: &str) -> Result<&'a Node, String> {
    node.get(key)
        .ok_or_else(|| format!("line {}: missing field `{key}`", node.line))
}

fn list_items(node: &Node) -> Result<&[Node], String> {
    match &node.value {
        Value::List(items) => Ok(items),
        _ => Err(format!("line {}: expected a list", node.line)),
    }
}

fn string(node: &Node) -> Result<String, String> {
    match &node.value {
        Value::Scalar(text) => Ok(text.clone()),
        _ => Err(format!("line {}: expected a plain value", node.line)),
    }
}

fn int_or(node: &Node, key: &str, default: i64) -> Result<i64, String> {
    match node.get(key) {
        None => Ok(default),
        Some(value) => {
            let text = string(value)?;
            text.trim().parse::<i64>().map_err(|_| {
                format!(
                    "line {}: `{key}` must be a whole number, not `{text}`",
                    value.line
                )
            })
        }
    }
}

fn float(node: &Node) -> Result<f64, String> {
    let text = string(node)?;
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("line {}: expected a number, not `{text}`", node.line))
}

fn boolean(node: &Node) -> Result<bool, String> {
    match string(node)?.as_str() {
        "true" | "True" | "TRUE" => Ok(true),
        "false" | "False" | "FALSE" => Ok(false),
        other => Err(format!(
            "line {}: expected true or false, not `{other}`",
            node.line
        )),
    }
}

fn bool_or(node: &Node, key: &str, default: bool) -> Result<bool, String> {
    node.get(key).map_or(Ok(default), boolean)
}
