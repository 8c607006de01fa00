import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../model/saved';
import { TAB_LIMIT, TabStore } from './tabs.svelte';

const ids = (tabs: TabStore) => tabs.tabs.map((tab) => tab.traceId);

describe('TabStore', () => {
  it('opens a trace in the tab shown, and in a new tab when asked', () => {
    const tabs = new TabStore(null);
    tabs.open('a', null);
    expect(ids(tabs)).toEqual(['a']);
    tabs.open('b', 's1');
    expect(ids(tabs)).toEqual(['b']);
    expect(tabs.activeTab).toMatchObject({ traceId: 'b', spanId: 's1' });
    tabs.open('c', null, true);
    expect(ids(tabs)).toEqual(['b', 'c']);
    expect(tabs.activeTab?.traceId).toBe('c');
  });

  it('from the trace list, shows the tab that has the trace already', () => {
    const tabs = new TabStore(null);
    const first = tabs.open('a', null);
    tabs.open('b', null, true);
    tabs.activate(null);
    expect(tabs.activeTab).toBeNull();
    expect(tabs.open('a', 'x').key).toBe(first.key);
    expect(ids(tabs)).toEqual(['a', 'b']);
    tabs.activate(null);
    tabs.open('c', null);
    expect(ids(tabs)).toEqual(['a', 'b', 'c']);
  });

  it('closes a tab and shows its neighbour, then the list', () => {
    const tabs = new TabStore(null);
    const a = tabs.open('a', null, true);
    const b = tabs.open('b', null, true);
    tabs.open('c', null, true);
    tabs.activate(b.key);
    expect(tabs.close(b.key)?.traceId).toBe('c');
    expect(tabs.close(a.key)?.traceId).toBe('c');
    expect(tabs.close(tabs.active!)).toBeNull();
    expect(tabs.tabs).toEqual([]);
  });

  it('keeps the selected span and at most TAB_LIMIT tabs', () => {
    const tabs = new TabStore(null);
    for (let n = 0; n < TAB_LIMIT + 3; n++) tabs.open(`t${n}`, null, true);
    expect(tabs.tabs).toHaveLength(TAB_LIMIT);
    expect(tabs.activeTab?.traceId).toBe(`t${TAB_LIMIT + 2}`);
    tabs.setSpan('s');
    expect(tabs.activeTab?.spanId).toBe('s');
  });

  it('remembers the tabs of each case', () => {
    const storage = memoryStorage();
    const tabs = new TabStore(storage);
    tabs.useCase('/one.weft');
    tabs.open('a', null, true);
    tabs.open('b', 's', true);
    tabs.activate(tabs.tabs[0]!.key);
    tabs.useCase('/two.weft');
    expect(tabs.tabs).toEqual([]);
    const again = new TabStore(storage);
    again.useCase('/one.weft');
    expect(again.tabs.map(({ traceId, spanId }) => ({ traceId, spanId }))).toEqual([
      { traceId: 'a', spanId: null },
      { traceId: 'b', spanId: 's' },
    ]);
    expect(again.activeTab?.traceId).toBe('a');
    storage.setItem('weft.tabs:/bad.weft', '{"tabs": [1]}');
    again.useCase('/bad.weft');
    expect(again.tabs).toEqual([]);
  });

  it('holds a comparison in a tab of its own, one tab per pair, kept with the case', () => {
    const storage = memoryStorage();
    const tabs = new TabStore(storage);
    tabs.useCase('/a.weft');
    tabs.open('a', null);
    const compare = tabs.openCompare('a', 'b');
    expect(tabs.tabs).toHaveLength(2);
    expect(tabs.activeTab).toMatchObject({ traceId: 'a', compareWith: 'b' });
    // A trace opened from the comparison goes to a tab of its own, not over it.
    tabs.open('c', 'span1');
    expect(tabs.tabs.map((tab) => [tab.traceId, tab.compareWith])).toEqual([
      ['a', undefined],
      ['a', 'b'],
      ['c', undefined],
    ]);
    // Opening trace a finds its trace tab, never the comparison.
    expect(tabs.open('a', null).key).not.toBe(compare.key);
    expect(tabs.openCompare('a', 'b').key).toBe(compare.key);
    const again = new TabStore(storage);
    again.useCase('/a.weft');
    expect(again.activeTab).toMatchObject({ traceId: 'a', compareWith: 'b' });
  });

  it('names the last two trace tabs to compare, the one shown as B', () => {
    const tabs = new TabStore(null);
    expect(tabs.lastTwoTraces()).toBeNull();
    tabs.open('a', null);
    tabs.open('a', 's', true);
    expect(tabs.lastTwoTraces()).toBeNull();
    tabs.open('b', null, true);
    tabs.open('c', null, true);
    expect(tabs.lastTwoTraces()).toEqual(['b', 'c']);
    tabs.activate(tabs.tabs[0]!.key);
    expect(tabs.lastTwoTraces()).toEqual(['c', 'a']);
    tabs.openCompare('c', 'a');
    expect(tabs.lastTwoTraces()).toEqual(['b', 'c']);
  });
});
