//! Trace and span ids: `TraceId` (16 bytes) and `SpanId` (8 bytes), parsed from
//! every spelling the formats use — hex of any case, base64 (protobuf JSON
//! mapping), UUID with dashes, `0x` prefix, decimal (Datadog: the low 64 bits),
//! and a W3C `traceparent`; Jaeger's and Zipkin's shortened hex (`padded_id`);
//! ids derived from text that is no id (`derived_id`). All-zero and empty ids
//! mean "no id" (`None`). Which spelling a field allows is left to the formats.

use std::fmt;

use base64::Engine as _;
use serde::{Serialize, Serializer};

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraceId(pub [u8; 16]);

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanId(pub [u8; 8]);

macro_rules! id_type {
    ($name:ident, $len:expr) => {
        impl $name {
            /// The id from raw bytes; `None` for the wrong length or all zeros.
            pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
                let array: [u8; $len] = bytes.try_into().ok()?;
                if array.iter().all(|&b| b == 0) {
                    None
                } else {
                    Some($name(array))
                }
            }

            /// Lowercase hex, as every output of Weft prints ids.
            pub fn to_hex(&self) -> String {
                let mut out = String::with_capacity($len * 2);
                for byte in self.0 {
                    out.push(char::from_digit((byte >> 4) as u32, 16).unwrap());
                    out.push(char::from_digit((byte & 0xf) as u32, 16).unwrap());
                }
                out
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.to_hex())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.to_hex())
            }
        }
    };
}

id_type!(TraceId, 16);
id_type!(SpanId, 8);

/// Why an id string was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a {kind} id")]
pub struct IdError {
    pub kind: &'static str,
    pub text: String,
}

impl TraceId {
    /// Parses any accepted spelling. `Ok(None)` means "no id" (empty or all zeros).
    pub fn parse(text: &str) -> Result<Option<Self>, IdError> {
        let text = text.trim();
        if let Some(parent) = parse_traceparent(text) {
            return Ok(parent.0);
        }
        parse_id::<16>(text, "trace").map(|bytes| bytes.and_then(|b| TraceId::from_bytes(&b)))
    }
}

impl SpanId {
    /// Parses any accepted spelling. `Ok(None)` means "no id" (empty or all zeros).
    pub fn parse(text: &str) -> Result<Option<Self>, IdError> {
        let text = text.trim();
        if let Some(parent) = parse_traceparent(text) {
            return Ok(parent.1);
        }
        parse_id::<8>(text, "span").map(|bytes| bytes.and_then(|b| SpanId::from_bytes(&b)))
    }
}

/// An OTLP/JSON id: hex of the exact width (any case), or base64 (the protobuf JSON
/// mapping). Unlike `parse`, a string of digits is never read as decimal.
fn parse_otlp<const N: usize>(text: &str, kind: &'static str) -> Result<Option<[u8; N]>, IdError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() == N * 2 {
        if let Some(bytes) = decode_hex(text) {
            return Ok(Some(bytes.try_into().unwrap()));
        }
    }
    match decode_base64(text) {
        Some(bytes) if bytes.len() == N => Ok(Some(bytes.try_into().unwrap())),
        _ => Err(IdError {
            kind,
            text: text.to_string(),
        }),
    }
}

impl TraceId {
    /// An id as OTLP/JSON writes it (see `parse_otlp`); `Ok(None)` for "no id".
    pub fn parse_otlp(text: &str) -> Result<Option<Self>, IdError> {
        parse_otlp::<16>(text, "trace").map(|bytes| bytes.and_then(|b| TraceId::from_bytes(&b)))
    }

    /// A decimal trace id, as Datadog writes the low 64 bits of one.
    pub fn from_decimal(text: &str) -> Option<Self> {
        let low: u64 = text.trim().parse().ok()?;
        let mut bytes = [0u8; 16];
        bytes[8..].copy_from_slice(&low.to_be_bytes());
        TraceId::from_bytes(&bytes)
    }
}

impl SpanId {
    /// An id as OTLP/JSON writes it (see `parse_otlp`); `Ok(None)` for "no id".
    pub fn parse_otlp(text: &str) -> Result<Option<Self>, IdError> {
        parse_otlp::<8>(text, "span").map(|bytes| bytes.and_then(|b| SpanId::from_bytes(&b)))
    }

    /// A decimal span id, as Datadog writes them.
    pub fn from_decimal(text: &str) -> Option<Self> {
        let value: u64 = text.trim().parse().ok()?;
        SpanId::from_bytes(&value.to_be_bytes())
    }
}

impl std::str::FromStr for TraceId {
    type Err = IdError;
    fn from_str(text: &str) -> Result<Self, IdError> {
        TraceId::parse(text)?.ok_or_else(|| IdError {
            kind: "trace",
            text: text.to_string(),
        })
    }
}

impl std::str::FromStr for SpanId {
    type Err = IdError;
    fn from_str(text: &str) -> Result<Self, IdError> {
        SpanId::parse(text)?.ok_or_else(|| IdError {
            kind: "span",
            text: text.to_string(),
        })
    }
}

/// A W3C `traceparent` (`00-<32 hex>-<16 hex>-<2 hex>`): its trace and span ids.
pub fn parse_traceparent(text: &str) -> Option<(Option<TraceId>, Option<SpanId>)> {
    // Shorter than `vv-` + 32 + `-` + 16 + `-`: not one (spares splitting every id).
    if text.len() < 53 {
        return None;
    }
    let parts: Vec<&str> = text.split('-').collect();
    if parts.len() < 4 || parts[0].len() != 2 || parts[1].len() != 32 || parts[2].len() != 16 {
        return None;
    }
    let trace = decode_hex(parts[1])?;
    let span = decode_hex(parts[2])?;
    decode_hex(parts[0])?;
    Some((TraceId::from_bytes(&trace), SpanId::from_bytes(&span)))
}

/// The id bytes of `text` (`N` bytes), or `None` for an empty id.
fn parse_id<const N: usize>(text: &str, kind: &'static str) -> Result<Option<[u8; N]>, IdError> {
    let error = || IdError {
        kind,
        text: text.to_string(),
    };
    if text.is_empty() {
        return Ok(None);
    }
    let unprefixed = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"));
    let hex_text = unprefixed.unwrap_or(text);
    // Hex: exactly the width, or shorter (leading zeros dropped) when prefixed or all digits.
    if hex_text.len() == N * 2 {
        if let Some(bytes) = decode_hex(hex_text) {
            return Ok(Some(bytes.try_into().unwrap()));
        }
    }
    // UUID spelling of a trace id: 8-4-4-4-12 hex digits.
    if N == 16 && text.len() == 36 && text.matches('-').count() == 4 {
        let joined: String = text.chars().filter(|&c| c != '-').collect();
        if let Some(bytes) = decode_hex(&joined) {
            return Ok(Some(bytes.try_into().unwrap()));
        }
    }
    if let Some(hex_digits) = unprefixed {
        if hex_digits.len() < N * 2 {
            let padded = format!("{:0>width$}", hex_digits, width = N * 2);
            if let Some(bytes) = decode_hex(&padded) {
                return Ok(Some(bytes.try_into().unwrap()));
            }
        }
        // Not hex after all: base64 can start with `0x` too (below).
    }
    // Decimal (Datadog writes the low 64 bits of a trace id, and span ids, in decimal).
    if text.len() <= 20 && text.bytes().all(|b| b.is_ascii_digit()) {
        let value: u64 = text.parse().map_err(|_| error())?;
        let mut bytes = [0u8; N];
        bytes[N - 8..].copy_from_slice(&value.to_be_bytes());
        return Ok(Some(bytes));
    }
    // Base64, as the protobuf JSON mapping writes `bytes` fields.
    if let Some(bytes) = decode_base64(text) {
        if bytes.len() == N {
            return Ok(Some(bytes.try_into().unwrap()));
        }
    }
    Err(error())
}

/// An id as Jaeger and Zipkin write it: hex of up to `N` bytes (leading zeros may be
/// dropped, `0x` may lead), longer hex (its low `N` bytes, as Jaeger keeps the low
/// 64 bits of a 128-bit id), or base64 of exactly `N` bytes (Jaeger api_v2).
/// `Err` for other text; `Ok(None)` for none. All-zero bytes are returned as they
/// are, so that a caller may tell "all zeros" from "not an id".
pub(crate) fn padded_id<const N: usize>(text: &str) -> Result<Option<[u8; N]>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let hex = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    if hex.len() <= N * 2 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        let padded = format!("{hex:0>width$}", width = N * 2);
        let bytes = decode_hex(&padded).ok_or(())?;
        return Ok(Some(bytes.try_into().map_err(|_| ())?));
    }
    if hex.len() > N * 2 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        let bytes = decode_hex(&hex[hex.len() - N * 2..]).ok_or(())?;
        return Ok(Some(bytes.try_into().map_err(|_| ())?));
    }
    match decode_base64(text) {
        Some(bytes) if bytes.len() == N => Ok(Some(bytes.try_into().map_err(|_| ())?)),
        _ => Err(()),
    }
}

/// A stable id of `N` bytes derived (blake3) from `parts`, for records whose id is
/// text that is no id (`"span-1"`) or that must be told apart from another record
/// with the same id. `namespace` says whose id it is (`"jaeger span"`): the same
/// parts in another namespace give another id. The bytes hashed are
/// `weft {namespace} ` followed by the parts; stored ids depend on them, so they
/// must not change (a file loaded again would no longer meet its earlier copy).
pub(crate) fn derived_id<const N: usize>(namespace: &str, parts: &[&[u8]]) -> [u8; N] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"weft ");
    hasher.update(namespace.as_bytes());
    hasher.update(b" ");
    for part in parts {
        hasher.update(part);
    }
    let mut bytes = [0u8; N];
    bytes.copy_from_slice(&hasher.finalize().as_bytes()[..N]);
    bytes
}

pub(crate) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    let digits = text.as_bytes();
    let mut out = Vec::with_capacity(digits.len() / 2);
    for pair in digits.chunks_exact(2) {
        let high = (pair[0] as char).to_digit(16)?;
        let low = (pair[1] as char).to_digit(16)?;
        out.push((high * 16 + low) as u8);
    }
    Some(out)
}

/// Standard or URL-safe base64, padded or not.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
}

/// Standard base64 with padding, as the protobuf JSON mapping writes `bytes` (bytes
/// attribute values are shown so, whichever spelling the input used).
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_trace_id_agree() {
        let expected = TraceId::parse("5b8efff798038103d269b633813fc60c")
            .unwrap()
            .unwrap();
        for spelling in [
            "5B8EFFF798038103D269B633813FC60C",
            "W47/95gDgQPSabYzgT/GDA==",
            "5b8efff7-9803-8103-d269-b633813fc60c",
            "0x5b8efff798038103d269b633813fc60c",
            "00-5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174-01",
        ] {
            assert_eq!(
                TraceId::parse(spelling).unwrap(),
                Some(expected),
                "{spelling}"
            );
        }
    }

    #[test]
    fn empty_and_zero_ids_are_no_id() {
        assert_eq!(TraceId::parse("").unwrap(), None);
        assert_eq!(
            TraceId::parse("00000000000000000000000000000000").unwrap(),
            None
        );
        assert_eq!(SpanId::parse("AAAAAAAAAAA=").unwrap(), None);
    }

    #[test]
    fn decimal_is_the_low_64_bits() {
        let id = TraceId::parse("1234567890123456789").unwrap().unwrap();
        assert_eq!(id.to_hex(), "0000000000000000112210f47de98115");
        let span = SpanId::parse("255").unwrap().unwrap();
        assert_eq!(span.to_hex(), "00000000000000ff");
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(TraceId::parse("not-an-id").is_err());
        assert!(SpanId::parse("abc").is_err());
    }

    #[test]
    fn padded_ids_fill_shorten_and_tell_zeros_from_garbage() {
        assert_eq!(padded_id::<8>("1a"), Ok(Some([0, 0, 0, 0, 0, 0, 0, 0x1a])));
        assert_eq!(
            padded_id::<8>(" 0x1A "),
            Ok(Some([0, 0, 0, 0, 0, 0, 0, 0x1a]))
        );
        assert_eq!(
            padded_id::<8>("ffff0000000000000002"),
            Ok(Some([0, 0, 0, 0, 0, 0, 0, 2]))
        );
        assert_eq!(
            padded_id::<8>("AAAAAAAAAAI="),
            Ok(Some([0, 0, 0, 0, 0, 0, 0, 2]))
        );
        assert_eq!(padded_id::<8>("0"), Ok(Some([0; 8])));
        assert_eq!(padded_id::<8>(""), Ok(None));
        assert_eq!(padded_id::<8>("span-1"), Err(()));
    }

    #[test]
    fn derived_ids_are_stable_and_namespaced() {
        let span = derived_id::<8>("jaeger span", &[b"span-1"]);
        assert_eq!(span, derived_id::<8>("jaeger span", &[b"span-1"]));
        assert_ne!(span, derived_id::<8>("jaeger trace", &[b"span-1"]));
        // What is hashed: `weft jaeger span span-1`, as Jaeger ids always were.
        let hash = blake3::hash(b"weft jaeger span span-1");
        assert_eq!(span[..], hash.as_bytes()[..8]);
        // The parts are hashed one after another, as one text.
        assert_eq!(
            derived_id::<16>("x", &[b"ab", b"c"]),
            derived_id::<16>("x", &[b"abc"])
        );
    }

    #[test]
    fn base64_is_written_as_it_is_read() {
        let bytes = [0xfb, 0xff, 0x01];
        assert_eq!(encode_base64(&bytes), "+/8B");
        assert_eq!(decode_base64(&encode_base64(&bytes)), Some(bytes.to_vec()));
        assert_eq!(decode_base64("-_8B"), Some(bytes.to_vec()));
    }
}
