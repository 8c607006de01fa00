// A time range picked on the charts (a drag, a wheel zoom, a preset), written into
// the query as `after:` / `before:` terms (RFC 3339, millisecond precision, widened
// to whole milliseconds so no log of the picked buckets is left out). The query is
// the one place the picked range lives; `pickedRange` reads back the terms in the
// form written here (other spellings, such as `after:-15m`, are the engine's to
// read and stay ordinary terms of the query).

/** A Unix time in ns as RFC 3339 UTC with milliseconds, rounded down or up; a
 *  `bigint` (a time the shell sent as decimal text) is rounded exactly. */
export function rfc3339(ns: number | bigint, round: 'down' | 'up'): string {
  return new Date(wholeMs(ns, round)).toISOString();
}

/** `ns` in whole milliseconds, rounded down or up (exact for a `bigint`). */
function wholeMs(ns: number | bigint, round: 'down' | 'up'): number {
  if (typeof ns === 'number') return round === 'down' ? Math.floor(ns / 1e6) : Math.ceil(ns / 1e6);
  const quotient = ns / 1_000_000n;
  const rest = ns % 1_000_000n;
  const floor = rest < 0n ? quotient - 1n : quotient;
  return Number(round === 'up' && rest !== 0n ? floor + 1n : floor);
}

/** `query` with its `after:` / `before:` terms replaced by the range [startNs, endNs]. */
export function withTimeRange(query: string, startNs: number | bigint, endNs: number | bigint): string {
  const kept = query
    .split(/\s+/)
    .filter((term) => term !== '' && !/^-?(after|before):/.test(term));
  kept.push(`after:${rfc3339(startNs, 'down')}`, `before:${rfc3339(endNs, 'up')}`);
  return kept.join(' ');
}

const TIME_TERM = /^(after|before):(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)$/;

/** The range [start, end] (ns) of the query's `after:` and `before:` terms, when it
 *  has one of each in the form `withTimeRange` writes; else null. */
export function pickedRange(query: string): { start: number; end: number } | null {
  let start: number | null = null;
  let end: number | null = null;
  for (const term of query.split(/\s+/)) {
    const match = TIME_TERM.exec(term);
    if (!match) continue;
    const ns = Date.parse(match[2]!) * 1e6;
    if (match[1] === 'after') start = ns;
    else end = ns;
  }
  return start !== null && end !== null && start <= end ? { start, end } : null;
}

/** `query` without the time terms `pickedRange` reads (the whole case's time). */
export function withoutPickedRange(query: string): string {
  if (pickedRange(query) === null) return query.trim();
  return query
    .split(/\s+/)
    .filter((term) => term !== '' && !TIME_TERM.test(term))
    .join(' ');
}
