import { describe, expect, it } from 'vitest';
import {
  busiestWindow,
  fitRange,
  lastWindow,
  MIN_AXIS_NS,
  outside,
  padded,
  rangeBetween,
  timeAt,
  wheelFactor,
  wholeRange,
  xOf,
  zoomAround,
  type Bucket,
} from './timeFit';

const MINUTE = 60e9;
const YEAR = 365 * 24 * 3600e9;
/** 2026-11-03T10:00Z, the demo incident. */
const T0 = Date.UTC(2026, 10, 3, 10) * 1e6;

/** `count` records a minute for `minutes` minutes from `from`. */
function run(from: number, minutes: number, count = 10): Bucket[] {
  return Array.from({ length: minutes }, (_, index) => ({ at: from + index * MINUTE, n: count }));
}

describe('fitRange', () => {
  it('fits a dense cluster and counts far outliers on both sides', () => {
    const data = [
      { at: T0 - 14 * YEAR, n: 4 },
      { at: T0 - 9 * YEAR, n: 15 },
      ...run(T0, 5),
      { at: T0 - YEAR, n: 2 },
      { at: T0 + 2 * YEAR, n: 3 },
    ];
    expect(fitRange(data, MINUTE)).toEqual({ start: T0, end: T0 + 5 * MINUTE, before: 21, after: 3 });
  });

  it('gives a single point a range of no width, and no outliers', () => {
    expect(fitRange([{ at: T0, n: 1 }])).toEqual({ start: T0, end: T0, before: 0, after: 0 });
    expect(fitRange([{ at: T0, n: 1 }], MINUTE)).toEqual({ start: T0, end: T0 + MINUTE, before: 0, after: 0 });
  });

  it('keeps two equal clusters together, however far apart', () => {
    const data = [...run(T0, 3), ...run(T0 + 10 * YEAR, 3)];
    expect(fitRange(data, MINUTE)).toEqual({ start: T0, end: T0 + 10 * YEAR + 3 * MINUTE, before: 0, after: 0 });
  });

  it('takes all records at one time as that time', () => {
    const data = [
      { at: T0, n: 3 },
      { at: T0, n: 7 },
    ];
    expect(fitRange(data)).toEqual({ start: T0, end: T0, before: 0, after: 0 });
  });

  it('gives no range at all for no data (never one at 1970)', () => {
    expect(fitRange([])).toBeNull();
    expect(fitRange([{ at: T0, n: 0 }])).toBeNull();
  });

  it('does not split a steady stream with gaps of a few minutes', () => {
    const data = [...run(T0, 30), ...run(T0 + 33 * MINUTE, 30)];
    expect(fitRange(data, MINUTE)).toMatchObject({ start: T0, end: T0 + 63 * MINUTE });
  });

  it('reads unsorted input', () => {
    const data = [...run(T0, 5)].reverse().concat([{ at: T0 - YEAR, n: 1 }]);
    expect(fitRange(data, MINUTE)).toEqual({ start: T0, end: T0 + 5 * MINUTE, before: 1, after: 0 });
  });
});

describe('presets', () => {
  const data = [{ at: T0 - 5 * YEAR, n: 2 }, ...run(T0, 120, 1), ...run(T0 + 30 * MINUTE, 10, 50), { at: T0 + YEAR, n: 1 }];

  it('whole case: from the first record to the end of the last bucket', () => {
    expect(wholeRange(data, MINUTE)).toEqual({ start: T0 - 5 * YEAR, end: T0 + YEAR + MINUTE, before: 0, after: 0 });
    expect(wholeRange([])).toBeNull();
  });

  it("the busiest hour starts at the bucket that begins the hour with the most records", () => {
    const hour = busiestWindow(data, 60 * MINUTE)!;
    // The burst of minutes 30–39 (500 records) plus one a minute around it: any hour
    // holding the burst holds 560 records, and the earliest starts at minute 0 (the
    // bucket at minute 60 starts on the closed range's end, so it is inside).
    expect(hour).toEqual({ start: T0, end: T0 + 60 * MINUTE, before: 2, after: 59 + 1 });
    expect(busiestWindow([], 60 * MINUTE)).toBeNull();
  });

  it('the busiest hour of a single point is the hour from it', () => {
    expect(busiestWindow([{ at: T0, n: 1 }], 60 * MINUTE)).toEqual({ start: T0, end: T0 + 60 * MINUTE, before: 0, after: 0 });
  });

  it('the last N minutes end where the data ends', () => {
    expect(lastWindow(data, 15 * MINUTE, MINUTE)).toEqual({
      start: T0 + YEAR + MINUTE - 15 * MINUTE,
      end: T0 + YEAR + MINUTE,
      before: 2 + 120 + 500,
      after: 0,
    });
    expect(lastWindow([], 15 * MINUTE)).toBeNull();
  });

  it('counts what lies outside a range', () => {
    expect(outside(data, { start: T0, end: T0 + 120 * MINUTE })).toEqual({ before: 2, after: 1 });
  });
});

describe('axis and zoom maths', () => {
  it('widens an instant to a minute around it and adds a margin', () => {
    expect(padded({ start: T0, end: T0 }, 0)).toEqual({ start: T0 - MIN_AXIS_NS / 2, end: T0 + MIN_AXIS_NS / 2 });
    const wide = padded({ start: T0, end: T0 + 100 * MINUTE }, 0.05);
    expect([wide.start, wide.end]).toEqual([T0 - 5 * MINUTE, T0 + 105 * MINUTE]);
  });

  it('maps times to x and back', () => {
    const range = { start: T0, end: T0 + 100 * MINUTE };
    expect(xOf(T0 + 25 * MINUTE, range, 800)).toBe(200);
    expect(timeAt(200, range, 800)).toBe(T0 + 25 * MINUTE);
  });

  it('zooms around the pointer: the time under it stays under it', () => {
    const range = { start: T0, end: T0 + 100 * MINUTE };
    const at = timeAt(200, range, 800);
    const zoomed = zoomAround(range, at, 0.5);
    expect(zoomed.end - zoomed.start).toBe(50 * MINUTE);
    expect(xOf(at, zoomed, 800)).toBeCloseTo(200, 6);
    const out = zoomAround(range, at, 2);
    expect(out.end - out.start).toBe(200 * MINUTE);
  });

  it('does not zoom in past 10 ms', () => {
    let range = { start: T0, end: T0 + MINUTE };
    for (let turn = 0; turn < 100; turn++) range = zoomAround(range, T0 + 1e9, 0.5);
    // (ns times near 2026 are doubles good to 256 ns)
    expect(Math.abs(range.end - range.start - 10e6)).toBeLessThan(1e3);
  });

  it('turns the wheel away to zoom in and towards to zoom out', () => {
    expect(wheelFactor(-100)).toBeLessThan(1);
    expect(wheelFactor(100)).toBeGreaterThan(1);
    expect(wheelFactor(100) * wheelFactor(-100)).toBeCloseTo(1, 10);
    expect(wheelFactor(1e6)).toBe(wheelFactor(500));
  });

  it('takes a drag in either direction as the range between its ends, kept on the axis', () => {
    const range = { start: T0, end: T0 + 100 * MINUTE };
    expect(rangeBetween(600, 200, range, 800)).toEqual({ start: T0 + 25 * MINUTE, end: T0 + 75 * MINUTE });
    expect(rangeBetween(-50, 900, range, 800)).toEqual(range);
  });
});
