import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TimeDensity } from '../api';
import { WeftError } from '../api';
import { fakeSearchApi } from '../api/fakeSearch';
import { padded } from '../model/timeFit';
import { withTimeRange } from '../model/timeRange';
import { HISTOGRAM_BUCKETS, TimelineStore, ZOOM_SETTLE_MS } from './timeline.svelte';

const MINUTE = 60e9;
const YEAR = 365 * 24 * 3600e9;
const T0 = Date.UTC(2026, 10, 3, 10) * 1e6;

/** The demo incident (10 minutes) plus records years before and after it. */
const MULTI_YEAR: TimeDensity = {
  bucket_ns: MINUTE,
  traces: [
    { start_ns: T0 - 10 * YEAR, n: 1 },
    ...Array.from({ length: 10 }, (_, index) => ({ start_ns: T0 + index * MINUTE, n: 4 })),
    { start_ns: T0 + YEAR, n: 2 },
  ],
  logs: [
    { start_ns: T0 - 14 * YEAR, n: 4 },
    ...Array.from({ length: 10 }, (_, index) => ({ start_ns: T0 + index * MINUTE, n: 30 })),
  ],
};

function setup(density: TimeDensity = MULTI_YEAR) {
  const api = fakeSearchApi();
  const densityQueries: string[] = [];
  const histograms: Parameters<typeof api.logHistogram>[0][] = [];
  api.timeDensity = async (query) => {
    densityQueries.push(query);
    return density;
  };
  const histogram = api.logHistogram;
  api.logHistogram = async (args) => {
    histograms.push(args);
    return histogram(args);
  };
  const went: string[] = [];
  const store = new TimelineStore((query) => went.push(query), api);
  return { store, api, densityQueries, histograms, went };
}

afterEach(() => vi.useRealTimers());

describe('TimelineStore', () => {
  it('fits the axis to the dense range and counts each chart’s outliers', async () => {
    const { store, histograms } = setup();
    await store.reload('level>=info');
    const axis = padded({ start: T0, end: T0 + 10 * MINUTE });
    expect(store.axis).toEqual(axis);
    expect(store.outliers('traces')).toEqual({ before: 1, after: 2 });
    expect(store.outliers('logs')).toEqual({ before: 4, after: 0 });
    expect(histograms).toEqual([
      { query: 'level>=info', buckets: HISTOGRAM_BUCKETS, startNs: Math.floor(axis.start), endNs: Math.ceil(axis.end) },
    ]);
    expect(store.loading).toBe(false);
  });

  it('takes a range picked in the query as the axis, and counts what the query leaves out', async () => {
    const { store, densityQueries, histograms } = setup();
    const query = withTimeRange('level>=info', T0 + 2 * MINUTE, T0 + 4 * MINUTE);
    await store.reload(query);
    expect(densityQueries).toEqual(['level>=info']);
    expect(store.axis).toEqual({ start: T0 + 2 * MINUTE, end: T0 + 4 * MINUTE });
    expect(store.outliers('logs')).toEqual({ before: 4 + 2 * 30, after: 5 * 30 });
    expect(histograms[0]).toMatchObject({ query: 'level>=info', startNs: T0 + 2 * MINUTE, endNs: T0 + 4 * MINUTE });
  });

  it('counts every matching log when no range is picked, and none when one is', async () => {
    const { store } = setup();
    await store.reload('level>=info');
    expect(store.logTotal).toBe(4 + 10 * 30);
    await store.reload(withTimeRange('level>=info', T0 + 2 * MINUTE, T0 + 4 * MINUTE));
    expect(store.logTotal).toBeNull();
  });

  it('counts no log total while a new query\'s density is on its way (the one shown is the query before\'s)', async () => {
    const { store, api } = setup();
    await store.reload('level>=info');
    expect(store.logTotal).toBe(4 + 10 * 30);
    let answer: (density: TimeDensity) => void = () => {};
    api.timeDensity = () => new Promise((resolve) => (answer = resolve));
    const next = store.reload('level>=error');
    expect(store.density).toBe(MULTI_YEAR);
    expect(store.logTotal).toBeNull();
    answer({ ...MULTI_YEAR, logs: [{ start_ns: T0, n: 7 }] });
    await next;
    expect(store.logTotal).toBe(7);
  });

  it('keeps the charts of the query before, marked stale, when a query does not parse', async () => {
    const { store, api } = setup();
    const density = api.timeDensity;
    api.timeDensity = async (query) => {
      if (query.split('"').length % 2 === 0) throw new WeftError('query', 'column 1: unterminated phrase', 1);
      return density(query);
    };
    await store.reload('level>=info');
    const [axis, histogram] = [store.axis, store.histogram];
    await store.reload('"conn');
    expect([store.stale, store.error?.code, store.query]).toEqual([true, 'query', 'level>=info']);
    expect([store.axis, store.histogram]).toEqual([axis, histogram]);
    await store.reload('level>=warn');
    expect([store.stale, store.error]).toEqual([false, null]);
  });

  it('has no axis and asks for no histogram when nothing matches', async () => {
    const { store, histograms } = setup({ bucket_ns: MINUTE, traces: [], logs: [] });
    await store.reload('"nothing like this"');
    expect(store.axis).toBeNull();
    expect(store.histogram).toBeNull();
    expect(histograms).toEqual([]);
    expect(store.outliers('logs')).toEqual({ before: 0, after: 0 });
  });

  it('widens to the whole case, and back to the densest range', async () => {
    const { store, histograms, went } = setup();
    await store.reload('');
    await store.widenTo('all');
    expect(store.axis).toEqual(padded({ start: T0 - 14 * YEAR, end: T0 + YEAR + MINUTE }));
    expect(store.outliers('traces')).toEqual({ before: 0, after: 0 });
    expect(histograms).toHaveLength(2);
    expect(histograms[1]!.startNs).toBe(Math.floor(store.axis!.start));
    await store.choose('fit');
    expect(store.axis).toEqual(padded({ start: T0, end: T0 + 10 * MINUTE }));
    expect(went).toEqual([]);
  });

  it('"show all" drops a picked range from the query', async () => {
    const { store, went } = setup();
    await store.reload(withTimeRange('service=payments', T0, T0 + MINUTE));
    await store.widenTo('all');
    expect(went).toEqual(['service=payments']);
  });

  it('presets pick the busiest hour or the last minutes of the data into the query', async () => {
    const { store, went } = setup();
    await store.reload('x');
    await store.choose('busiest-hour');
    await store.choose('last-15m');
    expect(went).toEqual([
      withTimeRange('x', T0, T0 + 60 * MINUTE),
      withTimeRange('x', T0 + YEAR + MINUTE - 15 * MINUTE, T0 + YEAR + MINUTE),
    ]);
  });

  it('shows a wheel zoom at once and runs it as a query when the wheel stops', async () => {
    vi.useFakeTimers();
    const { store, went } = setup();
    await store.reload('');
    store.zoom({ start: T0, end: T0 + 4 * MINUTE });
    store.zoom({ start: T0, end: T0 + 2 * MINUTE });
    expect(store.axis).toEqual({ start: T0, end: T0 + 2 * MINUTE });
    expect(went).toEqual([]);
    vi.advanceTimersByTime(ZOOM_SETTLE_MS);
    expect(went).toEqual([withTimeRange('', T0, T0 + 2 * MINUTE)]);
    await store.reload(went[0]!);
    expect(store.preview).toBeNull();
    expect(store.axis).toEqual(store.picked);
  });
});
