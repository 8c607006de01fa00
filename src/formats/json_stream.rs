//! The streaming layer the JSON document formats share (OTLP/JSON, Jaeger, Zipkin,
//! Loki): reading one or more concatenated documents from a `BufRead` with a
//! leading byte order mark dropped, a generic array seed that hands each element
//! to a handler and stops when the user cancels, the same for documents that are
//! an object or arrays of objects nested to any depth, `nullable` (a JSON `null` reads
//! as the default), and key probing for `sniff`.
//! What a document means (its wire types and how they become records) is left to
//! each format's file; line framing (JSON Lines) is `for_each_line` in `mod.rs`.

use std::fmt;
use std::io::BufRead;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::{DecodeError, RecordSink};

/// Whether `"key"` followed by `:` occurs in `head` (for sniffing the first bytes of a
/// document that may be cut anywhere, so it is not parsed).
pub(super) fn contains_key(head: &[u8], key: &str) -> bool {
    let quoted = format!("\"{key}\"");
    let needle = quoted.as_bytes();
    head.windows(needle.len()).enumerate().any(|(at, window)| {
        window == needle
            && head[at + needle.len()..]
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                == Some(&b':')
    })
}

/// The deserializer `decode_documents` hands to each document.
pub(super) type JsonDeserializer<'r> =
    serde_json::Deserializer<serde_json::de::IoRead<SkipBom<'r>>>;

/// Streams one or more concatenated JSON documents through `each`. An error after
/// the sink said "cancelled" is `Cancelled`; any other is a positioned syntax error,
/// and what `each` handed on before it stays handed on.
pub(super) fn decode_documents(
    input: &mut dyn BufRead,
    sink: &mut dyn RecordSink,
    mut each: impl FnMut(&mut JsonDeserializer<'_>, &mut dyn RecordSink) -> serde_json::Result<()>,
) -> Result<(), DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_reader(SkipBom::new(input));
    loop {
        each(&mut deserializer, &mut *sink).map_err(|error| {
            if sink.cancelled() {
                DecodeError::Cancelled
            } else {
                DecodeError::from_json(error)
            }
        })?;
        if deserializer.end().is_ok() {
            return Ok(());
        }
    }
}

/// A reader that drops a leading UTF-8 byte order mark.
pub(super) struct SkipBom<'a> {
    input: &'a mut dyn BufRead,
    checked: bool,
}

impl<'a> SkipBom<'a> {
    pub(super) fn new(input: &'a mut dyn BufRead) -> Self {
        SkipBom {
            input,
            checked: false,
        }
    }
}

impl std::io::Read for SkipBom<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.checked {
            self.checked = true;
            if self.input.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
                self.input.consume(3);
            }
        }
        self.input.read(buf)
    }
}

/// `null` reads as the default, like an absent field (`deserialize_with = "nullable"`).
pub(super) fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    deserializer: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// What an array streamed by `Elements` does with each of its elements.
pub(super) trait EachElement {
    /// Named in the error when the value is neither an array nor `null`
    /// ("invalid type: …, expected {EXPECTING}").
    const EXPECTING: &'static str;

    /// Reads one element from `element` and hands on what it holds.
    fn element<'de, D: Deserializer<'de>>(&mut self, element: D) -> Result<(), D::Error>;

    /// True when the user cancelled: the array stops before its next element.
    fn cancelled(&self) -> bool;
}

/// An array read one element at a time through `handler`, so that memory holds one
/// element, not the array; `null` reads as an empty array. Its value says whether
/// there was an array (`false` for `null`). Stops with a "cancelled" error (which
/// `decode_documents` reports as `Cancelled`) when the handler says so.
pub(super) struct Elements<'h, H>(pub(super) &'h mut H);

impl<'de, H: EachElement> DeserializeSeed<'de> for Elements<'_, H> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, H: EachElement> Visitor<'de> for Elements<'_, H> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(H::EXPECTING)
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        each_element(seq, self.0).map(|()| true)
    }
}

/// The loop of `Elements`, for seeds that take an array among other shapes (a node
/// that may be an array or an object): every element through `handler`, checking
/// for cancellation before each.
pub(super) fn each_element<'de, A: SeqAccess<'de>, H: EachElement>(
    mut seq: A,
    handler: &mut H,
) -> Result<(), A::Error> {
    loop {
        if handler.cancelled() {
            return Err(de::Error::custom("cancelled"));
        }
        if seq.next_element_seed(ElementSeed(&mut *handler))?.is_none() {
            return Ok(());
        }
    }
}

/// What `Objects` does with each object it meets.
pub(super) trait EachObject {
    /// Named in the error when a value is neither an object, an array nor `null`.
    const EXPECTING: &'static str;

    /// Reads one object from `map` and hands on what it holds.
    fn object<'de, A: MapAccess<'de>>(&mut self, map: A) -> Result<(), A::Error>;

    /// True when the user cancelled: arrays stop before their next element.
    fn cancelled(&self) -> bool;
}

/// A value that is an object, `null` (nothing), or an array of such values nested to
/// any depth (`[trace, …]`, `[[span, …], …]`): every object goes to the handler in
/// order, arrays are read as `Elements` are, one element at a time and cancellable.
pub(super) struct Objects<'h, H>(pub(super) &'h mut H);

impl<'de, H: EachObject> DeserializeSeed<'de> for Objects<'_, H> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, H: EachObject> Visitor<'de> for Objects<'_, H> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(H::EXPECTING)
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, seq: A) -> Result<(), A::Error> {
        each_element(seq, &mut self)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.0.object(map)
    }
}

/// The elements of an array of objects are again objects or arrays of them.
impl<H: EachObject> EachElement for Objects<'_, H> {
    const EXPECTING: &'static str = H::EXPECTING;

    fn element<'de, D: Deserializer<'de>>(&mut self, element: D) -> Result<(), D::Error> {
        Objects(&mut *self.0).deserialize(element)
    }

    fn cancelled(&self) -> bool {
        self.0.cancelled()
    }
}

/// One element of an array, read by the handler.
struct ElementSeed<'h, H>(&'h mut H);

impl<'de, H: EachElement> DeserializeSeed<'de> for ElementSeed<'_, H> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.0.element(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Collected;

    /// Sums an array of numbers; says "cancelled" once `cancel_after` were read.
    struct Sum {
        total: i64,
        n_read: usize,
        cancel_after: usize,
    }

    impl EachElement for Sum {
        const EXPECTING: &'static str = "an array of numbers";
        fn element<'de, D: Deserializer<'de>>(&mut self, element: D) -> Result<(), D::Error> {
            self.total += i64::deserialize(element)?;
            self.n_read += 1;
            Ok(())
        }
        fn cancelled(&self) -> bool {
            self.n_read >= self.cancel_after
        }
    }

    fn sum(text: &str, cancel_after: usize) -> (Result<bool, String>, i64, usize) {
        let mut handler = Sum {
            total: 0,
            n_read: 0,
            cancel_after,
        };
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let result = Elements(&mut handler)
            .deserialize(&mut deserializer)
            .map_err(|error| error.to_string());
        (result, handler.total, handler.n_read)
    }

    #[test]
    fn elements_reads_each_element_and_null_as_none() {
        assert_eq!(sum("[1, 2, 3]", usize::MAX), (Ok(true), 6, 3));
        assert_eq!(sum("[]", usize::MAX), (Ok(true), 0, 0));
        assert_eq!(sum("null", usize::MAX), (Ok(false), 0, 0));
    }

    #[test]
    fn elements_stops_before_the_next_element_when_cancelled() {
        let (result, total, n_read) = sum("[1, 2, 3, 4]", 2);
        assert_eq!((total, n_read), (3, 2));
        assert!(result.unwrap_err().starts_with("cancelled"));
    }

    #[test]
    fn elements_names_what_it_expected() {
        let (result, _, _) = sum(r#"{"a": 1}"#, usize::MAX);
        assert!(
            result.unwrap_err().contains("expected an array of numbers"),
            "wrong message"
        );
        let (result, _, _) = sum(r#"[1, "x"]"#, usize::MAX);
        assert!(result.is_err());
    }

    /// Counts objects by their `n`; cancels after `cancel_after` objects.
    struct Count {
        seen: Vec<i64>,
        cancel_after: usize,
    }

    impl EachObject for Count {
        const EXPECTING: &'static str = "an object or arrays of them";
        fn object<'de, A: MapAccess<'de>>(&mut self, map: A) -> Result<(), A::Error> {
            #[derive(Deserialize)]
            struct Numbered {
                n: i64,
            }
            let numbered = Numbered::deserialize(de::value::MapAccessDeserializer::new(map))?;
            self.seen.push(numbered.n);
            Ok(())
        }
        fn cancelled(&self) -> bool {
            self.seen.len() >= self.cancel_after
        }
    }

    fn count(text: &str, cancel_after: usize) -> (Result<(), String>, Vec<i64>) {
        let mut handler = Count {
            seen: Vec::new(),
            cancel_after,
        };
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let result = Objects(&mut handler)
            .deserialize(&mut deserializer)
            .map_err(|error| error.to_string());
        (result, handler.seen)
    }

    #[test]
    fn objects_are_found_in_nested_arrays_in_order() {
        assert_eq!(count(r#"{"n":1}"#, usize::MAX), (Ok(()), vec![1]));
        assert_eq!(count("null", usize::MAX), (Ok(()), vec![]));
        assert_eq!(
            count(r#"[{"n":1},[{"n":2},[{"n":3}]],null,{"n":4}]"#, usize::MAX),
            (Ok(()), vec![1, 2, 3, 4])
        );
        let (result, _) = count("[1]", usize::MAX);
        assert!(result
            .unwrap_err()
            .contains("expected an object or arrays of them"));
    }

    #[test]
    fn objects_stop_when_cancelled_also_inside_nested_arrays() {
        let (result, seen) = count(r#"[[{"n":1},{"n":2},{"n":3}],{"n":4}]"#, 2);
        assert_eq!(seen, [1, 2]);
        assert!(result.unwrap_err().starts_with("cancelled"));
    }

    /// Cancels as soon as asked: the sink's flag.
    struct CancelSink(bool);

    impl RecordSink for CancelSink {
        fn span(&mut self, _: crate::model::Span) {}
        fn log(&mut self, _: crate::model::LogRecord) {}
        fn problem(&mut self, _: crate::formats::Problem) {}
        fn cancelled(&self) -> bool {
            self.0
        }
    }

    #[test]
    fn documents_are_read_one_after_another_past_a_bom() {
        let mut input: &[u8] = b"\xEF\xBB\xBF[1,2] [3]\n[4]\n";
        let mut totals = Vec::new();
        let mut sink = Collected::default();
        decode_documents(&mut input, &mut sink, |deserializer, _| {
            totals.push(Vec::<i64>::deserialize(deserializer)?.iter().sum::<i64>());
            Ok(())
        })
        .unwrap();
        assert_eq!(totals, [3, 3, 4]);
    }

    #[test]
    fn documents_report_syntax_errors_and_cancellation() {
        let mut input: &[u8] = b"[1,2]\n[3,";
        let mut sink = CancelSink(false);
        let error = decode_documents(&mut input, &mut sink, |deserializer, _| {
            Vec::<i64>::deserialize(deserializer).map(drop)
        })
        .unwrap_err();
        assert!(
            matches!(error, DecodeError::Syntax { line: 2, .. }),
            "{error}"
        );

        let mut input: &[u8] = b"[1,2]";
        let mut sink = CancelSink(true);
        let error = decode_documents(&mut input, &mut sink, |deserializer, _| {
            let mut handler = Sum {
                total: 0,
                n_read: 0,
                cancel_after: 0,
            };
            Elements(&mut handler).deserialize(deserializer).map(drop)
        })
        .unwrap_err();
        assert!(matches!(error, DecodeError::Cancelled), "{error}");
    }

    #[test]
    fn keys_are_found_only_as_keys() {
        let head = br#"{"resourceSpans" : [{"name": "spans"}], "id":1"#;
        assert!(contains_key(head, "resourceSpans"));
        assert!(contains_key(head, "name"));
        assert!(contains_key(head, "id"));
        assert!(!contains_key(head, "spans"));
        assert!(!contains_key(head, "resource"));
    }

    #[test]
    fn null_reads_as_the_default() {
        #[derive(Deserialize)]
        struct Shape {
            #[serde(default, deserialize_with = "nullable")]
            name: String,
            #[serde(default, deserialize_with = "nullable")]
            tags: Vec<String>,
        }
        let shape: Shape = serde_json::from_str(r#"{"name":null,"tags":null}"#).unwrap();
        assert_eq!((shape.name.as_str(), shape.tags.len()), ("", 0));
    }
}
