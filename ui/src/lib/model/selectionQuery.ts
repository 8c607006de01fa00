// What sets a selection of traces apart (`compare_selection`,
// src/analysis/compare.rs), as the trace list asks for it and answers it in the
// search box. A box drawn with Shift on the scatter picks the dots inside it; the
// selection is the current query bounded to those traces' start times and
// durations (after:/before: to the nanosecond, duration>=/<= in ns), so the engine
// compares exactly what the box holds. A value of the ranking becomes a search
// term: `attr.KEY=VALUE`, `service:`, `name:`, `status:`; a bucket of numbers a
// range; a value the query language cannot say gives null.
import { facetTerm } from './facets';

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The ids of the dots inside `box` (corners in any order). */
export function dotsInBox(dots: readonly { traceId: string; x: number; y: number }[], box: Box): string[] {
  const [left, right] = [Math.min(box.x0, box.x1), Math.max(box.x0, box.x1)];
  const [top, bottom] = [Math.min(box.y0, box.y1), Math.max(box.y0, box.y1)];
  return dots.filter((dot) => dot.x >= left && dot.x <= right && dot.y >= top && dot.y <= bottom).map((dot) => dot.traceId);
}

/** A Unix time in ns (an integer) as RFC 3339 UTC with nine decimals. */
export function rfc3339Ns(ns: bigint): string {
  const ms = ns / 1_000_000n - (ns % 1_000_000n < 0n ? 1n : 0n);
  const within = ns - ms * 1_000_000n;
  const text = new Date(Number(ms)).toISOString(); // 2026-11-03T10:00:00.123Z
  return `${text.slice(0, -1)}${String(within).padStart(6, '0')}Z`;
}

/**
 * Start times reach the window as JavaScript numbers, exact to 2^-52 of their size
 * (256 ns for times of this century): the bounds are widened by that much so no
 * selected trace falls outside them.
 */
function slack(ns: number): bigint {
  return BigInt(Math.ceil(Math.abs(ns) * Number.EPSILON)) + 1n;
}

const BOUND_TERM = /^(after|before|duration)(:|[<>]=?|=)/;

/** The current `query` bounded to the `traces` picked; null when none is picked. */
export function selectionQuery(
  query: string,
  traces: readonly { start_ns: number; duration_ns: number }[],
): string | null {
  if (traces.length === 0) return null;
  const starts = traces.map((trace) => trace.start_ns);
  const durations = traces.map((trace) => trace.duration_ns);
  const [first, last] = [Math.min(...starts), Math.max(...starts)];
  const after = BigInt(Math.floor(first)) - slack(first);
  const before = BigInt(Math.floor(last)) + slack(last) + 1n;
  const kept = query.split(/\s+/).filter((term) => term !== '' && !BOUND_TERM.test(term));
  kept.push(
    `after:${rfc3339Ns(after)}`,
    `before:${rfc3339Ns(before)}`,
    `duration>=${Math.floor(Math.min(...durations))}ns`,
    `duration<=${Math.ceil(Math.max(...durations))}ns`,
  );
  return kept.join(' ');
}

const BUCKET = /^\[(-?[\d.eE+-]+), (-?[\d.eE+-]+)\)$/;
const PLAIN_KEY = /^[A-Za-z0-9_.\-/]+$/;

/** The search term that asks for `value` of `attribute` (as `compare_selection` names
 *  them); null when the query language cannot say it. */
export function selectionTerm(attribute: string, value: string): string | null {
  if (attribute === 'service' || attribute === 'resource.service.name') return facetTerm('service', value);
  if (attribute === 'name') return quoted('name', value);
  if (attribute === 'status') return value === 'error' ? 'status:error' : 'status!=error';
  if (!attribute.startsWith('attr.') || !PLAIN_KEY.test(attribute)) return null;
  const bucket = BUCKET.exec(value);
  if (bucket) return `${attribute}>=${bucket[1]} ${attribute}<${bucket[2]}`;
  return quoted(attribute, value, '=');
}

function quoted(field: string, value: string, op = ':'): string | null {
  if (value === '' || value.includes('"')) return null;
  return /\s/.test(value) ? `${field}${op}"${value}"` : `${field}${op}${value}`;
}
