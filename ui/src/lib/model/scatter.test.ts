import { describe, expect, it } from 'vitest';
import { scatterPoints } from './scatter';

const trace = (id: string, start: number, duration: number, errors = 0) => ({
  trace_id: id,
  start_ns: start,
  duration_ns: duration,
  errors,
});

describe('scatterPoints', () => {
  it('puts start on x and log duration on y, longest at the top', () => {
    const points = scatterPoints(
      [trace('a', 0, 1e3), trace('b', 50, 1e6, 2), trace('c', 100, 1e9)],
      206,
      106,
      3,
    );
    expect(points.map((point) => [point.traceId, point.x, point.y, point.error])).toEqual([
      ['a', 3, 103, false],
      ['b', 103, 53, true],
      ['c', 203, 3, false],
    ]);
  });

  it('centres a single trace and has no points for none', () => {
    expect(scatterPoints([trace('a', 5, 0)], 100, 50, 0)).toEqual([
      { traceId: 'a', x: 50, y: 25, error: false },
    ]);
    expect(scatterPoints([], 100, 50)).toEqual([]);
  });

  it('places starts on a given time axis and leaves out the traces off it', () => {
    const traces = [trace('early', -1e12, 1e3), trace('a', 1000, 1e3), trace('b', 1500, 1e9), trace('late', 1e12, 1e6)];
    const points = scatterPoints(traces, 110, 50, 5, { start: 1000, end: 2000 });
    expect(points.map((point) => [point.traceId, point.x, point.y])).toEqual([
      ['a', 5, 45],
      ['b', 55, 5],
    ]);
  });
});
