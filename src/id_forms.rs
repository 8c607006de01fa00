//! How an id was written when it was not written as W3C trace context writes it
//! (lowercase hex of the full width): the forms the decoders normalize (issue 17,
//! `ids-rewritten`). A decoder that read an id asks `form_of` with the text it read
//! and how it read it, and notes the answer in the record's `IdForms`; the bulk
//! writer counts records per form and source (`store/bulk.rs`, table
//! `source_id_forms`). Parsing ids is `ids.rs`'s; this file only names the form of
//! text that parsed.

use crate::ids::parse_traceparent;

/// A form of an id that Weft rewrote to lowercase hex of the full width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IdForm {
    /// Hex with upper-case letters.
    UpperCase,
    /// Base64 of the id's bytes (the protobuf JSON mapping of `bytes`; Jaeger api_v2).
    Base64,
    /// A decimal number (Datadog; the low 64 bits of a trace id).
    Decimal,
    /// Hex shorter than the id (leading zeros dropped; a 64-bit trace id padded to 128 bits).
    Padded,
    /// Hex longer than the id: only its low bytes kept (Jaeger's 64-bit ids of 128-bit ones).
    Truncated,
    /// Hex after `0x`.
    Prefixed,
    /// A trace id with the dashes of a UUID.
    Uuid,
    /// Text that is no id: Weft derived one from it (blake3), keeping the original.
    Derived,
}

impl IdForm {
    /// Every form, in the order findings list them.
    pub const ALL: [IdForm; 8] = [
        IdForm::UpperCase,
        IdForm::Base64,
        IdForm::Decimal,
        IdForm::Padded,
        IdForm::Truncated,
        IdForm::Prefixed,
        IdForm::Uuid,
        IdForm::Derived,
    ];

    /// Stable name, stored in `source_id_forms.form`.
    pub fn name(self) -> &'static str {
        match self {
            IdForm::UpperCase => "upper-case",
            IdForm::Base64 => "base64",
            IdForm::Decimal => "decimal",
            IdForm::Padded => "padded",
            IdForm::Truncated => "truncated",
            IdForm::Prefixed => "0x",
            IdForm::Uuid => "uuid",
            IdForm::Derived => "derived",
        }
    }

    pub fn from_name(name: &str) -> Option<IdForm> {
        IdForm::ALL.into_iter().find(|form| form.name() == name)
    }

    /// What the form is, for people: "upper-case hex".
    pub fn describe(self) -> &'static str {
        match self {
            IdForm::UpperCase => "upper-case hex",
            IdForm::Base64 => "base64",
            IdForm::Decimal => "decimal numbers",
            IdForm::Padded => "hex shorter than the id, padded with zeros (64-bit trace ids, dropped leading zeros)",
            IdForm::Truncated => "hex longer than the id, cut to its low bytes",
            IdForm::Prefixed => "hex after 0x",
            IdForm::Uuid => "UUIDs with dashes",
            IdForm::Derived => "text that is no id (Weft derived one; the original is kept as an attribute)",
        }
    }
}

/// The forms a record's ids were rewritten from (trace, span and parent id).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdForms(u16);

impl IdForms {
    pub fn add(&mut self, form: Option<IdForm>) {
        if let Some(form) = form {
            self.0 |= 1 << (form as u16);
        }
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = IdForm> {
        IdForm::ALL
            .into_iter()
            .filter(move |form| self.0 & (1 << (*form as u16)) != 0)
    }
}

/// How a decoder read an id, which decides what its text means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// `TraceId::parse_otlp`: hex of the full width, or base64.
    Otlp,
    /// `ids::padded_id` (Jaeger, Zipkin): hex of any width, `0x`, or base64.
    Padded,
    /// `TraceId::parse` / `SpanId::parse` (logs): every spelling.
    Any,
}

/// The form of `text`, an id of `bytes` bytes that `reading` parsed; `None` when it
/// was written as W3C writes it.
pub fn form_of(text: &str, bytes: usize, reading: Reading) -> Option<IdForm> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let width = 2 * bytes;
    let is_hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    let full_hex =
        |s: &str| (s.bytes().any(|b| b.is_ascii_uppercase())).then_some(IdForm::UpperCase);
    let unprefixed = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"));
    match reading {
        Reading::Otlp if text.len() == width && is_hex(text) => full_hex(text),
        Reading::Otlp => Some(IdForm::Base64),
        Reading::Padded => {
            let hex = unprefixed.unwrap_or(text);
            if !is_hex(hex) {
                Some(IdForm::Base64)
            } else if unprefixed.is_some() {
                Some(IdForm::Prefixed)
            } else if hex.len() < width {
                Some(IdForm::Padded)
            } else if hex.len() > width {
                Some(IdForm::Truncated)
            } else {
                full_hex(hex)
            }
        }
        Reading::Any => {
            if parse_traceparent(text).is_some() {
                None
            } else if text.len() == width && is_hex(text) {
                full_hex(text)
            } else if bytes == 16 && text.len() == 36 && text.matches('-').count() == 4 {
                Some(IdForm::Uuid)
            } else if unprefixed.is_some_and(is_hex) {
                Some(IdForm::Prefixed)
            } else if text.len() <= 20 && text.bytes().all(|b| b.is_ascii_digit()) {
                Some(IdForm::Decimal)
            } else {
                Some(IdForm::Base64)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{SpanId, TraceId};

    #[test]
    fn every_spelling_of_an_id_names_its_form() {
        let cases: &[(&str, usize, Reading, Option<IdForm>)] = &[
            ("5b8efff798038103d269b633813fc60c", 16, Reading::Otlp, None),
            (
                "5B8EFFF798038103D269B633813FC60C",
                16,
                Reading::Otlp,
                Some(IdForm::UpperCase),
            ),
            (
                "W47/95gDgQPSabYzgT/GDA==",
                16,
                Reading::Otlp,
                Some(IdForm::Base64),
            ),
            ("eee19b7ec3c1b174", 8, Reading::Padded, None),
            (
                "EEE19B7EC3C1B174",
                8,
                Reading::Padded,
                Some(IdForm::UpperCase),
            ),
            (
                "d269b633813fc60c",
                16,
                Reading::Padded,
                Some(IdForm::Padded),
            ),
            ("e19b7ec3c1b174", 8, Reading::Padded, Some(IdForm::Padded)),
            (
                "5b8efff798038103d269b633813fc60c",
                8,
                Reading::Padded,
                Some(IdForm::Truncated),
            ),
            (
                "0xeee19b7ec3c1b174",
                8,
                Reading::Padded,
                Some(IdForm::Prefixed),
            ),
            ("7uGbfsPBsXQ=", 8, Reading::Padded, Some(IdForm::Base64)),
            ("5b8efff798038103d269b633813fc60c", 16, Reading::Any, None),
            (
                "00-5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174-01",
                16,
                Reading::Any,
                None,
            ),
            (
                "5b8efff7-9803-8103-d269-b633813fc60c",
                16,
                Reading::Any,
                Some(IdForm::Uuid),
            ),
            (
                "0x5b8efff798038103d269b633813fc60c",
                16,
                Reading::Any,
                Some(IdForm::Prefixed),
            ),
            (
                "15183792712305478668",
                16,
                Reading::Any,
                Some(IdForm::Decimal),
            ),
            ("1234", 8, Reading::Any, Some(IdForm::Decimal)),
            (
                "W47/95gDgQPSabYzgT/GDA==",
                16,
                Reading::Any,
                Some(IdForm::Base64),
            ),
            (
                "5b8eFFF798038103d269b633813fc60c",
                16,
                Reading::Any,
                Some(IdForm::UpperCase),
            ),
        ];
        for (text, bytes, reading, form) in cases {
            assert_eq!(
                form_of(text, *bytes, *reading),
                *form,
                "{text} ({reading:?})"
            );
            // Each case is an id its reader accepts.
            let parsed = match (reading, bytes) {
                (Reading::Otlp, 16) => TraceId::parse_otlp(text).is_ok(),
                (Reading::Any, 16) => TraceId::parse(text).is_ok(),
                (Reading::Any, _) => SpanId::parse(text).is_ok(),
                (Reading::Padded, 16) => crate::ids::padded_id::<16>(text).is_ok(),
                (Reading::Padded, _) => crate::ids::padded_id::<8>(text).is_ok(),
                _ => unreachable!(),
            };
            assert!(parsed, "{text}");
        }
    }

    #[test]
    fn a_set_of_forms_lists_each_once_in_order() {
        let mut forms = IdForms::default();
        assert!(forms.is_empty());
        forms.add(Some(IdForm::Derived));
        forms.add(None);
        forms.add(Some(IdForm::Base64));
        forms.add(Some(IdForm::Base64));
        assert_eq!(
            forms.iter().collect::<Vec<_>>(),
            vec![IdForm::Base64, IdForm::Derived]
        );
        for form in IdForm::ALL {
            assert_eq!(IdForm::from_name(form.name()), Some(form));
        }
    }
}
