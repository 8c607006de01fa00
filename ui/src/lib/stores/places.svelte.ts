// Going to places (`model/links.ts`): a trace or span in a tab, a log line in the
// Logs view, a search in the trace list; recording them for Back/Forward, and the
// rail's views. The one place that keeps the tabs, the history, the layout and the
// selection in step: components call this, never two of them one after the other.
// A comparison tab (issue 15) shows no waterfall: showing it closes the trace
// selection; ComparisonView loads what it shows.
import { parseLink, type Place } from '../model/links';
import type { HistoryStore } from './history.svelte';
import type { LayoutStore, View } from './layout.svelte';
import type { LogScope } from './logs.svelte';
import type { TabStore, TraceTab } from './tabs.svelte';

/** The place a tab shows. */
function placeOf(tab: TraceTab): Place {
  return tab.compareWith === undefined
    ? { kind: 'trace', traceId: tab.traceId, spanId: tab.spanId }
    : { kind: 'compare', a: tab.traceId, b: tab.compareWith };
}

/** What this drives in the selection store (waterfall and scoped logs). */
export interface PlaceSelection {
  traceId: string | null;
  openTrace(traceId: string, spanId?: string | null): Promise<void>;
  selectSpan(spanId: string): Promise<void>;
  close(): Promise<void>;
}

export interface PlaceSearch {
  text: string;
  run(text: string): Promise<void>;
}

export interface PlaceLogs {
  scope: LogScope | null;
  setScope(scope: LogScope | null): Promise<void>;
  showContext(logId: number): Promise<void>;
}

export interface GoOptions {
  /** Open a trace in a new tab (middle-click, Ctrl/Cmd-click). */
  newTab?: boolean;
  /** Record the place in history (false when going back or forward). */
  record?: boolean;
}

export class PlaceStore {
  readonly tabs: TabStore;
  readonly history: HistoryStore;
  readonly layout: LayoutStore;
  readonly #selection: PlaceSelection;
  readonly #search: PlaceSearch;
  readonly #logs: PlaceLogs;

  constructor(
    stores: { tabs: TabStore; history: HistoryStore; layout: LayoutStore },
    selection: PlaceSelection,
    search: PlaceSearch,
    logs: PlaceLogs,
  ) {
    this.tabs = stores.tabs;
    this.history = stores.history;
    this.layout = stores.layout;
    this.#selection = selection;
    this.#search = search;
    this.#logs = logs;
  }

  /** The place shown: the trace tab's trace (at its span) or comparison, else the search. */
  get current(): Place {
    const tab = this.tabs.activeTab;
    if (this.layout.view === 'traces' && tab) return placeOf(tab);
    return { kind: 'search', query: this.#search.text };
  }

  /** A case was opened: its saved tabs and layout, a fresh history, the tab it had shown. */
  async useCase(casePath: string): Promise<void> {
    this.tabs.useCase(casePath);
    this.layout.useCase(casePath);
    this.layout.view = 'traces';
    this.history.clear();
    this.history.visit({ kind: 'search', query: this.#search.text });
    const tab = this.tabs.activeTab;
    if (tab) await this.#showTab(tab);
    else if (this.#selection.traceId) await this.#selection.close();
  }

  /** Goes to `place`. */
  async go(place: Place, { newTab = false, record = true }: GoOptions = {}): Promise<void> {
    if (record) this.history.visit(place);
    switch (place.kind) {
      case 'trace': {
        this.layout.view = 'traces';
        this.tabs.open(place.traceId, place.spanId, newTab);
        await this.#show(place.traceId, place.spanId);
        return;
      }
      case 'compare': {
        this.layout.view = 'traces';
        await this.#showTab(this.tabs.openCompare(place.a, place.b));
        return;
      }
      case 'log': {
        this.layout.view = 'logs';
        await Promise.all([this.#unscope(), this.#logs.showContext(place.logId)]);
        return;
      }
      case 'search': {
        if (this.layout.view === 'case' || this.layout.view === 'notebook') this.layout.view = 'traces';
        if (this.layout.view === 'traces' && this.tabs.active !== null) {
          this.tabs.activate(null);
          await this.#selection.close();
        }
        if (place.query !== this.#search.text || this.#logs.scope !== null) await this.#search.run(place.query);
        return;
      }
    }
  }

  /**
   * Opens the `weft://` link `text`; a sentence saying what is wrong with it, or
   * null when it was opened.
   */
  async openLink(text: string, options: GoOptions = {}): Promise<string | null> {
    const place = parseLink(text);
    if ('error' in place) return place.error;
    await this.go(place, options);
    return null;
  }

  /** Shows tab `key`, or the trace list (null). */
  async showTab(key: number | null): Promise<void> {
    this.layout.view = 'traces';
    const tab = this.tabs.activate(key);
    if (tab) {
      this.history.visit(placeOf(tab));
      await this.#showTab(tab);
    } else {
      this.history.visit({ kind: 'search', query: this.#search.text });
      await this.#selection.close();
    }
  }

  async closeTab(key: number): Promise<void> {
    const shown = this.tabs.active === key;
    const tab = this.tabs.close(key);
    if (!shown) return;
    if (tab) await this.#showTab(tab);
    else await this.#selection.close();
  }

  /** A span selected in the waterfall: its logs, its tab remembers it, history records it. */
  async selectSpan(spanId: string): Promise<void> {
    const traceId = this.#selection.traceId;
    if (!traceId) return;
    this.tabs.setSpan(spanId);
    this.history.visit({ kind: 'trace', traceId, spanId });
    await this.#selection.selectSpan(spanId);
  }

  /** A view of the rail: the Logs view shows every matching log; Traces the tab shown. */
  async showView(view: View): Promise<void> {
    if (this.layout.view === view) return;
    this.layout.view = view;
    if (view === 'logs') await this.#unscope();
    if (view === 'traces') {
      const tab = this.tabs.activeTab;
      if (tab) await this.#showTab(tab);
    }
  }

  async back(): Promise<void> {
    const place = this.history.back();
    if (place) await this.go(place, { record: false });
  }

  async forward(): Promise<void> {
    const place = this.history.forward();
    if (place) await this.go(place, { record: false });
  }

  /** What tab `tab` shows: its trace, or (a comparison) no trace selection. */
  async #showTab(tab: TraceTab): Promise<void> {
    if (tab.compareWith === undefined) await this.#show(tab.traceId, tab.spanId);
    else if (this.#selection.traceId) await this.#selection.close();
  }

  /** The trace in the waterfall and the logs scoped to it (the waterfall kept when it shows it). */
  async #show(traceId: string, spanId: string | null): Promise<void> {
    if (this.#selection.traceId === traceId) {
      if (spanId) await this.#selection.selectSpan(spanId);
      else await this.#logs.setScope({ traceId, spanId: null });
    } else {
      await this.#selection.openTrace(traceId, spanId);
    }
  }

  async #unscope(): Promise<void> {
    if (this.#logs.scope !== null) await this.#logs.setScope(null);
  }
}
