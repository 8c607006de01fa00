// What the Sources table says about a source beyond its columns: the query that
// lists its unparsed lines, the name of what it was read as (a JSON log's dialect,
// such as `clef`, rather than the format `json-log`), and for a Zipkin file why its
// span count differs from the trace list's. Pure text from the engine's numbers.
import { formatCount } from './format';
import type { SourceRow } from '../api/types';

/** `text` as a quoted value of the query language (src/query/lex.rs: `\"` and `\\`). */
export function quoteValue(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The query that lists the unparsed lines of the source at `path`. */
export function unparsedQuery(path: string): string {
  return `source:${quoteValue(path)} unparsed:true`;
}

/** What the source was read as: its dialect when the format has them, else the format. */
export function readAs(source: Pick<SourceRow, 'format' | 'dialect'>): string {
  return source.dialect ?? source.format ?? '—';
}

/**
 * Why a Zipkin source's span count (records read) differs from what the trace list
 * counts, in the case's own numbers; null when nothing needs saying.
 */
export function zipkinNote(source: Pick<SourceRow, 'spans' | 'zipkin'>): string | null {
  const zipkin = source.zipkin;
  if (!zipkin) return null;
  const repeated = source.spans - zipkin.stored;
  const parts: string[] = [];
  if (repeated > 0) {
    parts.push(
      `${formatCount(source.spans)} span records, ${formatCount(zipkin.stored)} spans in the trace list: ` +
        `${formatCount(repeated)} repeated a span already loaded (same trace and span id) and count once.`,
    );
  }
  if (zipkin.shared_apart > 0) {
    parts.push(
      `${formatCount(zipkin.shared_apart)} ${zipkin.shared_apart === 1 ? 'is a server half' : 'are server halves'} ` +
        'of shared spans (the same id as the client span that called it), kept apart as spans of their own.',
    );
  }
  return parts.length === 0 ? null : parts.join(' ');
}

/** The formats of what the OTLP receiver took in (`weft receive`, the Listen switch). */
export const RECEIVED_FORMATS: readonly string[] = ['otlp-http', 'otlp-grpc'];

/** Whether a source is a receiver session (`otlp-http://PEER`) rather than a file: no file to follow. */
export function isReceived(source: Pick<SourceRow, 'format'>): boolean {
  return source.format !== null && RECEIVED_FORMATS.includes(source.format);
}
