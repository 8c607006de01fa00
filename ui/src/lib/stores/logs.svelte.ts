// The log view's rows: the logs matching the search box's query, paged forward
// with the engine's keyset cursors (exact strings), plus the query's volume
// histogram; or, while a span is selected, the logs of that span (or of its
// whole trace). Rows only grow by appending pages; the view windows them.
import {
  searchApi,
  toWeftError,
  type Cursor,
  type Histogram,
  type LogView,
  type SearchApi,
  type WeftError,
} from '../api';

export const LOG_PAGE = 200;
/** The most logs of one span or trace shown at once. */
export const SCOPE_LIMIT = 5_000;
export const HISTOGRAM_BUCKETS = 120;

/** Logs of one span (`spanId`) or of a whole trace (`spanId` null). */
export interface LogScope {
  traceId: string;
  spanId: string | null;
}

export class LogListStore {
  rows = $state.raw<LogView[]>([]);
  /** Where the next page starts; null when the last row is the last match. */
  after = $state.raw<Cursor | null>(null);
  loading = $state(false);
  error = $state.raw<WeftError | null>(null);
  query = $state('');
  scope = $state.raw<LogScope | null>(null);
  histogram = $state.raw<Histogram | null>(null);
  /** The lines around one log line in its file (`showContext`). */
  context = $state.raw<{ logId: number; lines: LogView[] } | null>(null);
  /** Ids of the rows shown with their attributes. */
  expanded = $state.raw<ReadonlySet<number>>(new Set());

  readonly #api: SearchApi;
  readonly #pageSize: number;
  #generation = 0;

  constructor(api: SearchApi = searchApi, pageSize = LOG_PAGE) {
    this.#api = api;
    this.#pageSize = pageSize;
  }

  get complete(): boolean {
    return this.after === null;
  }

  /** Starts over: the first page for `query` (or the scope's logs) and the histogram. */
  async reload(query = this.query, scope = this.scope): Promise<void> {
    this.query = query;
    this.scope = scope;
    const generation = ++this.#generation;
    this.rows = [];
    this.after = null;
    this.expanded = new Set();
    this.error = null;
    this.loading = true;
    try {
      if (scope) {
        const rows = await this.#api.logsOfSpan({ ...scope, limit: SCOPE_LIMIT });
        if (generation !== this.#generation) return;
        this.rows = rows;
      } else {
        const [page, histogram] = await Promise.all([
          this.#api.searchLogs({ query, anchor: { kind: 'first' }, limit: this.#pageSize }),
          this.#api.logHistogram({ query, buckets: HISTOGRAM_BUCKETS }),
        ]);
        if (generation !== this.#generation) return;
        this.rows = page.rows;
        this.after = page.after;
        this.histogram = histogram;
      }
    } catch (raw) {
      if (generation !== this.#generation) return;
      this.error = toWeftError(raw);
      this.histogram = null;
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Appends the page after the last row; does nothing while one is on its way or at the end. */
  async loadMore(): Promise<void> {
    if (this.loading || this.after === null || this.scope) return;
    const generation = this.#generation;
    this.loading = true;
    try {
      const anchor = { kind: 'after' as const, ...this.after };
      const page = await this.#api.searchLogs({ query: this.query, anchor, limit: this.#pageSize });
      if (generation !== this.#generation) return;
      this.rows = [...this.rows, ...page.rows];
      this.after = page.after;
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
