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
      { limit: 2, offset: 0 },
      { limit: 2, offset: 2 },
      { limit: 2, offset: 4 },
    ]);
  });
});
