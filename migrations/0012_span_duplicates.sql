-- Spans seen twice with different content (issue 17, `duplicate-span-id`): the store
-- keeps the first copy of a (trace id, span id) only, so a later copy from another
-- source whose name, times or parent differ is recorded here (what that copy said,
-- and the source of the stored one) before the insert meets the conflict. A copy
-- that only repeats the stored span, or comes from the same source, is no finding.
-- Rows go with either source (the trigger on `sources`).
CREATE TABLE span_duplicates (
    trace_id        BLOB    NOT NULL,
    span_id         BLOB    NOT NULL,
    source_id       INTEGER NOT NULL,  -- the source of the later, dropped copy
    first_source_id INTEGER NOT NULL,  -- the source of the stored copy
    name            TEXT    NOT NULL,
    start_ns        INTEGER NOT NULL,
    end_ns          INTEGER NOT NULL,
    parent_span_id  BLOB,
    PRIMARY KEY (trace_id, span_id, source_id)
) WITHOUT ROWID;

CREATE TRIGGER span_duplicates_record BEFORE INSERT ON spans
WHEN EXISTS (
    SELECT 1 FROM spans s
    WHERE s.trace_id = NEW.trace_id AND s.span_id = NEW.span_id
      AND s.source_id != NEW.source_id
      AND (s.name != NEW.name OR s.start_ns != NEW.start_ns OR s.end_ns != NEW.end_ns
           OR s.parent_span_id IS NOT NEW.parent_span_id)
)
BEGIN
    INSERT OR IGNORE INTO span_duplicates
        (trace_id, span_id, source_id, first_source_id, name, start_ns, end_ns, parent_span_id)
    SELECT NEW.trace_id, NEW.span_id, NEW.source_id, s.source_id, NEW.name, NEW.start_ns,
           NEW.end_ns, NEW.parent_span_id
    FROM spans s WHERE s.trace_id = NEW.trace_id AND s.span_id = NEW.span_id;
END;

CREATE TRIGGER span_duplicates_forget AFTER DELETE ON sources
BEGIN
    DELETE FROM span_duplicates WHERE source_id = OLD.id OR first_source_id = OLD.id;
END;
