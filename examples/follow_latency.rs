//! Follow-mode latency: the time from appending a line to a followed file until
//! `weft logs` (another process) shows it. Starts `weft ingest --follow` on a temp
//! file, appends one JSON log line at a time and polls `weft logs --json WORD`.
//!
//! cargo build --release --bin weft --example follow_latency
//! target/release/examples/follow_latency [APPENDS]   (default 50)

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() -> anyhow::Result<()> {
    let appends: usize = std::env::args()
        .nth(1)
        .map(|text| text.parse())
        .transpose()?
        .unwrap_or(50);
    let weft = weft_binary()?;
    let dir = tempfile::tempdir()?;
    let case = dir.path().join("case.weft");
    let file = dir.path().join("app.log");
    append(&file, &line("warmup", 0))?;
    // Creates the case first: two processes migrating a new case at once can collide.
    let created = Command::new(&weft)
        .arg("--case")
        .arg(&case)
        .arg("stats")
        .stdout(Stdio::null())
        .status()?;
    anyhow::ensure!(created.success(), "weft stats failed");
    let mut follower = Command::new(&weft)
        .arg("--case")
        .arg(&case)
        .args(["ingest", "--follow"])
        .arg(&file)
        .stdout(Stdio::null())
        .spawn()?;
    wait_visible(&weft, &case, "warmup0")?;

    let mut latencies = Vec::with_capacity(appends);
    for n in 1..=appends {
        let word = format!("probe{n}");
        let start = Instant::now();
        append(&file, &line("probe", n))?;
        wait_visible(&weft, &case, &word)?;
        latencies.push(start.elapsed());
    }
    follower.kill()?;
    follower.wait()?;

    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{appends} appends, append -> visible in `weft logs`: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(1.0))
    );
    Ok(())
}

/// `weft` next to this example's folder (target/<profile>/examples/..).
fn weft_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| anyhow::anyhow!("no target folder"))?;
    let weft = profile_dir.join("weft");
    anyhow::ensure!(
        weft.exists(),
        "{} is missing: cargo build --bin weft",
        weft.display()
    );
    Ok(weft)
}

fn line(word: &str, n: usize) -> String {
    format!("{{\"level\":30,\"time\":1764064800000,\"msg\":\"{word}{n}\"}}\n")
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?
        .write_all(text.as_bytes())
}

/// Runs `weft logs --json WORD` until it lists a log (10 s at most).
fn wait_visible(weft: &Path, case: &Path, word: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let output = Command::new(weft)
            .arg("--case")
            .arg(case)
            .args(["logs", "--json", word])
            .output()?;
        if output.status.success() && output.stdout.starts_with(b"[{") {
            return Ok(());
        }
        anyhow::ensure!(Instant::now() < deadline, "{word} never became visible");
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
