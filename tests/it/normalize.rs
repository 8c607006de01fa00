//! Property tests of normalization: any valid id in any accepted spelling gives
//! the same bytes, and times in every unit agree.

use base64::Engine as _;
use proptest::prelude::*;
use weft::time::{format_rfc3339, ns_from_integer, ns_from_number, ns_from_str};
use weft::{SpanId, TraceId};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

proptest! {
    #[test]
    fn every_spelling_of_a_trace_id_agrees(bytes in prop::array::uniform16(any::<u8>())
        .prop_filter("all-zero means no id", |b| b.iter().any(|&x| x != 0)), span in prop::array::uniform8(1u8..)) {
        let expected = TraceId(bytes);
        let lower = hex(&bytes);
        let uuid = format!("{}-{}-{}-{}-{}", &lower[..8], &lower[8..12], &lower[12..16], &lower[16..20], &lower[20..]);
        let spellings = [
            lower.clone(),
            lower.to_uppercase(),
            format!("0x{lower}"),
            base64::engine::general_purpose::STANDARD.encode(bytes),
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes),
            base64::engine::general_purpose::URL_SAFE.encode(bytes),
            uuid.clone(),
            uuid.to_uppercase(),
            format!("00-{lower}-{}-01", hex(&span)),
        ];
        for spelling in &spellings {
            prop_assert_eq!(TraceId::parse(spelling), Ok(Some(expected)), "{}", spelling);
        }
        prop_assert_eq!(expected.to_hex(), lower);
    }

    #[test]
    fn every_spelling_of_a_span_id_agrees(bytes in prop::array::uniform8(any::<u8>())
        .prop_filter("all-zero means no id", |b| b.iter().any(|&x| x != 0))) {
        let expected = SpanId(bytes);
        let lower = hex(&bytes);
        for spelling in [
            lower.clone(),
            lower.to_uppercase(),
            format!("0X{lower}"),
            base64::engine::general_purpose::STANDARD.encode(bytes),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
        ] {
            prop_assert_eq!(SpanId::parse(&spelling), Ok(Some(expected)), "{}", spelling);
        }
        let decimal = u64::from_be_bytes(bytes).to_string();
        prop_assert_eq!(SpanId::from_decimal(&decimal), Some(expected));
    }

    #[test]
    fn decimal_trace_ids_are_the_low_64_bits(low in 1u64..) {
        let id = TraceId::from_decimal(&low.to_string()).unwrap();
        prop_assert_eq!(&id.0[..8], &[0u8; 8]);
        prop_assert_eq!(u64::from_be_bytes(id.0[8..].try_into().unwrap()), low);
    }

    #[test]
    fn times_in_every_unit_agree(ms in 100_000_000_000i64..4_102_444_800_000, micros in 0i64..1000) {
        let us = ms * 1000 + micros;
        let ns = us * 1000;
        prop_assert_eq!(ns_from_integer(ns), Some(ns));
        prop_assert_eq!(ns_from_integer(us), Some(ns));
        prop_assert_eq!(ns_from_integer(ms), Some(ms * 1_000_000));
        prop_assert_eq!(ns_from_integer(ms / 1000), Some(ms / 1000 * 1_000_000_000));
        prop_assert_eq!(ns_from_str(&ns.to_string()), Some(ns));
        prop_assert_eq!(ns_from_str(&format!("{}.{:06}", us / 1_000_000, us % 1_000_000)), Some(ns));
        prop_assert_eq!(ns_from_str(&format!("{ms}.{micros:03}")), Some(ns));
        // A float of seconds keeps microseconds (until 2100; doubles run out of digits later).
        prop_assert_eq!(ns_from_number(us as f64 / 1e6), Some(ns));
        prop_assert_eq!(ns_from_number(us as f64 / 1e3), Some(ns));
        prop_assert_eq!(ns_from_str(&format_rfc3339(ns)), Some(ns));
    }
}
