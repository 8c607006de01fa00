// The comparison tab's content: two traces compared by the engine
// (`compare_traces`) as the merged tree of model/compareTree.ts, and both traces,
// so a node opens its span in either. One comparison is held: the tab shown.
import {
  analysisApi,
  searchApi,
  toWeftError,
  type AnalysisApi,
  type SearchApi,
  type TraceView,
  type WeftError,
} from '../api';
import { compareRows, spanAtPath, type CompareRow } from '../model/compareTree';

export class ComparisonStore {
  /** The traces compared, A then B; null before the first. */
  pair = $state.raw<[string, string] | null>(null);
  rows = $state.raw<CompareRow[]>([]);
  traces = $state.raw<{ a: TraceView | null; b: TraceView | null }>({ a: null, b: null });
  loading = $state(false);
  error = $state.raw<WeftError | null>(null);
  readonly #analysis: AnalysisApi;
  readonly #search: Pick<SearchApi, 'getTrace'>;
  #generation = 0;

  constructor(analysis: AnalysisApi = analysisApi, search: Pick<SearchApi, 'getTrace'> = searchApi) {
    this.#analysis = analysis;
    this.#search = search;
  }

  /** Compares `a` with `b` (nothing to do when that is the comparison held). */
  async load(a: string, b: string): Promise<void> {
    if (this.pair?.[0] === a && this.pair[1] === b && this.error === null) return;
    const generation = ++this.#generation;
    this.pair = [a, b];
    this.loading = true;
    this.error = null;
    this.rows = [];
    this.traces = { a: null, b: null };
    try {
      const [nodes, traceA, traceB] = await Promise.all([
        this.#analysis.compareTraces(a, b),
        this.#search.getTrace(a),
        this.#search.getTrace(b),
      ]);
      if (generation !== this.#generation) return;
      this.rows = compareRows(nodes);
      this.traces = { a: traceA, b: traceB };
    } catch (raw) {
      if (generation === this.#generation) this.error = toWeftError(raw);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** The span of `row` in trace `side` (the first on its path), or null when it has none. */
  spanIn(side: 'a' | 'b', row: CompareRow): string | null {
    const trace = this.traces[side];
    return trace ? spanAtPath(trace.spans, row.path) : null;
  }
}
