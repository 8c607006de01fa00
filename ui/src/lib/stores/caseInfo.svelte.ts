// The open case as the window knows it: path, counts and sources, loaded
// together through the api layer. Holds state only; components render it.
import {
  caseApi,
  toWeftError,
  type CaseApi,
  type CaseInfo,
  type SourceView,
  type WeftError,
} from '../api';

export class CaseInfoStore {
  info = $state.raw<CaseInfo | null>(null);
  sources = $state.raw<SourceView[]>([]);
  error = $state.raw<WeftError | null>(null);
  loading = $state(false);

  readonly #api: CaseApi;

  constructor(api: CaseApi = caseApi) {
    this.#api = api;
  }

  /** Fetches the case's counts and sources; a failure lands in `error`. */
  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const [info, sources] = await Promise.all([this.#api.caseInfo(), this.#api.listSources()]);
      this.info = info;
      this.sources = sources;
    } catch (raw) {
      this.error = toWeftError(raw);
    } finally {
      this.loading = false;
    }
  }
}
