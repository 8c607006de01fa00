-- Whether a log's service is its source's fallback (the record named none: the
-- given name or the file name) or the record's own, so that naming a source's
-- service renames exactly the former. NULL: loaded before this column existed
-- (then a rename tells them apart by value, as it did before).
ALTER TABLE logs ADD COLUMN service_fallback INTEGER;
