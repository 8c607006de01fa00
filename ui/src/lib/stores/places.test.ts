import { describe, expect, it } from 'vitest';
import type { LogScope } from './logs.svelte';
import { HistoryStore } from './history.svelte';
import { LayoutStore } from './layout.svelte';
import { PlaceStore } from './places.svelte';
import { TabStore } from './tabs.svelte';
import { memoryStorage } from '../model/saved';

const T1 = '11111111111111111111111111111111';
const T2 = '22222222222222222222222222222222';

function setup(storage = memoryStorage()) {
  const calls: string[] = [];
  const selection = {
    traceId: null as string | null,
    async openTrace(traceId: string, spanId: string | null = null) {
      calls.push(`open ${traceId} ${spanId}`);
      this.traceId = traceId;
    },
    async selectSpan(spanId: string) {
      calls.push(`span ${spanId}`);
    },
    async close() {
      calls.push('close');
      this.traceId = null;
    },
  };
  const search = {
    text: '',
    async run(text: string) {
      calls.push(`search ${text}`);
      this.text = text;
    },
  };
  const logs = {
    scope: null as LogScope | null,
    async setScope(scope: LogScope | null) {
      calls.push(`scope ${scope ? `${scope.traceId} ${scope.spanId}` : 'none'}`);
      this.scope = scope;
    },
    async showContext(logId: number) {
      calls.push(`context ${logId}`);
    },
  };
  const places = new PlaceStore(
    { tabs: new TabStore(storage), history: new HistoryStore(), layout: new LayoutStore(storage) },
    selection,
    search,
    logs,
  );
  return { places, calls, selection, search, logs };
}

describe('PlaceStore', () => {
  it('opens traces in tabs, switches between them, and back and forward', async () => {
    const { places, calls } = setup();
    await places.useCase('/a.weft');
    await places.go({ kind: 'trace', traceId: T1, spanId: null });
    await places.go({ kind: 'trace', traceId: T2, spanId: 'aaaaaaaaaaaaaaaa' }, { newTab: true });
    expect(places.tabs.tabs.map((tab) => tab.traceId)).toEqual([T1, T2]);
    await places.showTab(places.tabs.tabs[0]!.key);
    expect(calls.at(-1)).toBe(`open ${T1} null`);
    expect(places.current).toEqual({ kind: 'trace', traceId: T1, spanId: null });
    await places.back();
    expect(places.current).toEqual({ kind: 'trace', traceId: T2, spanId: 'aaaaaaaaaaaaaaaa' });
    await places.back();
    await places.back();
    expect(places.current).toEqual({ kind: 'search', query: '' });
    expect(places.tabs.tabs).toHaveLength(2);
    await places.forward();
    expect(places.current.kind).toBe('trace');
  });

  it('opens links, and says what is wrong with a bad one', async () => {
    const { places, calls } = setup();
    await places.useCase('/a.weft');
    expect(await places.openLink(`weft://trace/${T1}/span/bbbbbbbbbbbbbbbb`)).toBeNull();
    expect(calls.at(-1)).toBe(`open ${T1} bbbbbbbbbbbbbbbb`);
    expect(await places.openLink('weft://log/7')).toBeNull();
    expect(places.layout.view).toBe('logs');
    expect(calls).toContain('context 7');
    expect(await places.openLink('weft://search?q=level%3E%3Dwarn')).toBeNull();
    expect(calls.at(-1)).toBe('search level>=warn');
    expect(await places.openLink('weft://trace/nope')).toMatch(/32 hex/);
  });

  it('a search from a trace tab shows the list; the Logs view drops the scope and Traces brings it back', async () => {
    const { places, calls, logs } = setup();
    await places.useCase('/a.weft');
    await places.go({ kind: 'trace', traceId: T1, spanId: null });
    logs.scope = { traceId: T1, spanId: null };
    await places.showView('logs');
    expect(logs.scope).toBeNull();
    await places.showView('traces');
    expect(calls.at(-1)).toBe(`scope ${T1} null`);
    await places.go({ kind: 'search', query: 'x' });
    expect(places.tabs.active).toBeNull();
    expect(calls.slice(-2)).toEqual(['close', 'search x']);
  });

  it('selecting a span records it and the tab keeps it; closing the shown tab shows its neighbour', async () => {
    const { places, calls } = setup();
    await places.useCase('/a.weft');
    await places.go({ kind: 'trace', traceId: T1, spanId: null });
    await places.selectSpan('cccccccccccccccc');
    expect(places.tabs.activeTab?.spanId).toBe('cccccccccccccccc');
    expect(places.history.current).toEqual({ kind: 'trace', traceId: T1, spanId: 'cccccccccccccccc' });
    await places.go({ kind: 'trace', traceId: T2, spanId: null }, { newTab: true });
    await places.closeTab(places.tabs.active!);
    expect(calls.at(-1)).toBe(`open ${T1} cccccccccccccccc`);
    await places.closeTab(places.tabs.active!);
    expect(calls.at(-1)).toBe('close');
  });

  it('reopening a case brings back its tabs and the one shown', async () => {
    const storage = memoryStorage();
    const first = setup(storage);
    await first.places.useCase('/a.weft');
    await first.places.go({ kind: 'trace', traceId: T1, spanId: null });
    await first.places.go({ kind: 'trace', traceId: T2, spanId: null }, { newTab: true });
    const again = setup(storage);
    await again.places.useCase('/a.weft');
    expect(again.places.tabs.tabs.map((tab) => tab.traceId)).toEqual([T1, T2]);
    expect(again.calls).toEqual([`open ${T2} null`]);
  });

  it('shows a comparison in its tab without a waterfall, and goes back and forth to it', async () => {
    const { places, calls } = setup();
    await places.useCase('/a.weft');
    await places.go({ kind: 'trace', traceId: T1, spanId: null });
    calls.length = 0;
    await places.go({ kind: 'compare', a: T1, b: T2 });
    expect(places.current).toEqual({ kind: 'compare', a: T1, b: T2 });
    expect(places.tabs.activeTab?.compareWith).toBe(T2);
    expect(calls).toEqual(['close']);
    await places.back();
    expect(places.current).toEqual({ kind: 'trace', traceId: T1, spanId: null });
    await places.forward();
    expect(places.current).toEqual({ kind: 'compare', a: T1, b: T2 });
    expect(places.tabs.tabs).toHaveLength(2);
    // Its tab shown from the strip records the comparison.
    await places.showTab(places.tabs.tabs[0]!.key);
    await places.showTab(places.tabs.tabs[1]!.key);
    expect(places.history.back()).toEqual({ kind: 'trace', traceId: T1, spanId: null });
  });
});
