-- The dialect of a source whose format reads several (JSON logs: `clef`, `pino`,
-- `ecs`, … as `formats::Format::dialect` names them from the first record), shown
-- beside the format. NULL: the format has no dialects, or none was found (and
-- sources loaded before this column existed).
ALTER TABLE sources ADD COLUMN dialect TEXT;
