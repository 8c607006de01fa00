//! The per-span column of a `span_rollups` row (migration 0017): each call of the
//! row (`analysis::services::Call`: duration, start, error) in 16 bytes, sorted, so
//! percentiles over any set of rows stay exact (the rows' runs are merged, never
//! estimated) and a time series can bucket each span by its own start.
//!
//! Layout of one call: the duration in ns as a little-endian `u64` whose top bit is
//! the error flag (durations are never negative: `Call::of` clamps them), then the
//! start in ns as a little-endian `i64`. Calls are sorted by (duration, start,
//! error), which is `Call`'s order. Pure: `store::rollups` reads and writes rows.

use crate::analysis::services::Call;

/// Bytes per call.
pub const CALL_BYTES: usize = 16;
const ERROR_BIT: u64 = 1 << 63;

/// A blob whose length is not a whole number of calls (a damaged case).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("span_rollups: a blob of {0} bytes is not a whole number of {CALL_BYTES}-byte calls")]
pub struct BlobError(pub usize);

/// The blob of `calls` (sorted by the caller: `merge` gives them so).
pub fn encode(calls: &[Call]) -> Vec<u8> {
    let mut blob = Vec::with_capacity(calls.len() * CALL_BYTES);
    for call in calls {
        let duration = call.duration_ns.max(0) as u64 | if call.error { ERROR_BIT } else { 0 };
        blob.extend_from_slice(&duration.to_le_bytes());
        blob.extend_from_slice(&call.start_ns.to_le_bytes());
    }
    blob
}

/// Appends the calls of `blob` to `out`, in the blob's order.
pub fn decode_into(blob: &[u8], out: &mut Vec<Call>) -> Result<(), BlobError> {
    if blob.len() % CALL_BYTES != 0 {
        return Err(BlobError(blob.len()));
    }
    out.reserve(blob.len() / CALL_BYTES);
    for chunk in blob.chunks_exact(CALL_BYTES) {
        let duration = u64::from_le_bytes(chunk[..8].try_into().expect("8 bytes"));
        let start_ns = i64::from_le_bytes(chunk[8..].try_into().expect("8 bytes"));
        out.push(Call {
            duration_ns: (duration & !ERROR_BIT) as i64,
            start_ns,
            error: duration & ERROR_BIT != 0,
        });
    }
    Ok(())
}

/// The calls of `blob`.
pub fn decode(blob: &[u8]) -> Result<Vec<Call>, BlobError> {
    let mut calls = Vec::new();
    decode_into(blob, &mut calls)?;
    Ok(calls)
}

/// `existing` (sorted) with each call of `removed` taken out once and `added` put
/// in, sorted. A removed call that is not there is ignored.
pub fn merge(existing: Vec<Call>, mut added: Vec<Call>, mut removed: Vec<Call>) -> Vec<Call> {
    let mut calls = existing;
    calls.append(&mut added);
    // Stable: the existing run and the added calls are merged, not sorted anew.
    calls.sort();
    if removed.is_empty() {
        return calls;
    }
    removed.sort();
    let mut kept = Vec::with_capacity(calls.len().saturating_sub(removed.len()));
    let mut removed = removed.into_iter().peekable();
    for call in calls {
        while removed.next_if(|gone| *gone < call).is_some() {}
        if removed.next_if_eq(&call).is_none() {
            kept.push(call);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn call(duration_ns: i64, start_ns: i64, error: bool) -> Call {
        Call {
            duration_ns,
            start_ns,
            error,
        }
    }

    #[test]
    fn a_blob_keeps_every_field_of_every_call() {
        let calls = vec![
            call(0, -5, false),
            call(7, i64::MAX, true),
            call(i64::MAX >> 1, i64::MIN, true),
        ];
        let blob = encode(&calls);
        assert_eq!(blob.len(), 3 * CALL_BYTES);
        assert_eq!(decode(&blob).unwrap(), calls);
        assert_eq!(decode(&blob[..17]), Err(BlobError(17)));
        assert_eq!(decode(&[]).unwrap(), Vec::<Call>::new());
    }

    #[test]
    fn merging_adds_and_takes_out_each_call_once() {
        let existing = vec![call(1, 10, false), call(2, 20, true), call(2, 20, true)];
        let merged = merge(
            existing,
            vec![call(3, 0, false), call(1, 5, false)],
            vec![call(2, 20, true), call(9, 9, false)],
        );
        assert_eq!(
            merged,
            vec![
                call(1, 5, false),
                call(1, 10, false),
                call(2, 20, true),
                call(3, 0, false)
            ]
        );
    }

    proptest! {
        #[test]
        fn merge_is_a_multiset_difference_and_union(
            existing in prop::collection::vec((0i64..50, -3i64..3, any::<bool>()), 0..60),
            added in prop::collection::vec((0i64..50, -3i64..3, any::<bool>()), 0..30),
            removed_idx in prop::collection::vec(any::<prop::sample::Index>(), 0..30),
        ) {
            let to_call = |(d, s, e): (i64, i64, bool)| call(d, s, e);
            let mut existing: Vec<Call> = existing.into_iter().map(to_call).collect();
            existing.sort();
            let added: Vec<Call> = added.into_iter().map(to_call).collect();
            // Remove calls that are there (each index at most once).
            let mut picked: Vec<usize> = if existing.is_empty() { Vec::new() } else {
                removed_idx.iter().map(|index| index.index(existing.len())).collect()
            };
            picked.sort_unstable();
            picked.dedup();
            let removed: Vec<Call> = picked.iter().map(|&i| existing[i]).collect();
            let mut want: Vec<Call> = existing
                .iter()
                .enumerate()
                .filter(|(i, _)| !picked.contains(i))
                .map(|(_, c)| *c)
                .chain(added.iter().copied())
                .collect();
            want.sort();
            let merged = merge(existing, added, removed);
            prop_assert_eq!(&merged, &want);
            prop_assert_eq!(decode(&encode(&merged)).unwrap(), want);
        }
    }
}
