-- Bulk loads (src/store/bulk.rs): indexes dropped while a first load fills an
-- empty table, kept here until they are built again (also by the next writer
-- to open the case, if the load died), and how far a loading source's log
-- bodies have reached the full-text index.
CREATE TABLE deferred_indexes (
    name TEXT PRIMARY KEY,
    sql  TEXT NOT NULL
);

ALTER TABLE sources ADD COLUMN fts_upto INTEGER; -- highest log id of this source in logs_fts
