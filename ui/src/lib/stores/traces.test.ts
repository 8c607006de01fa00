import { describe, expect, it } from 'vitest';
import { fakeApi } from '../api/fake';
import { TraceListStore } from './traces.svelte';

describe('TraceListStore', () => {
  it('pages until a short page and then stops asking', async () => {
    const api = fakeApi(5);
    const store = new TraceListStore(api, 2);
    await store.reload();
    expect(store.rows.length).toBe(2);
    await store.loadMore();
    await store.loadMore();
    await store.loadMore();
    expect(store.rows.map((row) => row.start_ns)).toEqual([0, 1e9, 2e9, 3e9, 4e9]);
    expect(store.complete).toBe(true);
    expect(api.pages).toEqual([
      { limit: 2, offset: 0, query: '', sort: 'start' },
      { limit: 2, offset: 2, query: '', sort: 'start' },
      { limit: 2, offset: 4, query: '', sort: 'start' },
    ]);
  });

  it('asks again from the start for a new query or order', async () => {
    const api = fakeApi(5);
    const store = new TraceListStore(api, 2);
    await store.reload();
    await store.reload('service:checkout', 'duration');
    expect(store.rows.length).toBe(2);
    expect(api.pages.at(-1)).toEqual({ limit: 2, offset: 0, query: 'service:checkout', sort: 'duration' });
  });

  it('drops the answer of a reload that a newer one replaced', async () => {
    const api = fakeApi(5);
    const store = new TraceListStore(api, 2);
    const first = store.reload('old');
    const second = store.reload('new');
    await Promise.all([first, second]);
    expect(store.rows.length).toBe(2);
    expect(store.query).toBe('new');
  });
});
