// A time range picked on the log histogram, written into the query as
// `after:` / `before:` terms (RFC 3339, millisecond precision, widened to whole
// milliseconds so no log of the picked buckets is left out).

/** A Unix time in ns as RFC 3339 UTC with milliseconds, rounded down or up. */
export function rfc3339(ns: number, round: 'down' | 'up'): string {
  const ms = round === 'down' ? Math.floor(ns / 1e6) : Math.ceil(ns / 1e6);
  return new Date(ms).toISOString();
}

/** `query` with its `after:` / `before:` terms replaced by the range [startNs, endNs]. */
export function withTimeRange(query: string, startNs: number, endNs: number): string {
  const kept = query
    .split(/\s+/)
    .filter((term) => term !== '' && !/^-?(after|before):/.test(term));
  kept.push(`after:${rfc3339(startNs, 'down')}`, `before:${rfc3339(endNs, 'up')}`);
  return kept.join(' ');
}

/** The buckets [first, last] between two x positions on a `width` wide histogram. */
export function bucketsBetween(
  x0: number,
  x1: number,
  width: number,
  buckets: number,
): [number, number] {
  const at = (x: number) =>
    Math.min(buckets - 1, Math.max(0, Math.floor((x / Math.max(1, width)) * buckets)));
  const [a, b] = [at(x0), at(x1)];
  return a <= b ? [a, b] : [b, a];
}
