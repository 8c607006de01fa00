-- `span_duplicates` (migration 0012) is now filled by the bulk writer when a span
-- insert meets a stored (trace id, span id) (`store/bulk.rs`, `span_conflict`): the
-- `BEFORE INSERT` trigger looked up every span being inserted, ~10 % of span ingest,
-- while duplicates are rare. The table and the trigger that forgets its rows with a
-- source stay.
DROP TRIGGER IF EXISTS span_duplicates_record;
