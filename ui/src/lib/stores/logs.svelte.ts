// The log view's rows: a bounded window onto the logs matching the search box's
// query, paged both ways with the engine's keyset cursors (exact strings): a page
// read after the last row drops pages from the top once the window is full, a
// page read before the first row drops them from the bottom. Pages are kept whole,
// so the window's two ends always have the engine's own cursors. Plus the query's
// facets (its volume histogram is the charts' time axis's: `timeline.svelte.ts`):
// first counted on its first `FACET_SAMPLE` matches (at once, even over millions of
// lines), then — when that stopped early — on every match, which replaces the
// estimate in place; the answers of an older search are dropped;
// or, while a span is selected, the logs of that span (or of its whole trace). A
// query the engine cannot parse leaves the rows, count and facets of the query
// before it in place (`stale`) with the error, until a query that parses runs. The
// query's window is kept while a scope is shown, and coming back to the same query
// ("All matching logs", Back) shows it again as it was: its rows, expanded rows and
// scroll position.
import {
  searchApi,
  toWeftError,
  type Anchor,
  type Cursor,
  type Facets,
  type LogCount,
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
/** How far the engine counts the matches of a query before the histogram's total comes. */
export const COUNT_BOUND = 100_000;
/** Matches the facets are first counted on (an estimate when there are more). */
export const FACET_SAMPLE = 10_000;

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
  counted: LogCount | null;
  facets: Facets | null;
  facetsEstimated: boolean;
  scrollTop: number;
}

export class LogListStore {
  rows = $state.raw<LogView[]>([]);
  /** Where the next page starts; null when the last row is the last match. */
  after = $state.raw<Cursor | null>(null);
  /** Where the page before starts; null when the first row is the first match. */
  before = $state.raw<Cursor | null>(null);
  loading = $state(false);
  /** The facets of the query are on their way. */
  summarizing = $state(false);
  facets = $state.raw<Facets | null>(null);
  /** This query's facets were shown as an estimate first (`facets.exact` false), so
   * the exact ones, when in, replaced an estimate (what a screen reader is told). */
  facetsEstimated = $state(false);
  /** The query's matches counted up to `COUNT_BOUND`; null until counted (and for a scope). */
  counted = $state.raw<LogCount | null>(null);
  error = $state.raw<WeftError | null>(null);
  /** The query of the rows held (after a query error: of the rows kept). */
  query = $state('');
  /** The rows are those of an earlier query: the one last run has a query error. */
  stale = $state(false);
  scope = $state.raw<LogScope | null>(null);
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
  readonly #facetSample: number;
  #pages: LogPage[] = [];
  #generation = 0;
  /** Bumped by each reload only (not by a jump, which keeps the query): the count
   * and facets of an older reload are dropped. */
  #reloads = 0;
  #unscoped: Unscoped | null = null;

  constructor(api: SearchApi = searchApi, pageSize = LOG_PAGE, windowPages = WINDOW_PAGES, facetSample = FACET_SAMPLE) {
    this.#api = api;
    this.#pageSize = pageSize;
    this.#windowPages = Math.max(2, windowPages);
    this.#facetSample = facetSample;
  }

  /** How many matches an estimate of the facets was counted on. */
  get facetSample(): number {
    return this.#facetSample;
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

  /** Starts over: the first page for `query` (or the scope's logs), its count and facets.
   * Leaving the query for a scope keeps its window; coming back to the same query
   * from a scope shows that window again instead of reading it anew. */
  async reload(query = this.query, scope = this.scope): Promise<void> {
    if (scope !== null && this.scope === null) {
      this.#unscoped = {
        query: this.query,
        pages: this.#pages,
        expanded: this.expanded,
        counted: this.counted,
        facets: this.facets,
        facetsEstimated: this.facetsEstimated,
        scrollTop: this.scrollTop,
      };
    } else if (scope === null) {
      const saved = this.#unscoped;
      this.#unscoped = null;
      if (saved !== null && this.scope !== null && saved.query === query) return this.#restore(saved);
    }
    const kept = {
      pages: this.#pages,
      query: this.query,
      scope: this.scope,
      facets: this.facets,
      facetsEstimated: this.facetsEstimated,
      counted: this.counted,
      expanded: this.expanded,
    };
    this.query = query;
    this.scope = scope;
    const generation = ++this.#generation;
    const reload = ++this.#reloads;
    this.#setPages([]);
    this.expanded = new Set();
    this.error = null;
    this.counted = null;
    this.loading = true;
    try {
      if (scope) {
        // No facets for a scope: those an earlier reload was summarizing
        // is no longer waited for (it would otherwise keep `summarizing` set).
        this.summarizing = false;
        const rows = await this.#api.logsOfSpan({ ...scope, limit: SCOPE_LIMIT });
        if (generation !== this.#generation) return;
        this.#setPages([{ rows, before: null, after: null }]);
      } else {
        // The page is asked for first (issue 19: on a 5M-line case the first rows come
        // before anything else) and shows as soon as it is in; the count and the
        // facets (which count every match: seconds over millions of lines) follow on
        // their own.
        const asked = this.#api.searchLogs({ query, anchor: { kind: 'first' }, limit: this.#pageSize });
        void this.#summarize(query, reload);
        void this.#count(query, reload);
        const page = await asked;
        if (generation !== this.#generation) return;
        this.#setPages([page]);
      }
      this.stale = false;
    } catch (raw) {
      if (generation !== this.#generation) return;
      this.error = toWeftError(raw);
      if (this.error.code === 'query') {
        // A query that does not parse keeps what the last one found, marked stale.
        this.#setPages(kept.pages);
        this.query = kept.query;
        this.scope = kept.scope;
        this.facets = kept.facets;
        this.facetsEstimated = kept.facetsEstimated;
        this.counted = kept.counted;
        this.expanded = kept.expanded;
        this.summarizing = false;
        this.stale = true;
      } else {
        this.facets = null;
        this.stale = false;
      }
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** The matches of `query` counted up to `COUNT_BOUND`, for reload number `reload`
   * (a failure is the page read's to report). */
  async #count(query: string, reload: number): Promise<void> {
    try {
      const counted = await this.#api.countLogs({ query, atMost: COUNT_BOUND });
      if (reload === this.#reloads) this.counted = counted;
    } catch {
      // The page read reports the same query's error; the count stays unknown.
    }
  }

  #restore(saved: Unscoped): void {
    ++this.#generation;
    ++this.#reloads;
    this.query = saved.query;
    this.scope = null;
    this.#setPages(saved.pages);
    this.expanded = saved.expanded;
    this.counted = saved.counted;
    this.facets = saved.facets;
    this.facetsEstimated = saved.facetsEstimated;
    this.error = null;
    this.stale = false;
    this.loading = false;
    this.summarizing = false;
    this.jumped = { to: saved.scrollTop, seq: (this.jumped?.seq ?? 0) + 1 };
    // Facets left as an estimate (the scope came before the exact ones): count them now.
    if (saved.facets !== null && !saved.facets.exact) void this.#summarize(saved.query, this.#reloads);
  }

  /** The case's records changed (a load, another case): the kept window is stale. */
  forgetUnscoped(): void {
    this.#unscoped = null;
  }

  /** The facets of `query`, for reload number `reload`: counted on its first
   * matches, then, if there were more, on all of them (only after the estimate is
   * in, so the two never race and the cheap one never waits behind the dear one). */
  async #summarize(query: string, reload: number): Promise<void> {
    const current = () => reload === this.#reloads;
    this.summarizing = true;
    try {
      const first = await this.#api.logFacetsUpto({ query, atMost: this.#facetSample });
      if (!current()) return;
      this.facets = first;
      this.facetsEstimated = !first.exact;
      if (first.exact) return;
      const facets = await this.#api.logFacets(query);
      if (current()) this.facets = facets;
    } catch (raw) {
      // A query error is the page read's to report (it keeps the earlier results).
      if (current() && toWeftError(raw).code !== 'query') {
        this.error = toWeftError(raw);
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
   * the query and its facets stay. The logs of a span are all in the
   * window already, so only the view scrolls. */
  async jumpTo(to: 'start' | 'end'): Promise<void> {
    const seq = (this.jumped?.seq ?? 0) + 1;
    if (this.scope) {
      this.jumped = { to, seq };
      return;
    }
    const generation = ++this.#generation;
    this.loading = true;
    if (!this.stale) this.error = null;
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
