//! The words of log bodies kept in `log_words` for `/regex/` searches (see
//! `query::literals` and migration 0008): runs of characters between ASCII spaces
//! and punctuation that have an ASCII letter, with ASCII letters lowercased. A
//! piece of ASCII letters and digits with a letter in it lies inside one such
//! word, and the word, quoted, is a full-text phrase that finds the body again
//! (the tokenizer splits at every ASCII character that is not a letter or digit).
//! Runs of digits alone are left out: they are most of the distinct runs (ids,
//! counts, times) and a regex rarely needs them.

use std::borrow::Cow;
use std::collections::HashSet;

use rusqlite::Connection;

use super::StoreError;

/// Bytes of words remembered per load before the memory is cleared (words seen
/// again after that are offered to the table again, which keeps them once).
const REMEMBER_BYTES: usize = 32 << 20;

/// The words of one load: those seen (not offered again) and those waiting for
/// the next commit. A bulk load finds them on its decoder thread (`ingest`
/// hands them to `BulkWriter::add_words` with each batch); other writes let the
/// `BulkWriter` find them.
#[derive(Default)]
pub struct NewWords {
    seen: HashSet<Box<str>>,
    bytes: usize,
    pending: Vec<Box<str>>,
}

impl NewWords {
    /// Notes the words of `body` that this load has not met yet.
    pub fn add(&mut self, body: &str) {
        for word in words(body) {
            if self.seen.contains(word.as_ref()) {
                continue;
            }
            if self.bytes > REMEMBER_BYTES {
                self.seen.clear();
                self.bytes = 0;
            }
            let word: Box<str> = word.into_owned().into_boxed_str();
            self.bytes += 2 * word.len() + 4 * size_of::<usize>();
            self.seen.insert(word.clone());
            self.pending.push(word);
        }
    }

    /// The words noted since the last call.
    pub fn take(&mut self) -> Vec<Box<str>> {
        std::mem::take(&mut self.pending)
    }

    pub(super) fn extend(&mut self, words: Vec<Box<str>>) {
        self.pending.extend(words);
    }

    /// Adds the waiting words to `log_words` and their trigram index, in the open
    /// transaction. One statement for each: a statement that writes row by row
    /// into an FTS5 table through a trigger opens a savepoint, and every savepoint
    /// makes FTS5 flush the full-text index's pending rows to disk (measured: the
    /// 1M-line load took 22.9 s instead of 10.1 s that way).
    pub(super) fn flush(&mut self, conn: &Connection) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let before: i64 =
            conn.query_row("SELECT COALESCE(MAX(id), 0) FROM log_words", [], |row| {
                row.get(0)
            })?;
        let words = serde_json::to_string(&self.pending).expect("strings serialize");
        self.pending.clear();
        conn.prepare_cached(
            "INSERT OR IGNORE INTO log_words (word) SELECT value FROM json_each(?)",
        )?
        .execute([words])?;
        conn.prepare_cached(
            "INSERT INTO log_words_tri (rowid, word) SELECT id, word FROM log_words WHERE id > ?",
        )?
        .execute([before])?;
        Ok(())
    }
}

/// The words of a body, as `log_words` keeps them.
pub fn words(body: &str) -> impl Iterator<Item = Cow<'_, str>> {
    body.split(|c: char| c.is_ascii() && !c.is_ascii_alphanumeric())
        .filter(|run| run.bytes().any(|b| b.is_ascii_alphabetic()))
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
        // Non-ASCII characters stay inside a word; runs without an ASCII letter are
        // not words.
        let found: Vec<_> = words("Jürgen — 東京 café→Zoë 🎁").collect();
        assert_eq!(found, ["jürgen", "café→zoë"]);
    }
}
