-- Ids the decoders rewrote (issue 17, `ids-rewritten`): per source and form (upper-case,
-- base64, decimal, padded, truncated, 0x, uuid, derived — `id_forms::IdForm::name`), how
-- many records (spans and logs) had an id in that form, and the first such record as an
-- example. Counted by the bulk writer as the rows go in and added in the transaction
-- that finishes the source's rows (`writer::finish_source`), so a load that did not
-- finish leaves none. Sources loaded before this table have no rows here.
CREATE TABLE source_id_forms (
    source_id     INTEGER NOT NULL,
    form          TEXT    NOT NULL,
    spans         INTEGER NOT NULL,
    logs          INTEGER NOT NULL,
    example_trace BLOB,              -- the first record's trace id
    example_span  BLOB,              -- … its span id, for a span
    example_log   INTEGER,           -- … or its log id, for a log
    PRIMARY KEY (source_id, form)
) WITHOUT ROWID;

CREATE TRIGGER source_id_forms_forget AFTER DELETE ON sources
BEGIN
    DELETE FROM source_id_forms WHERE source_id = OLD.id;
END;
