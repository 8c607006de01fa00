import { describe, expect, it } from 'vitest';
import { fakeApi } from '../api/fake';
import { WeftError } from '../api';
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

describe('TraceListStore and a query that does not parse', () => {
  /** The fake shell, refusing queries with an unterminated phrase as the engine does. */
  function parsingApi() {
    const api = fakeApi(5);
    const listTraces = api.listTraces;
    api.listTraces = async (args) => {
      const column = (args.query ?? '').indexOf('"');
      if (column >= 0 && (args.query ?? '').split('"').length % 2 === 0) {
        throw new WeftError('query', `column ${column + 1}: unterminated phrase`, column + 1);
      }
      return listTraces(args);
    };
    return api;
  }

  it('keeps the rows of the query before, marked stale, with the error', async () => {
    const store = new TraceListStore(parsingApi(), 2);
    await store.reload('checkout');
    const before = store.rows;
    await store.reload('checkout "open');
    expect(store.rows).toEqual(before);
    expect(store.stale).toBe(true);
    expect(store.error?.code).toBe('query');
    expect(store.error?.column).toBe(10);
    expect(store.query).toBe('checkout');
    expect(store.complete).toBe(false);
  });

  it('pages the kept rows by their own query, the error staying', async () => {
    const api = parsingApi();
    const store = new TraceListStore(api, 2);
    await store.reload('checkout');
    await store.reload('"open');
    await store.loadMore();
    expect(store.rows).toHaveLength(4);
    expect(api.pages.at(-1)).toEqual({ limit: 2, offset: 2, query: 'checkout', sort: 'start' });
    expect([store.stale, store.error?.code]).toEqual([true, 'query']);
  });

  it('keeps the last good rows through two bad queries and drops the mark with a good one', async () => {
    const store = new TraceListStore(parsingApi(), 2);
    await store.reload('');
    await store.reload('"a');
    await store.reload('"b');
    expect([store.rows.length, store.query, store.stale]).toEqual([2, '', true]);
    await store.reload('payments');
    expect([store.stale, store.error, store.query]).toEqual([false, null, 'payments']);
  });

  it('empties the list for an error that is not about the query', async () => {
    const api = fakeApi(5);
    const store = new TraceListStore(api, 2);
    await store.reload('');
    api.listTraces = async () => {
      throw new WeftError('database', 'disk I/O error');
    };
    await store.reload('x');
    expect([store.rows.length, store.stale, store.error?.code]).toEqual([0, false, 'database']);
  });
});
