//! Service level objectives of operations, and how much of their error budget the
//! case burned.
//!
//! An objective names an operation (`service: span name`) and a latency target (p95
//! under `p95_ns`: at most 5 % of the calls may be slower), an error-rate target (at
//! most `error_rate` of the calls may fail), or both. Each target is an SLI: its bad
//! calls, the bad calls it allows (its share of all calls) and the budget burned
//! (bad / allowed; above 1 the objective is broken). A call is bad for the objective
//! when it is bad for any of its SLIs; the time series counts good and bad calls per
//! bucket, and the traces of bad calls are listed.

use serde::{Deserialize, Serialize};

use super::services::SeriesAxis;

/// The share of calls a p95 objective lets be slower than its target.
pub const P95_ALLOWED: f64 = 0.05;
/// The most traces of bad calls listed per objective.
pub const BROKEN_TRACES: usize = 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Objective {
    pub id: i64,
    pub service: String,
    pub name: String,
    /// 95 % of the calls under this duration.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub p95_ns: Option<i64>,
    /// At most this share of the calls with an error status (0.01: 1 %).
    pub error_rate: Option<f64>,
}

/// One call of an objective's operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub trace_id: String,
    pub start_ns: i64,
    pub duration_ns: i64,
    pub error: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Sli {
    pub bad: u64,
    /// The bad calls the target allows (its share of every call).
    pub allowed: f64,
    /// bad / allowed (above 1: broken); 0 when nothing is allowed and nothing is bad;
    /// infinite (`null` in JSON) when nothing is allowed and some call is bad.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub burned: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SloBucket {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub start_ns: i64,
    pub good: u64,
    pub bad: u64,
}

/// `weft slo --json`: one objective evaluated on the case.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SloReport {
    pub objective: Objective,
    pub calls: u64,
    pub good: u64,
    pub bad: u64,
    pub latency: Option<Sli>,
    pub errors: Option<Sli>,
    pub broken: bool,
    pub buckets: Vec<SloBucket>,
    /// Traces of bad calls, first ones first (at most `BROKEN_TRACES`).
    pub broken_traces: Vec<String>,
}

fn sli(bad: u64, allowed: f64) -> Sli {
    let burned = if allowed > 0.0 {
        bad as f64 / allowed
    } else if bad > 0 {
        f64::INFINITY
    } else {
        0.0
    };
    Sli {
        bad,
        allowed,
        burned,
    }
}

/// The objective on its operation's calls, the series on `axis` (none: one bucket
/// over the calls).
pub fn evaluate(objective: &Objective, calls: &[Call], axis: Option<&SeriesAxis>) -> SloReport {
    let slow = |call: &Call| {
        objective
            .p95_ns
            .is_some_and(|target| call.duration_ns > target)
    };
    let failed = |call: &Call| objective.error_rate.is_some() && call.error;
    let total = calls.len() as u64;
    let count = |bad: &dyn Fn(&Call) -> bool| calls.iter().filter(|call| bad(call)).count() as u64;
    let latency = objective
        .p95_ns
        .map(|_| sli(count(&slow), P95_ALLOWED * total as f64));
    let errors = objective
        .error_rate
        .map(|rate| sli(count(&failed), rate * total as f64));
    let is_bad = |call: &Call| slow(call) || failed(call);
    let bad = count(&is_bad);

    let axis = axis.copied().or_else(|| {
        let first = calls.iter().map(|call| call.start_ns).min()?;
        let last = calls.iter().map(|call| call.start_ns).max()?;
        Some(SeriesAxis::covering(first, last, 1))
    });
    let buckets = axis.map_or_else(Vec::new, |axis| {
        let mut buckets: Vec<SloBucket> = (0..axis.buckets)
            .map(|at| SloBucket {
                start_ns: axis.start_ns + at as i64 * axis.bucket_ns,
                good: 0,
                bad: 0,
            })
            .collect();
        for call in calls {
            let Some(offset) = call.start_ns.checked_sub(axis.start_ns) else {
                continue;
            };
            if let Some(bucket) = usize::try_from(offset / axis.bucket_ns)
                .ok()
                .and_then(|at| buckets.get_mut(at))
            {
                if is_bad(call) {
                    bucket.bad += 1;
                } else {
                    bucket.good += 1;
                }
            }
        }
        buckets
    });

    let mut broken_traces: Vec<String> = Vec::new();
    let mut bad_calls: Vec<&Call> = calls.iter().filter(|call| is_bad(call)).collect();
    bad_calls.sort_by_key(|call| call.start_ns);
    for call in bad_calls {
        if broken_traces.len() == BROKEN_TRACES {
            break;
        }
        if !broken_traces.contains(&call.trace_id) {
            broken_traces.push(call.trace_id.clone());
        }
    }
    let broken = [&latency, &errors]
        .iter()
        .any(|sli| sli.as_ref().is_some_and(|sli| sli.burned > 1.0));
    SloReport {
        objective: objective.clone(),
        calls: total,
        good: total - bad,
        bad,
        latency,
        errors,
        broken,
        buckets,
        broken_traces,
    }
}

/// Reads an operation named as `service: span name` (the span name may hold ": ").
pub fn parse_operation(text: &str) -> Option<(String, String)> {
    let (service, name) = text.split_once(':')?;
    let (service, name) = (service.trim(), name.trim());
    (!service.is_empty() && !name.is_empty()).then(|| (service.to_string(), name.to_string()))
}

/// Reads a share: `1%`, `0.5 %` or `0.01`.
pub fn parse_share(text: &str) -> Option<f64> {
    let text = text.trim();
    let share = match text.strip_suffix('%') {
        Some(percent) => percent.trim().parse::<f64>().ok()? / 100.0,
        None => text.parse::<f64>().ok()?,
    };
    (0.0..=1.0).contains(&share).then_some(share)
}

/// What is wrong with an objective as a person wrote it, on the command line
/// (`weft slo add`) or in the app's form: the messages both show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectiveError {
    #[error("`{0}` is not an operation: write `service: span name`")]
    Operation(String),
    #[error("`{0}` is not a duration (300ms, 1.5s, 2m)")]
    Duration(String),
    #[error("`{0}` is not a share (1% or 0.01)")]
    Share(String),
    #[error("an objective needs a p95 target or an error share (or both)")]
    NoTarget,
}

/// A p95 target as written (`300ms`, `1.5s`; the engine's one duration spelling,
/// `time::parse_duration`), more than 0.
pub fn read_p95(text: &str) -> Result<i64, ObjectiveError> {
    crate::time::parse_duration(text.trim())
        .filter(|ns| *ns > 0)
        .ok_or_else(|| ObjectiveError::Duration(text.to_string()))
}

/// An operation as written, `service: span name`.
pub fn read_operation(text: &str) -> Result<(String, String), ObjectiveError> {
    parse_operation(text).ok_or_else(|| ObjectiveError::Operation(text.to_string()))
}

/// An error share as written (`1%`, `0.01`), from 0 to 1.
pub fn read_error_share(text: &str) -> Result<f64, ObjectiveError> {
    parse_share(text).ok_or_else(|| ObjectiveError::Share(text.to_string()))
}

/// A target's text, unless it is missing, empty or only spaces.
fn given(text: Option<&str>) -> Option<&str> {
    text.filter(|text| !text.trim().is_empty())
}

/// An objective to keep, read from what a person wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct NewObjective {
    pub service: String,
    pub name: String,
    pub p95_ns: Option<i64>,
    pub error_rate: Option<f64>,
}

/// Reads an objective: `operation` as `service: span name`, and its targets (a text
/// that is empty or only spaces is no target); at least one target.
pub fn read_objective(
    operation: &str,
    p95: Option<&str>,
    errors: Option<&str>,
) -> Result<NewObjective, ObjectiveError> {
    let (service, name) = read_operation(operation)?;
    let p95_ns = given(p95).map(read_p95).transpose()?;
    let error_rate = given(errors).map(read_error_share).transpose()?;
    if p95_ns.is_none() && error_rate.is_none() {
        return Err(ObjectiveError::NoTarget);
    }
    Ok(NewObjective {
        service,
        name,
        p95_ns,
        error_rate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: i64 = 1_000_000;

    fn call(n: i64, ms: i64, error: bool) -> Call {
        Call {
            trace_id: format!("t{n}"),
            start_ns: n * 1000 * MS,
            duration_ns: ms * MS,
            error,
        }
    }

    fn objective(p95_ms: Option<i64>, error_rate: Option<f64>) -> Objective {
        Objective {
            id: 1,
            service: "checkout".into(),
            name: "POST /api/checkout".into(),
            p95_ns: p95_ms.map(|ms| ms * MS),
            error_rate,
        }
    }

    #[test]
    fn burns_the_budget_of_each_target() {
        // 100 calls: 10 slower than 300 ms (twice the 5 allowed), 1 error (the 1 allowed).
        let calls: Vec<Call> = (0..100)
            .map(|n| call(n, if n % 10 == 0 { 900 } else { 100 }, n == 55))
            .collect();
        let report = evaluate(&objective(Some(300), Some(0.01)), &calls, None);
        assert_eq!((report.calls, report.bad, report.good), (100, 11, 89));
        let latency = report.latency.unwrap();
        assert_eq!(latency.bad, 10);
        assert!((latency.allowed - 5.0).abs() < 1e-9 && (latency.burned - 2.0).abs() < 1e-9);
        let errors = report.errors.unwrap();
        assert_eq!(errors.bad, 1);
        assert!((errors.burned - 1.0).abs() < 1e-9);
        assert!(report.broken);
        assert_eq!(report.broken_traces[..3], ["t0", "t10", "t20"]);
        assert_eq!(report.buckets.len(), 1);
        assert_eq!((report.buckets[0].good, report.buckets[0].bad), (89, 11));
    }

    #[test]
    fn a_target_met_is_not_broken_and_only_its_own_calls_are_bad() {
        let calls: Vec<Call> = (0..10).map(|n| call(n, 100, n == 3)).collect();
        let report = evaluate(&objective(Some(300), None), &calls, None);
        assert_eq!(
            report.bad, 0,
            "errors do not count against a latency-only objective"
        );
        assert!(report.errors.is_none());
        assert!(!report.broken);
        assert!(report.broken_traces.is_empty());
    }

    #[test]
    fn buckets_split_the_calls_by_start() {
        let calls: Vec<Call> = (0..10)
            .map(|n| call(n, if n >= 5 { 900 } else { 100 }, false))
            .collect();
        let axis = SeriesAxis::covering(0, 9000 * MS, 2);
        let report = evaluate(&objective(Some(300), None), &calls, Some(&axis));
        let buckets: Vec<(u64, u64)> = report.buckets.iter().map(|b| (b.good, b.bad)).collect();
        assert_eq!(buckets, vec![(5, 0), (0, 5)]);
    }

    #[test]
    fn no_calls_no_burn() {
        let report = evaluate(&objective(Some(300), Some(0.01)), &[], None);
        assert_eq!((report.calls, report.bad), (0, 0));
        assert_eq!(report.latency.unwrap().burned, 0.0);
        assert!(report.buckets.is_empty() && !report.broken);
    }

    #[test]
    fn reads_operations_and_shares() {
        assert_eq!(
            parse_operation("checkout: POST /api/checkout"),
            Some(("checkout".into(), "POST /api/checkout".into()))
        );
        assert_eq!(parse_operation("checkout"), None);
        assert_eq!(parse_share("1%"), Some(0.01));
        assert_eq!(parse_share("0.5 %"), Some(0.005));
        assert_eq!(parse_share("0.02"), Some(0.02));
        assert_eq!(parse_share("150%"), None);
    }

    #[test]
    fn an_objective_is_read_as_written_or_refused_with_what_is_wrong() {
        assert_eq!(
            read_objective("checkout: POST /api/checkout", Some("300ms"), Some("1%")),
            Ok(NewObjective {
                service: "checkout".into(),
                name: "POST /api/checkout".into(),
                p95_ns: Some(300 * MS),
                error_rate: Some(0.01),
            })
        );
        assert_eq!(
            read_objective(" web : a: b ", Some(" "), Some("0.5")).map(|o| (o.name, o.p95_ns)),
            Ok(("a: b".to_string(), None))
        );
        let refused = |operation, p95, errors| read_objective(operation, p95, errors).unwrap_err();
        assert_eq!(
            refused("checkout", Some("1s"), None),
            ObjectiveError::Operation("checkout".into())
        );
        assert_eq!(
            refused("a: b", Some("fast"), None),
            ObjectiveError::Duration("fast".into())
        );
        assert_eq!(
            refused("a: b", Some("0ms"), None),
            ObjectiveError::Duration("0ms".into())
        );
        assert_eq!(
            refused("a: b", None, Some("150%")),
            ObjectiveError::Share("150%".into())
        );
        assert_eq!(refused("a: b", Some(""), None), ObjectiveError::NoTarget);
        assert_eq!(
            ObjectiveError::Duration("fast".into()).to_string(),
            "`fast` is not a duration (300ms, 1.5s, 2m)"
        );
    }
}
