import { describe, expect, it } from 'vitest';
import { fakeSearchApi } from '../api/fakeSearch';
import { LogListStore } from './logs.svelte';

describe('LogListStore', () => {
  it('pages forward with the cursor the engine gave, exactly, until the end', async () => {
    const api = fakeSearchApi(5);
    const store = new LogListStore(api, 2);
    await store.reload('level>=info');
    expect(store.rows.map((row) => row.id)).toEqual([1, 2]);
    await store.loadMore();
    await store.loadMore();
    await store.loadMore();
    expect(store.rows.map((row) => row.id)).toEqual([1, 2, 3, 4, 5]);
    expect(store.complete).toBe(true);
    expect(api.calls.searchLogs[1]).toEqual({
      query: 'level>=info',
      anchor: { kind: 'after', ts_ns: '1000000000000000002', id: 2 },
      limit: 2,
    });
    expect(api.calls.searchLogs).toHaveLength(3);
  });

  it('shows the logs of a span while one is selected, and the query again after', async () => {
    const api = fakeSearchApi(5);
    const store = new LogListStore(api, 3);
    await store.reload('x');
    await store.setScope({ traceId: 't', spanId: 's' });
    expect(store.rows).toHaveLength(2);
    expect(api.calls.logsOfSpan).toEqual([{ traceId: 't', spanId: 's', limit: 5000 }]);
    await store.loadMore(); // a scope is one list: no paging
    expect(api.calls.searchLogs).toHaveLength(1);
    await store.setScope(null);
    expect([store.rows.length, store.query]).toEqual([3, 'x']);
  });

  it('loads the context lines of one log line', async () => {
    const api = fakeSearchApi(3);
    const store = new LogListStore(api);
    await store.showContext(2, 1);
    expect(store.context?.logId).toBe(2);
    expect(api.calls.logContext).toEqual([{ logId: 2, before: 1, after: 1 }]);
    store.hideContext();
    expect(store.context).toBe(null);
  });

  it('expands and folds a row', () => {
    const store = new LogListStore(fakeSearchApi());
    store.toggleExpanded(7);
    expect(store.expanded.has(7)).toBe(true);
    store.toggleExpanded(7);
    expect(store.expanded.has(7)).toBe(false);
  });
});
