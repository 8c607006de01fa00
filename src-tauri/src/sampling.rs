//! The sampling panel's command (issue 17): what an OpenTelemetry Collector tail
//! sampling configuration, pasted or loaded into the panel, would have kept of the
//! case's traces, with the dropped error and slow traces to open.

use tauri::State;
use weft::analysis::sampling::{parse_config, SamplingOutcome};

use crate::case::Case;
use crate::error::{ApiError, Code};
use crate::search::parse_query;

/// How many lost traces the panel lists (`lost_total` says how many there are).
const LOST_SHOWN: usize = 200;

/// Simulates `config` (a Collector configuration, or its `tail_sampling` section)
/// over the case's traces, those matching `query` when given. A bad config is a
/// `bad_input` error naming its YAML line.
#[tauri::command]
pub async fn simulate_sampling(
    case: State<'_, Case>,
    config: String,
    query: Option<String>,
) -> Result<SamplingOutcome, ApiError> {
    let config = parse_config(&config).map_err(|message| ApiError::new(Code::BadInput, message))?;
    let query = match query.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => Some(parse_query(text)?),
        _ => None,
    };
    let reader = case.reader()?;
    let simulation = reader.simulate_sampling(&config, query.as_ref()).await?;
    Ok(SamplingOutcome::of(simulation, LOST_SHOWN))
}
