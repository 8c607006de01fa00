import { describe, expect, it } from 'vitest';
import { fakeAnalysisApi } from '../api/fakeAnalysis';
import { fakeSearchApi, fakeTrace } from '../api/fakeSearch';
import { ComparisonStore } from './comparison.svelte';
import { TraceAnalysisStore } from './analysis.svelte';
import { SelectionCompareStore } from './selectionCompare.svelte';

describe('TraceAnalysisStore', () => {
  it('draws the path of slow traces until the switch says otherwise', () => {
    const store = new TraceAnalysisStore(async () => {}, fakeAnalysisApi());
    expect(store.showPath({ trace_id: 't1', slow: true })).toBe(true);
    expect(store.showPath({ trace_id: 't2', slow: false })).toBe(false);
    store.setPath('t1', false);
    store.setPath('t2', true);
    expect(store.showPath({ trace_id: 't1', slow: true })).toBe(false);
    expect(store.showPath({ trace_id: 't2', slow: false })).toBe(true);
  });

  it('applies and undoes an adjustment, reloading the trace each time', async () => {
    const api = fakeAnalysisApi();
    const reloaded: string[] = [];
    const store = new TraceAnalysisStore(async (traceId) => void reloaded.push(traceId), api);
    await store.setSkew('t1', true);
    expect(api.adjusted.get('t1')).toBe(true);
    await store.setSkew('t1', false);
    expect(api.adjusted.get('t1')).toBe(false);
    expect(reloaded).toEqual(['t1', 't1']);
    expect(store.busy).toBe(false);
  });

  it('keeps a failure as an error and does not reload', async () => {
    const reloaded: string[] = [];
    const store = new TraceAnalysisStore(async (traceId) => void reloaded.push(traceId), fakeAnalysisApi());
    await store.setSkew('missing', true);
    expect(store.error?.code).toBe('not_found');
    expect(reloaded).toEqual([]);
  });
});

describe('ComparisonStore', () => {
  const root = fakeTrace.spans[0]!;
  const child = fakeTrace.spans.find((span) => span.span_id === 'b')!;
  const nodes = [
    { path: [[root.service, root.name]] as [string, string][], a: { count: 1, total_ns: 100, self_ns: 30, errors: 0 }, b: { count: 1, total_ns: 90, self_ns: 30, errors: 0 } },
    {
      path: [[root.service, root.name], [child.service, child.name]] as [string, string][],
      a: { count: 0, total_ns: 0, self_ns: 0, errors: 0 },
      b: { count: 1, total_ns: 40, self_ns: 40, errors: 0 },
    },
  ];

  it('builds the merged tree and finds a node in either trace', async () => {
    const store = new ComparisonStore(fakeAnalysisApi(nodes), fakeSearchApi());
    await store.load('a'.repeat(32), 'b'.repeat(32));
    expect(store.rows.map((row) => [row.name, row.depth, row.side])).toEqual([
      [root.name, 0, 'both'],
      [child.name, 1, 'b'],
    ]);
    expect(store.spanIn('a', store.rows[0]!)).toBe('root');
    expect(store.spanIn('b', store.rows[1]!)).toBe('b');
    expect(store.loading).toBe(false);
  });
});

describe('SelectionCompareStore', () => {
  it('asks for the selection against the rest, and clears', async () => {
    const api = fakeAnalysisApi();
    const store = new SelectionCompareStore(api);
    await store.run('service:checkout duration>=1ns');
    expect(api.asked).toEqual(['service:checkout duration>=1ns']);
    expect(store.result?.attributes[0]?.attribute).toBe('attr.http.status_code');
    store.clear();
    expect(store.query).toBeNull();
    expect(store.result).toBeNull();
  });

  it('keeps a query error', async () => {
    const store = new SelectionCompareStore(fakeAnalysisApi());
    await store.run('"open');
    expect(store.error?.code).toBe('query');
  });
});
