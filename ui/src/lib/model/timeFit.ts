// The time axes of the trace scatter and the log histogram (issue 23, point 3): where
// they start and end. A case's files may span years while the incident is minutes
// long, so by default the axes fit the densest range of the data and count what lies
// outside it ("← 12 earlier", "3 later →"). Times are Unix ns; the data is a list of
// buckets (`at`, the start of a bucket `width` ns wide, holding `n` records), such
// as the engine's per-minute density (width 60 s) or exact points (width 0).
// Ranges are closed, [start, end], like the query's `after:` / `before:`: a bucket is
// inside when it starts in it.

export interface Bucket {
  at: number;
  n: number;
}

export interface TimeRange {
  start: number;
  end: number;
}

/** A range with the records of the data before and after it. */
export interface Fit extends TimeRange {
  before: number;
  after: number;
}

const SECOND = 1e9;
/** The share of the records whose narrowest window is the data's scale. */
const CORE_SHARE = 0.6;
/** A gap wider than this many of those windows splits the data into groups. */
const GAP_CORES = 4;
/** Nor is a gap of fewer than this many bucket widths (or 1 s) ever a split. */
const GAP_WIDTHS = 10;

function sorted(buckets: readonly Bucket[]): Bucket[] {
  return buckets.filter((bucket) => bucket.n > 0).sort((a, b) => a.at - b.at);
}

/** The width of the narrowest window (from a bucket's start to another's end) that
 *  holds `share` of the `total` records of sorted `buckets` (the "shortest half" of
 *  robust statistics, for a share above one half): outliers, however far, do not
 *  widen it, and two groups of equal weight both lie in it. */
function coreWidth(buckets: readonly Bucket[], total: number, share: number, width: number): number {
  let [best, n, last] = [Infinity, 0, 0];
  for (let first = 0; first < buckets.length; first++) {
    while (last < buckets.length && n < share * total) n += buckets[last++]!.n;
    if (n < share * total) break;
    best = Math.min(best, buckets[last - 1]!.at + width - buckets[first]!.at);
    n -= buckets[first]!.n;
  }
  return best;
}

function total(buckets: readonly Bucket[]): number {
  return buckets.reduce((sum, bucket) => sum + bucket.n, 0);
}

/** The records of `buckets` before `range` and at or after its end. */
export function outside(buckets: readonly Bucket[], range: TimeRange): { before: number; after: number } {
  let [before, after] = [0, 0];
  for (const bucket of buckets) {
    if (bucket.at < range.start) before += bucket.n;
    else if (bucket.at > range.end) after += bucket.n;
  }
  return { before, after };
}

/**
 * The densest range of the data: the data split into groups wherever a gap between
 * neighbouring buckets is far wider than the narrowest window holding 60 % of the
 * records (so two groups of similar weight stay together, and records years away
 * fall out), then the group holding the most records (the earliest of equals). Null
 * when there is no data: no range at all, never one at 1970.
 */
export function fitRange(data: readonly Bucket[], width = 0): Fit | null {
  const buckets = sorted(data);
  if (buckets.length === 0) return null;
  const count = total(buckets);
  const core = coreWidth(buckets, count, CORE_SHARE, width);
  const limit = Math.max(GAP_CORES * core, GAP_WIDTHS * width, SECOND);
  let best = { from: 0, to: 0, n: 0 };
  let from = 0;
  let n = 0;
  buckets.forEach((bucket, index) => {
    n += bucket.n;
    const next = buckets[index + 1];
    if (next === undefined || next.at - (bucket.at + width) > limit) {
      if (n > best.n) best = { from, to: index, n };
      from = index + 1;
      n = 0;
    }
  });
  const range = { start: buckets[best.from]!.at, end: buckets[best.to]!.at + width };
  return { ...range, ...outside(buckets, range) };
}

/** From the first record to the end of the last bucket (null: no data). */
export function wholeRange(data: readonly Bucket[], width = 0): Fit | null {
  const buckets = sorted(data);
  if (buckets.length === 0) return null;
  return { start: buckets[0]!.at, end: buckets.at(-1)!.at + width, before: 0, after: 0 };
}

/** The `span` ns long window, starting at a bucket, that holds the most records (the
 *  earliest of equals); null: no data. */
export function busiestWindow(data: readonly Bucket[], span: number): Fit | null {
  const buckets = sorted(data);
  if (buckets.length === 0) return null;
  let [best, bestN, n, last] = [0, -1, 0, 0];
  for (let first = 0; first < buckets.length; first++) {
    while (last < buckets.length && buckets[last]!.at < buckets[first]!.at + span) n += buckets[last++]!.n;
    if (n > bestN) [best, bestN] = [first, n];
    n -= buckets[first]!.n;
  }
  const range = { start: buckets[best]!.at, end: buckets[best]!.at + span };
  return { ...range, ...outside(buckets, range) };
}

/** The last `span` ns of the data, ending where its last bucket ends; null: no data. */
export function lastWindow(data: readonly Bucket[], span: number, width = 0): Fit | null {
  const buckets = sorted(data);
  if (buckets.length === 0) return null;
  const end = buckets.at(-1)!.at + width;
  const range = { start: end - span, end };
  return { ...range, ...outside(buckets, range) };
}

/** The narrowest axis drawn: a single instant shows as the minute around it. */
export const MIN_AXIS_NS = 60 * SECOND;

/** `range` made drawable: at least `MIN_AXIS_NS` wide (centred), plus `margin` of its
 *  width on each side so the first and last records are not on the border. */
export function padded(range: TimeRange, margin = 0.03): TimeRange {
  let { start, end } = range;
  if (end - start < MIN_AXIS_NS) {
    const middle = (start + end) / 2;
    [start, end] = [middle - MIN_AXIS_NS / 2, middle + MIN_AXIS_NS / 2];
  }
  const pad = (end - start) * margin;
  return { start: start - pad, end: end + pad };
}

/** The x position of time `at` on a `width` px axis over `range`. */
export function xOf(at: number, range: TimeRange, width: number): number {
  return ((at - range.start) / Math.max(1, range.end - range.start)) * width;
}

/** The time at x position `x` of a `width` px axis over `range`. */
export function timeAt(x: number, range: TimeRange, width: number): number {
  return range.start + (x / Math.max(1, width)) * (range.end - range.start);
}

/** The narrowest range a zoom reaches (the query's times are whole milliseconds). */
export const MIN_ZOOM_NS = 10e6;

/** `range` scaled by `factor` around the time `at` (< 1 zooms in): `at` stays where it is. */
export function zoomAround(range: TimeRange, at: number, factor: number): TimeRange {
  const scale = Math.max(factor, MIN_ZOOM_NS / Math.max(1, range.end - range.start));
  return { start: at - (at - range.start) * scale, end: at + (range.end - at) * scale };
}

/** The zoom factor of a wheel turn: `deltaY` < 0 (away from the user) zooms in,
 *  100 px of wheel about 1.2×. */
export function wheelFactor(deltaY: number): number {
  return Math.exp(Math.max(-500, Math.min(500, deltaY)) * 0.0018);
}

/** The time range between two x positions on a `width` px axis over `range`. */
export function rangeBetween(x0: number, x1: number, range: TimeRange, width: number): TimeRange {
  const [a, b] = [timeAt(Math.max(0, Math.min(width, x0)), range, width), timeAt(Math.max(0, Math.min(width, x1)), range, width)];
  return a <= b ? { start: a, end: b } : { start: b, end: a };
}
