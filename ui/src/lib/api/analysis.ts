// The analysis commands of src-tauri/src/search.rs (issue 15): a trace's clock skew
// adjustment, two traces compared, and what sets a selection of traces apart. The
// critical path, self times and skew of a trace come with `get_trace`.
import { call } from './call';
import type { CompareNode, SelectionComparison } from './types';

/** What the analysis stores need from the shell; tests pass a fake. */
export interface AnalysisApi {
  /** Applies the clock skew found in the trace (`adjust`), or undoes it; kept in the case. */
  setSkewAdjustment(traceId: string, adjust: boolean): Promise<void>;
  compareTraces(a: string, b: string): Promise<CompareNode[]>;
  /** The selection's query against the baseline's (null: every other trace). */
  compareSelection(selection: string, baseline: string | null): Promise<SelectionComparison>;
}

export const analysisApi: AnalysisApi = {
  setSkewAdjustment: async (traceId, adjust) => {
    await call('set_skew_adjustment', { traceId, adjust });
  },
  compareTraces: (a, b) => call('compare_traces', { a, b }),
  compareSelection: (selection, baseline) =>
    call('compare_selection', baseline === null ? { selection } : { selection, baseline }),
};
