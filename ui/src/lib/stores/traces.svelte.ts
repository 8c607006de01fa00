// The trace list matching the search box's query, fetched a page at a time in
// the chosen order (start, duration, errors). `loadMore` appends
// the next page; the list is complete once a page comes back short. A query the
// engine cannot parse leaves the rows of the query before it in place (`stale`)
// with the error, until a query that parses runs.
import { caseApi, toWeftError, type CaseApi, type TraceSort, type TraceSummary, type WeftError } from '../api';

export const TRACE_PAGE = 500;

export class TraceListStore {
  rows = $state.raw<TraceSummary[]>([]);
  complete = $state(false);
  loading = $state(false);
  error = $state.raw<WeftError | null>(null);
  /** The query of the rows held (after a query error: of the rows kept). */
  query = $state('');
  sort = $state<TraceSort>('start');
  /** The rows are those of an earlier query: the one last run has a query error. */
  stale = $state(false);

  readonly #api: CaseApi;
  readonly #pageSize: number;
  /** Bumped by each reload: answers to an older one are dropped. */
  #generation = 0;

  constructor(api: CaseApi = caseApi, pageSize = TRACE_PAGE) {
    this.#api = api;
    this.#pageSize = pageSize;
  }

  /** Drops what was loaded and fetches the first page again (for `query`, by `sort`). */
  async reload(query = this.query, sort = this.sort): Promise<void> {
    const kept = { rows: this.rows, complete: this.complete, query: this.query, sort: this.sort };
    this.query = query;
    this.sort = sort;
    const generation = ++this.#generation;
    this.loading = false;
    this.rows = [];
    this.complete = false;
    this.error = null;
    await this.loadMore();
    if (generation !== this.#generation) return;
    // `loadMore` set it (TypeScript still sees the `null` above).
    const error = this.error as WeftError | null;
    if (error?.code === 'query') {
      // A query that does not parse keeps what the last one found, marked stale.
      this.rows = kept.rows;
      this.complete = kept.complete;
      this.query = kept.query;
      this.sort = kept.sort;
      this.stale = true;
    } else {
      this.stale = false;
    }
  }

  /** Fetches the page after the rows already held; does nothing while one is on its way. */
  async loadMore(): Promise<void> {
    if (this.loading || this.complete) return;
    this.loading = true;
    // Paging the kept rows of a stale list keeps its query error on show.
    if (!this.stale) this.error = null;
    const generation = this.#generation;
    try {
      const page = await this.#api.listTraces({
        limit: this.#pageSize,
        offset: this.rows.length,
        query: this.query,
        sort: this.sort,
      });
      if (generation !== this.#generation) return;
      this.rows = [...this.rows, ...page];
      this.complete = page.length < this.#pageSize;
    } catch (raw) {
      if (generation === this.#generation) this.error = toWeftError(raw);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }
}
