// The trace list matching the search box's query, fetched a page at a time in
// the chosen order (start, duration, errors). `loadMore` appends
// the next page; the list is complete once a page comes back short.
import { caseApi, toWeftError, type CaseApi, type TraceSort, type TraceSummary, type WeftError } from '../api';

export const TRACE_PAGE = 500;

export class TraceListStore {
  rows = $state.raw<TraceSummary[]>([]);
  complete = $state(false);
  loading = $state(false);
  error = $state.raw<WeftError | null>(null);
  query = $state('');
  sort = $state<TraceSort>('start');

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
    this.query = query;
    this.sort = sort;
    this.#generation++;
    this.loading = false;
    this.rows = [];
    this.complete = false;
    await this.loadMore();
  }

  /** Fetches the page after the rows already held; does nothing while one is on its way. */
  async loadMore(): Promise<void> {
    if (this.loading || this.complete) return;
    this.loading = true;
    this.error = null;
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
