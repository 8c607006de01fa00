// The log view's rows: a bounded window onto the logs matching the search box's
// query, paged both ways with the engine's keyset cursors (exact strings): a page
// read after the last row drops pages from the top once the window is full, a
// page read before the first row drops them from the bottom. Pages are kept whole,
// so the window's two ends always have the engine's own cursors. Plus the query's
// volume histogram and facets; or, while a span is selected, the logs of that span
// (or of its whole trace). The query's window is kept while a scope is shown, and
// coming back to the same query ("All matching logs", Back) shows it again as it was:
// its rows, expanded rows and scroll position.
import {
  searchApi,
  toWeftError,
  type Anchor,
  type Cursor,
  type Facets,
  type Histogram,
  type LogPage,
  type LogView,
  type SearchApi,
  type WeftError,
} from '../api';

export const LOG_PAGE = 200;
/** Pages kept at once: the window holds at most this many pages of rows. */
export const WINDOW_PAGES = 5;
/** The most logs of one span or trace shown at once. */
export const SCOPE_LIMIT = 5_000;
export const HISTOGRAM_BUCKETS = 120;

/** Logs of one span (`spanId`) or of a whole trace (`spanId` null). */
export interface LogScope {
  traceId: string;
  spanId: string | null;
}

/** A scroll request: to the first or last row, or to a pixel offset; `seq` tells one from the next. */
export interface ScrollRequest {
  to: 'start' | 'end' | number;
  seq: number;
}

/** The query's window as it was when a scope replaced it. */
interface Unscoped {
  query: string;
  pages: LogPage[];
  expanded: ReadonlySet<number>;
  histogram: Histogram | null;
  facets: Facets | null;
  scrollTop: number;
}

export class LogListStore {
  rows = $state.raw<LogView[]>([]);
  /** Where the next page starts; null when the last row is the last match. */
  after = $state.raw<Cursor | null>(null);
  /** Where the page before starts; null when the first row is the first match. */
  before = $state.raw<Cursor | null>(null);
  loading = $state(false);
  /** The histogram and facets of the query are on their way. */
  summarizing = $state(false);
  facets = $state.raw<Facets | null>(null);
  error = $state.raw<WeftError | null>(null);
  query = $state('');
  scope = $state.raw<LogScope | null>(null);
  histogram = $state.raw<Histogram | null>(null);
  /** The lines around one log line in its file (`showContext`). */
  context = $state.raw<{ logId: number; lines: LogView[] } | null>(null);
  /** Ids of the rows shown with their attributes. */
  expanded = $state.raw<ReadonlySet<number>>(new Set());
  /** The last jump to the first or last match (`jumpTo`), or back to where the
   * query's window was scrolled, for the view to scroll there once. */
  jumped = $state.raw<ScrollRequest | null>(null);
  /** How far the view's rows are scrolled (the view reports it). */
  scrollTop = 0;

  readonly #api: SearchApi;
  readonly #pageSize: number;
  readonly #windowPages: number;
  #pages: LogPage[] = [];
  #generation = 0;
  #unscoped: Unscoped | null = null;

  constructor(api: SearchApi = searchApi, pageSize = LOG_PAGE, windowPages = WINDOW_PAGES) {
    this.#api = api;
    this.#pageSize = pageSize;
    this.#windowPages = Math.max(2, windowPages);
  }

  /** The last match is in the window. */
  get complete(): boolean {
    return this.after === null;
  }

  /** The first match is in the window. */
  get atStart(): boolean {
    return this.before === null;
  }

  #setPages(pages: LogPage[]): void {
    this.#pages = pages;
    this.rows = pages.flatMap((page) => page.rows);
    this.before = pages[0]?.before ?? null;
    this.after = pages.at(-1)?.after ?? null;
  }

  /** Starts over: the first page for `query` (or the scope's logs) and the histogram.
   * Leaving the query for a scope keeps its window; coming back to the same query
   * from a scope shows that window again instead of reading it anew. */
  async reload(query = this.query, scope = this.scope): Promise<void> {
    if (scope !== null && this.scope === null) {
      this.#unscoped = {
        query: this.query,
        pages: this.#pages,
        expanded: this.expanded,
        histogram: this.histogram,
        facets: this.facets,
        scrollTop: this.scrollTop,
      };
    } else if (scope === null) {
      const saved = this.#unscoped;
      this.#unscoped = null;
      if (saved !== null && this.scope !== null && saved.query === query) return this.#restore(saved);
    }
    this.query = query;
    this.scope = scope;
    const generation = ++this.#generation;
    this.#setPages([]);
    this.expanded = new Set();
    this.error = null;
    this.loading = true;
    try {
      if (scope) {
        // No histogram or facets for a scope: one an earlier reload was summarizing
        // is no longer waited for (it would otherwise keep `summarizing` set).
        this.summarizing = false;
        const rows = await this.#api.logsOfSpan({ ...scope, limit: SCOPE_LIMIT });
        if (generation !== this.#generation) return;
        this.#setPages([{ rows, before: null, after: null }]);
      } else {
        // The rows show as soon as their page is in; the histogram and facets (which
        // count every match: seconds over millions of lines) follow on their own.
        void this.#summarize(query, generation);
        const page = await this.#api.searchLogs({ query, anchor: { kind: 'first' }, limit: this.#pageSize });
        if (generation !== this.#generation) return;
        this.#setPages([page]);
      }
    } catch (raw) {
      if (generation !== this.#generation) return;
      this.error = toWeftError(raw);
      this.histogram = null;
      this.facets = null;
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  #restore(saved: Unscoped): void {
    ++this.#generation;
    this.query = saved.query;
    this.scope = null;
    this.#setPages(saved.pages);
    this.expanded = saved.expanded;
    this.histogram = saved.histogram;
    this.facets = saved.facets;
    this.error = null;
    this.loading = false;
    this.summarizing = false;
    this.jumped = { to: saved.scrollTop, seq: (this.jumped?.seq ?? 0) + 1 };
  }

  /** The case's records changed (a load, another case): the kept window is stale. */
  forgetUnscoped(): void {
    this.#unscoped = null;
  }

  /** The histogram and facets of `query`, for reload `generation`. */
  async #summarize(query: string, generation: number): Promise<void> {
    const current = () => generation === this.#generation;
    this.summarizing = true;
    try {
      await Promise.all([
        this.#api.logHistogram({ query, buckets: HISTOGRAM_BUCKETS }).then((histogram) => {
          if (current()) this.histogram = histogram;
        }),
        this.#api.logFacets(query).then((facets) => {
          if (current()) this.facets = facets;
        }),
      ]);
    } catch (raw) {
      if (current()) {
        this.error = toWeftError(raw);
        this.histogram = null;
        this.facets = null;
      }
    } finally {
      if (current()) this.summarizing = false;
    }
  }

  /** Reads the page after the last row (dropping pages from the top when the window
   * is full); does nothing while a page is on its way or at the end. */
  async loadMore(): Promise<void> {
    if (this.after === null) return;
    await this.#page({ kind: 'after', ...this.after }, 'end');
  }

  /** Reads the page before the first row (dropping pages from the bottom when the
   * window is full); does nothing while a page is on its way or at the start. */
  async loadBefore(): Promise<void> {
    if (this.before === null) return;
    await this.#page({ kind: 'before', ...this.before }, 'start');
  }

  async #page(anchor: Anchor, side: 'start' | 'end'): Promise<void> {
    if (this.loading || this.scope) return;
    const generation = this.#generation;
    this.loading = true;
    try {
      const page = await this.#api.searchLogs({ query: this.query, anchor, limit: this.#pageSize });
      if (generation !== this.#generation) return;
      if (page.rows.length === 0) {
        // Nothing that way after all: that end of the window is the end of the matches.
        const pages = this.#pages.map((kept, index) => {
          if (side === 'end' && index === this.#pages.length - 1) return { ...kept, after: null };
          if (side === 'start' && index === 0) return { ...kept, before: null };
          return kept;
        });
        this.#setPages(pages);
        return;
      }
      const pages = side === 'end' ? [...this.#pages, page] : [page, ...this.#pages];
      const extra = Math.max(0, pages.length - this.#windowPages);
      this.#setPages(side === 'end' ? pages.slice(extra) : pages.slice(0, pages.length - extra));
    } catch (raw) {
      if (generation === this.#generation) this.error = toWeftError(raw);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Replaces the window with the first or the last page of matches (Home / End):
   * the query, its histogram and facets stay. The logs of a span are all in the
   * window already, so only the view scrolls. */
  async jumpTo(to: 'start' | 'end'): Promise<void> {
    const seq = (this.jumped?.seq ?? 0) + 1;
    if (this.scope) {
      this.jumped = { to, seq };
      return;
    }
    const generation = ++this.#generation;
    this.loading = true;
    this.error = null;
    try {
      const anchor: Anchor = to === 'end' ? { kind: 'last' } : { kind: 'first' };
      const page = await this.#api.searchLogs({ query: this.query, anchor, limit: this.#pageSize });
      if (generation !== this.#generation) return;
      this.#setPages([page]);
      this.jumped = { to, seq };
    } catch (raw) {
      if (generation === this.#generation) this.error = toWeftError(raw);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Shows the logs of a span or trace (null: the query's logs again). */
  async setScope(scope: LogScope | null): Promise<void> {
    await this.reload(this.query, scope);
  }

  /** Loads up to `around` lines before and after log `logId` in its file. */
  async showContext(logId: number, around = 5): Promise<void> {
    try {
      const lines = await this.#api.logContext({ logId, before: around, after: around });
      this.context = { logId, lines };
    } catch (raw) {
      this.error = toWeftError(raw);
    }
  }

  hideContext(): void {
    this.context = null;
  }

  toggleExpanded(logId: number): void {
    const next = new Set(this.expanded);
    if (!next.delete(logId)) next.add(logId);
    this.expanded = next;
  }
}
