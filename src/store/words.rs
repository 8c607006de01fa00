//! The words of log bodies kept in `log_words` for `/regex/` searches (see
//! `query::literals` and migration 0008): runs of characters between ASCII spaces
//! and punctuation that have an ASCII letter or digit, with ASCII letters
//! lowercased. A piece of ASCII letters and digits in a body lies inside one such
//! word, and the word, quoted, is a full-text phrase that finds the body again
//! (the tokenizer splits at every ASCII character that is not a letter or digit).

use std::borrow::Cow;
use std::collections::HashSet;

use rusqlite::Connection;

use super::StoreError;

/// Bytes of words remembered per load before the memory is cleared (words seen
/// again after that are offered to the table again, which keeps them once).
const REMEMBER_BYTES: usize = 32 << 20;

/// The words of one load not yet offered to `log_words`.
#[derive(Default)]
pub(super) struct NewWords {
    seen: HashSet<Box<str>>,
    bytes: usize,
}

impl NewWords {
    /// Adds the words of `body` that this load has not added yet.
    pub(super) fn add(&mut self, conn: &Connection, body: &str) -> Result<(), StoreError> {
        for word in words(body) {
            if self.seen.contains(word.as_ref()) {
                continue;
            }
            conn.prepare_cached("INSERT OR IGNORE INTO log_words (word) VALUES (?)")?
                .execute([word.as_ref()])?;
            if self.bytes > REMEMBER_BYTES {
                self.seen.clear();
                self.bytes = 0;
            }
            self.bytes += word.len() + 2 * size_of::<usize>();
            self.seen.insert(word.into_owned().into_boxed_str());
        }
        Ok(())
    }
}

/// The words of a body, as `log_words` keeps them.
pub fn words(body: &str) -> impl Iterator<Item = Cow<'_, str>> {
    body.split(|c: char| c.is_ascii() && !c.is_ascii_alphanumeric())
        .filter(|run| run.bytes().any(|b| b.is_ascii_alphanumeric()))
        .map(|run| {
            if run.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(run.to_ascii_lowercase())
            } else {
                Cow::Borrowed(run)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn runs_between_ascii_punctuation() {
        let found: Vec<_> =
            words("Deadlock detected on table order_items, tx=0x1F rolled-back").collect();
        assert_eq!(
            found,
            [
                "deadlock", "detected", "on", "table", "order", "items", "tx", "0x1f", "rolled",
                "back"
            ]
        );
        // Non-ASCII characters stay inside a word; runs without ASCII letters or
        // digits are not words.
        let found: Vec<_> = words("Jürgen — 東京 café→Zoë 🎁").collect();
        assert_eq!(found, ["jürgen", "café→zoë"]);
    }
}
