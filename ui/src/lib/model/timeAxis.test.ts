import { describe, expect, it } from 'vitest';
import { barExtent, niceStep, ticks } from './timeAxis';

describe('timeAxis', () => {
  it('rounds steps up to 1, 2 or 5 times a power of ten', () => {
    expect([0.7, 1, 1.5, 3, 7, 12, 4_000_000].map(niceStep)).toEqual([1, 1, 2, 5, 10, 20, 5_000_000]);
  });

  it('ticks a 1.234 s trace on a 900 px axis every 200 ms', () => {
    const got = ticks(1_234_000_000, 900);
    expect(got.map((tick) => tick.label)).toEqual([
      '0', '200ms', '400ms', '600ms', '800ms', '1.000s', '1.200s',
    ]);
    expect(got[1]!.fraction).toBeCloseTo(200 / 1234);
    expect(got.every((tick) => tick.fraction <= 1)).toBe(true);
  });

  it('has one tick for an empty trace and never steps below 1 ns', () => {
    expect(ticks(0, 900)).toHaveLength(1);
    expect(ticks(3, 900).map((tick) => tick.offsetNs)).toEqual([0, 1, 2, 3]);
  });

  it('ticks a zoomed window at whole steps, labelled from the trace start', () => {
    const got = ticks(300, 900, 300, 1050);
    expect(got.map((tick) => [tick.offsetNs, tick.label])).toEqual([
      [1100, '1.1µs'],
      [1200, '1.2µs'],
      [1300, '1.3µs'],
    ]);
    expect(got[0]!.fraction).toBeCloseTo(50 / 300);
  });

  it('clips bars to a zoomed window', () => {
    expect(barExtent(0, 2000, 1000, 0.002, 500)).toEqual({ left: 0, width: 1 });
    expect(barExtent(1000, 1250, 1000, 0.002, 500)).toEqual({ left: 0.5, width: 0.25 });
    expect(barExtent(0, 100, 1000, 0.002, 500).width).toBe(0.002);
  });

  it('places bars within the axis, never invisibly thin', () => {
    expect(barExtent(250, 750, 1000)).toEqual({ left: 0.25, width: 0.5 });
    expect(barExtent(500, 500, 1000).width).toBe(0.002);
    expect(barExtent(900, 2000, 1000)).toEqual({ left: 0.9, width: 0.09999999999999998 });
  });
});
