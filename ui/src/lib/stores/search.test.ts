import { describe, expect, it } from 'vitest';
import { WeftError } from '../api';
import { fakeApi } from '../api/fake';
import { fakeSearchApi } from '../api/fakeSearch';
import { LogListStore } from './logs.svelte';
import { SearchStore } from './search.svelte';
import { TraceListStore } from './traces.svelte';

/** The fake shells, refusing a query with an unterminated phrase as the engine does. */
function stores() {
  const refuse = (query: string | null | undefined) => {
    const text = query ?? '';
    if (text.split('"').length % 2 === 0) {
      throw new WeftError('query', 'unterminated phrase', text.indexOf('"') + 1);
    }
  };
  const caseApi = fakeApi(5);
  const { listTraces } = caseApi;
  caseApi.listTraces = async (args) => (refuse(args.query), listTraces(args));
  const searchApi = fakeSearchApi(5);
  const { searchLogs, logHistogram, logFacets } = searchApi;
  searchApi.searchLogs = async (args) => (refuse(args.query), searchLogs(args));
  searchApi.logHistogram = async (args) => (refuse(args.query), logHistogram(args));
  searchApi.logFacets = async (query) => (refuse(query), logFacets(query));
  const traces = new TraceListStore(caseApi, 2);
  const logs = new LogListStore(searchApi, 2);
  return { traces, logs, searchApi, search: new SearchStore(traces, logs, null, searchApi) };
}

describe('SearchStore', () => {
  it('a query that does not parse: its error, the text as typed, both results kept and stale', async () => {
    const { search, traces, logs } = stores();
    await search.run('checkout');
    await search.run('checkout "open');
    expect([search.text, search.error?.code, search.error?.column, search.stale]).toEqual([
      'checkout "open',
      'query',
      10,
      true,
    ]);
    expect([traces.query, logs.query, traces.rows.length, logs.rows.length]).toEqual(['checkout', 'checkout', 2, 2]);
    await search.run('checkout "open"');
    expect([search.error, search.stale]).toEqual([null, false]);
  });

  it('reads the vocabulary, and keeps the one it has when a read fails', async () => {
    const { search, searchApi } = stores();
    expect(search.vocabulary).toBeNull();
    await search.loadVocabulary();
    expect(search.vocabulary?.services).toEqual(['checkout']);
    searchApi.queryVocabulary = async () => {
      throw new WeftError('case_unavailable', 'no case');
    };
    await search.loadVocabulary();
    expect(search.vocabulary?.services).toEqual(['checkout']);
  });

  it('closes the context of a log line when a search runs (a new case runs one too)', async () => {
    const logs = new LogListStore(fakeSearchApi(5), 3);
    const search = new SearchStore(new TraceListStore(fakeApi(2)), logs);
    await search.run('');
    await logs.showContext(2, 1);
    expect(logs.context?.logId).toBe(2);
    await search.run('level>=warn');
    expect([logs.context, logs.query]).toEqual([null, 'level>=warn']);
  });
});
