// What sets a selection of traces apart (a Shift box on the trace scatter): the
// selection's query (model/selectionQuery.ts) compared by the engine with every
// other trace of the case (`compare_selection`), for the panel under the scatter.
import {
  analysisApi,
  toWeftError,
  type AnalysisApi,
  type SelectionComparison,
  type WeftError,
} from '../api';

export class SelectionCompareStore {
  /** The selection's query; null: no selection (the panel is closed). */
  query = $state<string | null>(null);
  result = $state.raw<SelectionComparison | null>(null);
  loading = $state(false);
  error = $state.raw<WeftError | null>(null);
  readonly #api: AnalysisApi;
  #generation = 0;

  constructor(api: AnalysisApi = analysisApi) {
    this.#api = api;
  }

  async run(query: string): Promise<void> {
    const generation = ++this.#generation;
    this.query = query;
    this.result = null;
    this.error = null;
    this.loading = true;
    try {
      const result = await this.#api.compareSelection(query, null);
      if (generation === this.#generation) this.result = result;
    } catch (raw) {
      if (generation === this.#generation) this.error = toWeftError(raw);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  clear(): void {
    this.#generation++;
    this.query = null;
    this.result = null;
    this.error = null;
    this.loading = false;
  }
}
