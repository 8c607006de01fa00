// The trace list, fetched a page at a time in start order. `loadMore` appends
// the next page; the list is complete once a page comes back short.
import { caseApi, toWeftError, type CaseApi, type TraceSummary, type WeftError } from '../api';

export const TRACE_PAGE = 500;

export class TraceListStore {
  rows = $state.raw<TraceSummary[]>([]);
  complete = $state(false);
  loading = $state(false);
  error = $state.raw<WeftError | null>(null);

  readonly #api: CaseApi;
  readonly #pageSize: number;

  constructor(api: CaseApi = caseApi, pageSize = TRACE_PAGE) {
    this.#api = api;
    this.#pageSize = pageSize;
  }

  /** Drops what was loaded and fetches the first page again. */
  async reload(): Promise<void> {
    this.rows = [];
    this.complete = false;
    await this.loadMore();
  }

  /** Fetches the page after the rows already held; does nothing while one is on its way. */
  async loadMore(): Promise<void> {
    if (this.loading || this.complete) return;
    this.loading = true;
    this.error = null;
    try {
      const page = await this.#api.listTraces({ limit: this.#pageSize, offset: this.rows.length });
      this.rows = [...this.rows, ...page];
      this.complete = page.length < this.#pageSize;
    } catch (raw) {
      this.error = toWeftError(raw);
    } finally {
      this.loading = false;
    }
  }
}
