//! Golden files of normalized records: `tests/golden/<fixture dir>/<fixture>.jsonl`,
//! one record per line in decode order, ids in hex. `UPDATE_GOLDEN=1` rewrites
//! them; the diff is then reviewed like code.

use std::path::Path;

use serde_json::json;
use weft::formats::Collected;

use crate::common::{decode, expected_inputs, fixture};

/// The golden text of a decoded file.
pub fn render(records: &Collected) -> String {
    let mut lines = Vec::new();
    lines.extend(
        records
            .spans
            .iter()
            .map(|span| json!({ "span": span }).to_string()),
    );
    lines.extend(
        records
            .logs
            .iter()
            .map(|log| json!({ "log": log }).to_string()),
    );
    lines.extend(
        records
            .problems
            .iter()
            .map(|problem| json!({ "problem": problem }).to_string()),
    );
    lines.join("\n") + "\n"
}

#[test]
fn decoders_match_their_golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let golden_dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("golden");
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for (relative, _) in expected_inputs() {
        if !golden_wanted(&relative) {
            continue;
        }
        let actual = render(&decode(&fixture(&relative)));
        let golden = golden_dir.join(format!("{relative}.jsonl"));
        if update {
            std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
            std::fs::write(&golden, &actual).unwrap();
        } else {
            let wanted = std::fs::read_to_string(&golden)
                .unwrap_or_else(|_| panic!("{} missing: run UPDATE_GOLDEN=1", golden.display()));
            if wanted != actual {
                mismatches.push(relative.clone());
            }
        }
        checked += 1;
    }
    assert!(checked >= 28);
    assert!(
        mismatches.is_empty(),
        "records differ from golden files: {mismatches:#?}"
    );
}

/// Trace formats added later get one small, reviewable golden file each; the corpus
/// test covers the rest of their files by counts.
fn golden_wanted(relative: &str) -> bool {
    const GOLDEN_ONLY: &[(&str, &str)] = &[
        (
            "jaeger-json/",
            "jaeger-json/jaeger__internal__uimodel__converter__v1__json__fixtures__ui_01.json",
        ),
        (
            "zipkin-json/",
            "zipkin-json/zipkin__zipkin-lens__testdata__skew.json",
        ),
    ];
    GOLDEN_ONLY
        .iter()
        .all(|(folder, only)| !relative.starts_with(folder) || relative == *only)
}

/// Each logger dialect's sample lines, decoded: `tests/golden/dialects/<name>.jsonl`.
#[test]
fn dialect_samples_match_their_golden_files() {
    use weft::formats::dialects::DIALECTS;
    use weft::formats::{Format, JsonLog};

    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let golden_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/dialects");
    let mut mismatches = Vec::new();
    for dialect in DIALECTS {
        let text = dialect.samples.join("\n") + "\n";
        let mut records = Collected::default();
        JsonLog.decode(&mut text.as_bytes(), &mut records).unwrap();
        let actual = render(&records);
        let golden = golden_dir.join(format!("{}.jsonl", dialect.name));
        if update {
            std::fs::create_dir_all(&golden_dir).unwrap();
            std::fs::write(&golden, &actual).unwrap();
        } else if std::fs::read_to_string(&golden).ok().as_deref() != Some(actual.as_str()) {
            mismatches.push(dialect.name);
        }
    }
    assert!(
        mismatches.is_empty(),
        "dialects differ from golden files: {mismatches:?}"
    );
}
