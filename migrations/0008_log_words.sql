-- The words of log bodies, for `/regex/` searches (src/query/literals.rs): a regex
-- whose matches must contain a piece of ASCII letters and digits (one a letter)
-- runs only on the lines that have a word containing that piece. A word is a run
-- of characters between ASCII spaces and punctuation with an ASCII letter in it,
-- ASCII letters lowercased; the bulk writer adds each load's new words, and
-- indexes them, at each commit (no trigger: see src/store/words.rs).
-- `log_words_tri` finds the words containing a piece (trigrams, no positions: the
-- piece is checked on the word itself).
CREATE TABLE log_words (
    id INTEGER PRIMARY KEY,
    word TEXT NOT NULL UNIQUE
);

CREATE VIRTUAL TABLE log_words_tri USING fts5 (
    word,
    content = 'log_words',
    content_rowid = 'id',
    tokenize = 'trigram',
    detail = none,
    columnsize = 0
);

-- Logs loaded before: the terms of the full-text index serve as their words (a
-- piece of ASCII letters and digits lies inside one term, and a term finds itself).
CREATE VIRTUAL TABLE temp.weft_log_terms USING fts5vocab (main, logs_fts, row);
INSERT INTO log_words (word)
    SELECT term FROM temp.weft_log_terms WHERE term GLOB '*[a-z]*';
DROP TABLE temp.weft_log_terms;
INSERT INTO log_words_tri (log_words_tri) VALUES ('rebuild');
