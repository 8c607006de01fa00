import { describe, expect, it } from 'vitest';
import { WeftError } from '../api';
import { fakeSearchApi } from '../api/fakeSearch';
import type { Facets } from '../api';
import { COUNT_BOUND, FACET_SAMPLE, LogListStore, WINDOW_PAGES } from './logs.svelte';

/** A promise and the function that settles it, for answers that come when a test says. */
function later<T>(): { promise: Promise<T>; settle: (value: T) => void } {
  let settle: (value: T) => void = () => {};
  const promise = new Promise<T>((resolve) => (settle = resolve));
  return { promise, settle };
}

/** Lets every answer already settled reach the store. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Facets of one service, `count` lines, exact or not. */
function facetsOf(service: string, count: number, exact: boolean): Facets {
  return {
    services: [{ value: service, count }],
    levels: [{ value: 'info', count }],
    sources: [{ value: `/logs/${service}.log`, count }],
    exact,
  };
}

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

  it('shows the rows before the facets are counted', async () => {
    const api = fakeSearchApi(5);
    const slow = later<void>();
    const { logFacetsUpto } = api;
    api.logFacetsUpto = async (args) => (await slow.promise, logFacetsUpto(args));
    const store = new LogListStore(api, 2);
    await store.reload('');
    expect(store.rows.map((row) => row.id)).toEqual([1, 2]);
    expect([store.loading, store.summarizing, store.facets]).toEqual([false, true, null]);
    slow.settle();
    await settled();
    expect(store.summarizing).toBe(false);
    expect(store.facets?.exact).toBe(true);
  });

  it('is not left summarizing when a scope replaces a query still being counted', async () => {
    const api = fakeSearchApi(5);
    const never = new Promise<never>(() => {});
    api.logFacets = async () => never;
    const store = new LogListStore(api, 2, WINDOW_PAGES, 2);
    await store.reload('');
    expect(store.summarizing).toBe(true);
    await store.setScope({ traceId: 'a'.repeat(32), spanId: null });
    expect([store.loading, store.summarizing]).toEqual([false, false]);
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

  it('comes back from a scope to the same query as it was: rows, expanded rows, scroll', async () => {
    const api = fakeSearchApi(9);
    const store = new LogListStore(api, 3);
    await store.reload('x');
    await store.loadMore();
    store.toggleExpanded(4);
    store.scrollTop = 96;
    const rows = store.rows.map((row) => row.id);
    await store.setScope({ traceId: 't', spanId: 's' });
    store.scrollTop = 0; // the scoped list scrolled
    await store.setScope(null);
    expect(store.rows.map((row) => row.id)).toEqual(rows);
    expect([...store.expanded]).toEqual([4]);
    expect(store.jumped?.to).toBe(96);
    expect([store.scope, store.query, store.loading]).toEqual([null, 'x', false]);
    expect(api.calls.searchLogs).toHaveLength(2); // not read again
    await store.loadMore(); // and the window pages on from where it was
    expect(store.rows.map((row) => row.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reads the logs anew for another query, or after the case changed', async () => {
    const api = fakeSearchApi(9);
    const store = new LogListStore(api, 3);
    await store.reload('x');
    store.toggleExpanded(2);
    await store.setScope({ traceId: 't', spanId: null });
    await store.reload('y', null);
    expect([store.query, store.expanded.size]).toEqual(['y', 0]);
    expect(api.calls.searchLogs).toHaveLength(2);
    await store.setScope({ traceId: 't', spanId: null });
    store.forgetUnscoped();
    await store.setScope(null);
    expect(api.calls.searchLogs).toHaveLength(3);
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

describe('LogListStore window', () => {
  const ids = (store: LogListStore) => store.rows.map((row) => row.id);

  it('keeps at most its pages, dropping from the top going down and from the bottom going up', async () => {
    const api = fakeSearchApi(20);
    const store = new LogListStore(api, 3, 2);
    await store.reload('');
    await store.loadMore();
    expect(ids(store)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(store.atStart).toBe(true);
    await store.loadMore();
    expect(ids(store)).toEqual([4, 5, 6, 7, 8, 9]);
    expect([store.atStart, store.complete]).toEqual([false, false]);
    expect(store.before).toEqual({ ts_ns: '1000000000000000004', id: 4 });
    await store.loadBefore();
    expect(ids(store)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(store.atStart).toBe(true);
    expect(api.calls.searchLogs.at(-1)).toEqual({
      query: '',
      anchor: { kind: 'before', ts_ns: '1000000000000000004', id: 4 },
      limit: 3,
    });
    await store.loadBefore(); // at the start: nothing to read
    expect(api.calls.searchLogs).toHaveLength(4);
  });

  it('walks to the end and back with a bounded number of rows', async () => {
    const api = fakeSearchApi(50);
    const store = new LogListStore(api, 4, 3);
    await store.reload('');
    let most = 0;
    while (!store.complete) {
      await store.loadMore();
      most = Math.max(most, store.rows.length);
    }
    expect(ids(store).at(-1)).toBe(50);
    while (!store.atStart) {
      await store.loadBefore();
      most = Math.max(most, store.rows.length);
    }
    expect(ids(store)[0]).toBe(1);
    expect(most).toBeLessThanOrEqual(12);
    // Every window is a run of consecutive logs.
    expect(ids(store)).toEqual(Array.from({ length: store.rows.length }, (_, index) => index + 1));
  });

  it('jumps to the last matches and back to the first, keeping the query and its summary', async () => {
    const api = fakeSearchApi(50);
    const store = new LogListStore(api, 4, 3);
    await store.reload('level>=info');
    const facets = store.facets;
    await store.jumpTo('end');
    expect(ids(store)).toEqual([47, 48, 49, 50]);
    expect(store.complete).toBe(true);
    expect(store.atStart).toBe(false);
    expect(store.jumped).toEqual({ to: 'end', seq: 1 });
    expect(api.calls.searchLogs.at(-1)).toEqual({ query: 'level>=info', anchor: { kind: 'last' }, limit: 4 });
    expect(store.facets).toBe(facets);
    // Scrolling up from the end reads the pages before it.
    await store.loadBefore();
    expect(ids(store)[0]).toBe(43);
    await store.jumpTo('start');
    expect(ids(store)).toEqual([1, 2, 3, 4]);
    expect(store.atStart).toBe(true);
    expect(store.jumped).toEqual({ to: 'start', seq: 2 });
  });

  it('only scrolls when jumping within the logs of a span', async () => {
    const api = fakeSearchApi(5);
    const store = new LogListStore(api);
    await store.setScope({ traceId: 'ab'.repeat(16), spanId: null });
    const calls = api.calls.searchLogs.length;
    await store.jumpTo('end');
    expect(api.calls.searchLogs).toHaveLength(calls);
    expect(store.jumped).toEqual({ to: 'end', seq: 1 });
    expect(store.rows).toHaveLength(2);
  });

  it('loads the query’s facets with its first page', async () => {
    const store = new LogListStore(fakeSearchApi(3));
    await store.reload('level>=info');
    expect(store.facets?.services).toEqual([{ value: 'checkout', count: 3 }]);
  });
});

describe('LogListStore, the first rows first (issue 19)', () => {
  it('asks for the page before the count and the facets, and shows it before they answer', async () => {
    const api = fakeSearchApi(5);
    const asked: string[] = [];
    const { searchLogs } = api;
    const facets = later<Facets>();
    const counted = later<{ count: number; exact: boolean }>();
    api.searchLogs = async (args) => (asked.push('page'), searchLogs(args));
    api.logFacetsUpto = async () => (asked.push('facets'), facets.promise);
    api.countLogs = async () => (asked.push('count'), counted.promise);
    const store = new LogListStore(api, 2);
    await store.reload('');
    expect(asked).toEqual(['page', 'facets', 'count']);
    expect(store.rows.map((row) => row.id)).toEqual([1, 2]);
    expect([store.loading, store.summarizing, store.counted]).toEqual([false, true, null]);
    facets.settle(facetsOf('checkout', 5, true));
    counted.settle({ count: 5, exact: true });
    await settled();
    expect([store.summarizing, store.counted?.count]).toEqual([false, 5]);
  });
});

describe('LogListStore facets, estimated then exact', () => {
  it('asks for the first matches’ facets, and for no more when those were all of them', async () => {
    const api = fakeSearchApi(5);
    const asked: unknown[] = [];
    const { logFacetsUpto, logFacets } = api;
    api.logFacetsUpto = async (args) => (asked.push(['upto', args]), logFacetsUpto(args));
    api.logFacets = async (query) => (asked.push(['all', query]), logFacets(query));
    const store = new LogListStore(api, 2);
    await store.reload('level>=info');
    await settled();
    expect(asked).toEqual([['upto', { query: 'level>=info', atMost: FACET_SAMPLE }]]);
    expect([store.facets?.exact, store.facetsEstimated, store.summarizing]).toEqual([true, false, false]);
  });

  it('shows the estimate with the rows, then the exact facets in its place', async () => {
    const api = fakeSearchApi(5);
    const exact = later<Facets>();
    api.logFacets = async () => exact.promise;
    const store = new LogListStore(api, 2, WINDOW_PAGES, 3);
    await store.reload('timeout');
    await settled();
    expect(store.rows).toHaveLength(2);
    expect([store.facets?.exact, store.facets?.services[0]?.count]).toEqual([false, 4]);
    expect([store.facetsEstimated, store.summarizing]).toEqual([true, true]);
    exact.settle(facetsOf('checkout', 5, true));
    await settled();
    expect(store.facets).toEqual(facetsOf('checkout', 5, true));
    expect([store.facetsEstimated, store.summarizing]).toEqual([true, false]);
  });

  it('drops an older search’s estimate that comes after a newer one’s, and never counts it whole', async () => {
    const api = fakeSearchApi(5);
    const answers = new Map([
      ['service:a', later<Facets>()],
      ['service:b', later<Facets>()],
    ]);
    const wholes: string[] = [];
    api.logFacetsUpto = async ({ query }) => answers.get(query)!.promise;
    api.logFacets = async (query) => (wholes.push(query), facetsOf('b', 50, true));
    const store = new LogListStore(api, 2);
    await store.reload('service:a');
    await store.reload('service:b');
    answers.get('service:b')!.settle(facetsOf('b', 20, false));
    await settled();
    answers.get('service:a')!.settle(facetsOf('a', 10, false));
    await settled();
    expect(store.facets).toEqual(facetsOf('b', 50, true));
    expect(wholes).toEqual(['service:b']);
    expect(store.summarizing).toBe(false);
  });

  it('drops an older search’s exact facets that come after a newer search began', async () => {
    const api = fakeSearchApi(5);
    const olderWhole = later<Facets>();
    const newerFirst = later<Facets>();
    api.logFacetsUpto = async ({ query }) => (query === 'old' ? facetsOf('a', 3, false) : newerFirst.promise);
    api.logFacets = async () => olderWhole.promise;
    const store = new LogListStore(api, 2, WINDOW_PAGES, 3);
    await store.reload('old');
    await settled();
    expect(store.facets).toEqual(facetsOf('a', 3, false));
    await store.reload('new');
    // The older query's estimate stays in sight (no empty flash) while the newer one counts.
    expect([store.facets, store.summarizing]).toEqual([facetsOf('a', 3, false), true]);
    olderWhole.settle(facetsOf('a', 9, true));
    await settled();
    expect([store.facets, store.summarizing]).toEqual([facetsOf('a', 3, false), true]);
    newerFirst.settle(facetsOf('b', 2, true));
    await settled();
    expect([store.facets, store.facetsEstimated, store.summarizing]).toEqual([facetsOf('b', 2, true), false, false]);
  });

  it('counts facets left as an estimate when a scope came back to their query', async () => {
    const api = fakeSearchApi(5);
    const firstWhole = later<Facets>();
    let wholes = 0;
    api.logFacets = async () => (++wholes === 1 ? firstWhole.promise : facetsOf('checkout', 5, true));
    const store = new LogListStore(api, 2, WINDOW_PAGES, 3);
    await store.reload('timeout');
    await settled();
    await store.setScope({ traceId: 'ab'.repeat(16), spanId: null });
    firstWhole.settle(facetsOf('stale', 1, true));
    await store.setScope(null);
    await settled();
    expect(store.facets).toEqual(facetsOf('checkout', 5, true));
    expect(wholes).toBe(2);
  });
});

describe('LogListStore counts', () => {
  it('counts the matches of a query up to the bound, and none for a scope', async () => {
    const api = fakeSearchApi(5);
    const asked: unknown[] = [];
    const countLogs = api.countLogs;
    api.countLogs = async (args) => (asked.push(args), countLogs(args));
    const store = new LogListStore(api, 2);
    await store.reload('level>=info');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.counted).toEqual({ count: 5, exact: true });
    expect(asked).toEqual([{ query: 'level>=info', atMost: COUNT_BOUND }]);
    await store.setScope({ traceId: 'ab'.repeat(16), spanId: null });
    expect(store.counted).toBeNull();
  });

  it('a jump while the query is counted keeps the count and facets coming', async () => {
    const api = fakeSearchApi(5);
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => (release = resolve));
    const { logFacets, countLogs } = api;
    api.logFacets = async (query) => (await slow, logFacets(query));
    api.countLogs = async (args) => (await slow, countLogs(args));
    const store = new LogListStore(api, 2);
    await store.reload('');
    await store.jumpTo('end');
    release();
    await slow;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([store.summarizing, store.facets !== null, store.counted]).toEqual([false, true, { count: 5, exact: true }]);
  });
});

describe('LogListStore and a query that does not parse', () => {
  /** The fake shell, refusing a query with an unterminated phrase in every read, as the engine does. */
  function parsingApi(nLogs: number) {
    const api = fakeSearchApi(nLogs);
    const refuse = (query: string) => {
      const column = query.indexOf('"');
      if (column >= 0 && query.split('"').length % 2 === 0) {
        throw new WeftError('query', `column ${column + 1}: unterminated phrase`, column + 1);
      }
    };
    const { searchLogs, logHistogram, logFacets } = api;
    api.searchLogs = async (args) => (refuse(args.query), searchLogs(args));
    api.logHistogram = async (args) => (refuse(args.query), logHistogram(args));
    api.logFacets = async (query) => (refuse(query), logFacets(query));
    return api;
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('keeps the rows, count and facets of the query before, marked stale, with the error', async () => {
    const store = new LogListStore(parsingApi(5), 2);
    await store.reload('level>=info');
    await settle();
    const [rows, facets, counted] = [store.rows, store.facets, store.counted];
    expect(facets).not.toBeNull();
    expect(counted).toEqual({ count: 5, exact: true });
    await store.reload('reset "conn');
    await settle();
    expect(store.rows).toEqual(rows);
    expect([store.facets, store.counted]).toEqual([facets, counted]);
    expect([store.stale, store.error?.code, store.error?.column, store.query]).toEqual([true, 'query', 7, 'level>=info']);
    expect([store.loading, store.summarizing]).toEqual([false, false]);
  });

  it('pages the kept rows with their own query and cursors, the error staying', async () => {
    const api = parsingApi(5);
    const store = new LogListStore(api, 2);
    await store.reload('level>=info');
    await store.reload('"x');
    await store.loadMore();
    expect(store.rows.map((row) => row.id)).toEqual([1, 2, 3, 4]);
    expect(api.calls.searchLogs.at(-1)).toMatchObject({ query: 'level>=info', anchor: { kind: 'after', id: 2 } });
    await store.jumpTo('end');
    expect([store.stale, store.error?.code]).toEqual([true, 'query']);
  });

  it('drops the mark once a query that parses runs', async () => {
    const store = new LogListStore(parsingApi(5), 2);
    await store.reload('');
    await store.reload('"x');
    await store.reload('"y');
    expect([store.query, store.stale]).toEqual(['', true]);
    await store.reload('checkout');
    expect([store.query, store.stale, store.error]).toEqual(['checkout', false, null]);
  });
});
