-- Follow mode (src/ingest/follow.rs): how far a followed file has been loaded,
-- so a restart of `weft ingest --follow` goes on where the last one stopped.
-- Written in the same transaction as the rows of each append.
ALTER TABLE sources ADD COLUMN follow_offset INTEGER;    -- bytes of the file loaded (complete lines only); NULL: not followed
ALTER TABLE sources ADD COLUMN follow_lines INTEGER;     -- lines loaded: the next record's line is this + 1
ALTER TABLE sources ADD COLUMN follow_head_len INTEGER;  -- bytes covered by follow_head_hash (at most 1024)
ALTER TABLE sources ADD COLUMN follow_head_hash TEXT;    -- blake3 (hex) of the file's first follow_head_len bytes
ALTER TABLE sources ADD COLUMN follow_inode INTEGER;     -- the file's inode when it was followed (0 where there is none)
ALTER TABLE sources ADD COLUMN follow_last_ns INTEGER;   -- time of the last timed record, for records without one
