import { describe, expect, it } from 'vitest';
import { fakeApi } from '../api/fake';
import { fakeSearchApi } from '../api/fakeSearch';
import { LogListStore } from './logs.svelte';
import { SearchStore } from './search.svelte';
import { TraceListStore } from './traces.svelte';

describe('SearchStore', () => {
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
