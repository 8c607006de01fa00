import { describe, expect, it } from 'vitest';
import type { Place } from '../model/links';
import { HISTORY_LIMIT, HistoryStore } from './history.svelte';

const search = (query: string): Place => ({ kind: 'search', query });
const trace = (traceId: string, spanId: string | null = null): Place => ({ kind: 'trace', traceId, spanId });

describe('HistoryStore', () => {
  it('goes back and forward through the places visited', () => {
    const history = new HistoryStore();
    expect(history.back()).toBeNull();
    history.visit(search(''));
    history.visit(trace('a'));
    history.visit(trace('a', 's1'));
    expect(history.canForward).toBe(false);
    expect(history.back()).toEqual(trace('a'));
    expect(history.back()).toEqual(search(''));
    expect(history.back()).toBeNull();
    expect(history.forward()).toEqual(trace('a'));
    expect(history.canBack && history.canForward).toBe(true);
  });

  it('drops the places ahead when going somewhere new, and does not repeat the current place', () => {
    const history = new HistoryStore();
    history.visit(trace('a'));
    history.visit(trace('b'));
    history.back();
    history.visit(trace('a'));
    expect(history.entries).toHaveLength(2);
    history.visit(search('x'));
    expect(history.entries).toEqual([trace('a'), search('x')]);
    expect(history.canForward).toBe(false);
  });

  it('keeps a bounded number of places', () => {
    const history = new HistoryStore();
    for (let n = 0; n < HISTORY_LIMIT + 10; n++) history.visit(search(String(n)));
    expect(history.entries).toHaveLength(HISTORY_LIMIT);
    expect(history.current).toEqual(search(String(HISTORY_LIMIT + 9)));
    history.clear();
    expect(history.current).toBeNull();
  });
});
