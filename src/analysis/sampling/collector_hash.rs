//! The tail sampling processor's `probabilistic` policy, bit for bit, so that the
//! same trace ids are kept as by the Collector. Reproduced from
//! opentelemetry-collector-contrib `processor/tailsamplingprocessor/internal/
//! sampling/probabilistic.go` as of commit 0a3557b (the `pkg/samplingpolicy`
//! layout of the current releases; older releases computed the threshold with
//! `big.Float.Int64()`, which caps it at 2^63 − 1, the same below 50 %):
//!
//! - hash = FNV-1a 64 over the bytes of the salt (`"default-hash-seed"` when the
//!   config's `hash_salt` is empty) followed by the 16 bytes of the trace id;
//! - threshold = (2^64 − 1) × (sampling_percentage / 100), multiplied in Go's
//!   `big.Float` at 64 bits of precision rounding to nearest even, then
//!   truncated to an unsigned 64-bit integer (clamped to 0 … 2^64 − 1);
//! - the trace is sampled when hash ≤ threshold.

/// The Collector's salt when the config gives none.
pub const DEFAULT_HASH_SALT: &str = "default-hash-seed";

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a 64 of `salt` then `trace_id`.
pub fn trace_hash(salt: &str, trace_id: &[u8; 16]) -> u64 {
    let salt = if salt.is_empty() {
        DEFAULT_HASH_SALT
    } else {
        salt
    };
    salt.as_bytes()
        .iter()
        .chain(trace_id.iter())
        .fold(FNV_OFFSET, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(FNV_PRIME)
        })
}

/// Whether the probabilistic policy samples `trace_id`.
pub fn probabilistic_sampled(salt: &str, threshold: u64, trace_id: &[u8; 16]) -> bool {
    trace_hash(salt, trace_id) <= threshold
}

/// `calculateThreshold(percentage / 100)`: (2^64 − 1) × ratio with one rounding to
/// 64 significant bits (nearest, ties to even), then truncation.
pub fn threshold_for_percentage(percentage: f64) -> u64 {
    let ratio = percentage / 100.0;
    if ratio.is_nan() || ratio <= 0.0 {
        return 0;
    }
    if ratio >= 1.0 {
        return u64::MAX;
    }
    // ratio = mantissa × 2^exponent exactly (ratio is finite, positive, below 1).
    let bits = ratio.to_bits();
    let raw_exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mantissa, exponent) = if raw_exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), raw_exponent - 1075)
    };
    let product = u128::from(u64::MAX) * u128::from(mantissa);
    let width = 128 - product.leading_zeros() as i32;
    let (mut rounded, mut shift) = (product, 0);
    if width > 64 {
        shift = width - 64;
        let kept = product >> shift;
        let rest = product & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        let up = rest > half || (rest == half && kept & 1 == 1);
        rounded = kept + u128::from(up);
    }
    // value = rounded × 2^(shift + exponent), truncated toward zero.
    let scale = shift + exponent;
    let value = if scale >= 0 {
        rounded.checked_shl(scale as u32).unwrap_or(u128::MAX)
    } else if -scale >= 128 {
        0
    } else {
        rounded >> (-scale) as u32
    };
    u64::try_from(value).unwrap_or(u64::MAX)
}
