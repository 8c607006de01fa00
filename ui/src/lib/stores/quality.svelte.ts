// The Quality view's findings (issue 17): loaded for the search's query when the
// view is shown, kept until the case or the query changes.
import { qualityApi, toWeftError, type Finding, type QualityApi, type WeftError } from '../api';

export class QualityStore {
  findings = $state.raw<Finding[]>([]);
  /** The query the findings are for; null before the first load. */
  query = $state<string | null>(null);
  loading = $state(false);
  error = $state.raw<WeftError | null>(null);
  readonly #api: QualityApi;
  #generation = 0;

  constructor(api: QualityApi = qualityApi) {
    this.#api = api;
  }

  /** Loads the findings for `query` (again when `force`, e.g. after a load). */
  async load(query: string, force = false): Promise<void> {
    if (!force && this.query === query && this.error === null) return;
    const generation = ++this.#generation;
    this.query = query;
    this.loading = true;
    this.error = null;
    try {
      const report = await this.#api.doctor(query);
      if (generation === this.#generation) this.findings = report.findings;
    } catch (raw) {
      if (generation === this.#generation) {
        this.findings = [];
        this.error = toWeftError(raw);
      }
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }
}
