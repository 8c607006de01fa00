// The traces open as tabs, and which tab is shown: `active` null is the trace list
// (the Search tab, always there). A plain click on a trace shows the tab that has it,
// else opens it in the tab shown (from the list: in a new one); middle-click or
// Ctrl/Cmd-click always opens a new tab. Tabs and the active one are remembered per case (`model/saved.ts`), so they
// come back when the case is opened again. Opening a trace's waterfall is the
// window's (through the selection store); this store only keeps the list. A
// comparison tab (`compareWith` set) holds two traces compared (issue 15): it is
// never reused for a single trace, and the same pair is shown in its one tab.
import { readSaved, savedKey, windowStorage, writeSaved, type SavedStorage } from '../model/saved';

export interface TraceTab {
  /** Stable while the tab is open (keys the {#each}). */
  key: number;
  traceId: string;
  /** The span selected in it, if any. */
  spanId: string | null;
  /** A comparison tab: trace B, compared with `traceId` (A). */
  compareWith?: string;
}

/** At most this many tabs: opening another closes the oldest that is not shown. */
export const TAB_LIMIT = 20;

interface Saved {
  tabs: { traceId: string; spanId: string | null; compareWith?: string }[];
  active: number | null;
}

function isSaved(value: unknown): value is Saved {
  if (typeof value !== 'object' || value === null) return false;
  const saved = value as Partial<Saved>;
  return (
    Array.isArray(saved.tabs) &&
    saved.tabs.every(
      (tab) =>
        typeof tab?.traceId === 'string' &&
        (tab.spanId === null || typeof tab.spanId === 'string') &&
        (tab.compareWith === undefined || typeof tab.compareWith === 'string'),
    ) &&
    (saved.active === null || typeof saved.active === 'number')
  );
}

export class TabStore {
  tabs = $state.raw<TraceTab[]>([]);
  /** The key of the tab shown; null: the trace list. */
  active = $state<number | null>(null);
  readonly #storage: SavedStorage | null;
  #casePath: string | null = null;
  #nextKey = 1;

  constructor(storage: SavedStorage | null = windowStorage()) {
    this.#storage = storage;
  }

  get activeTab(): TraceTab | null {
    return this.tabs.find((tab) => tab.key === this.active) ?? null;
  }

  /** Shows the tabs saved for the case at `casePath` (none when it has none). */
  useCase(casePath: string): void {
    this.#casePath = casePath;
    const saved = readSaved(this.#storage, savedKey('tabs', casePath), isSaved);
    this.tabs = (saved?.tabs ?? []).slice(0, TAB_LIMIT).map((tab) => ({ ...tab, key: this.#nextKey++ }));
    const index = saved?.active ?? null;
    this.active = index === null ? null : (this.tabs[index]?.key ?? null);
  }

  /**
   * Opens `traceId` (at `spanId`) and shows its tab: in a new tab when `newTab`, else
   * in the tab that has that trace already, else in the tab shown, else in a new tab.
   */
  open(traceId: string, spanId: string | null, newTab = false): TraceTab {
    const existing = newTab
      ? undefined
      : this.tabs.find((each) => each.traceId === traceId && each.compareWith === undefined);
    const shown = this.activeTab?.compareWith === undefined ? this.activeTab : null;
    const target = existing ?? (newTab ? null : shown);
    let tab: TraceTab;
    if (target) {
      tab = { key: target.key, traceId, spanId };
      this.tabs = this.tabs.map((each) => (each.key === target.key ? tab : each));
    } else {
      tab = { key: this.#nextKey++, traceId, spanId };
      let tabs = [...this.tabs, tab];
      if (tabs.length > TAB_LIMIT) tabs = tabs.filter((each) => each.key !== tabs[0]!.key);
      this.tabs = tabs;
    }
    this.active = tab.key;
    this.#save();
    return tab;
  }

  /** Shows the comparison of trace `a` with trace `b`: its tab, else a new one. */
  openCompare(a: string, b: string): TraceTab {
    let tab = this.tabs.find((each) => each.traceId === a && each.compareWith === b);
    if (!tab) {
      tab = { key: this.#nextKey++, traceId: a, spanId: null, compareWith: b };
      let tabs = [...this.tabs, tab];
      if (tabs.length > TAB_LIMIT) tabs = tabs.filter((each) => each.key !== tabs[0]!.key);
      this.tabs = tabs;
    }
    this.active = tab.key;
    this.#save();
    return tab;
  }

  /**
   * The traces of the two trace tabs opened last, the one shown (when it is one) as B;
   * null with fewer than two different traces open.
   */
  lastTwoTraces(): [string, string] | null {
    const traces = [...new Set(this.tabs.filter((tab) => tab.compareWith === undefined).map((tab) => tab.traceId))];
    const shown = this.activeTab?.compareWith === undefined ? this.activeTab?.traceId : undefined;
    const ordered = shown === undefined ? traces : [...traces.filter((id) => id !== shown), shown];
    if (ordered.length < 2) return null;
    return [ordered[ordered.length - 2]!, ordered[ordered.length - 1]!];
  }

  /** The span selected in the tab shown. */
  setSpan(spanId: string | null): void {
    const shown = this.activeTab;
    if (!shown || shown.spanId === spanId) return;
    this.tabs = this.tabs.map((each) => (each.key === shown.key ? { ...shown, spanId } : each));
    this.#save();
  }

  /** Shows tab `key` (null: the trace list); the tab, or null. */
  activate(key: number | null): TraceTab | null {
    this.active = this.tabs.some((tab) => tab.key === key) ? key : null;
    this.#save();
    return this.activeTab;
  }

  /** Closes tab `key`; when it was shown, its neighbour (or the list) is shown. The tab shown after. */
  close(key: number): TraceTab | null {
    const index = this.tabs.findIndex((tab) => tab.key === key);
    if (index < 0) return this.activeTab;
    const tabs = this.tabs.filter((tab) => tab.key !== key);
    if (this.active === key) this.active = (tabs[index] ?? tabs[index - 1])?.key ?? null;
    this.tabs = tabs;
    this.#save();
    return this.activeTab;
  }

  #save(): void {
    if (this.#casePath === null) return;
    const index = this.tabs.findIndex((tab) => tab.key === this.active);
    const saved: Saved = {
      tabs: this.tabs.map(({ traceId, spanId, compareWith }) =>
        compareWith === undefined ? { traceId, spanId } : { traceId, spanId, compareWith },
      ),
      active: index < 0 ? null : index,
    };
    writeSaved(this.#storage, savedKey('tabs', this.#casePath), saved);
  }
}
