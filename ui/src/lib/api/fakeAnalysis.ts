// A fake of the analysis commands for tests of stores: adjustments kept in a map,
// comparisons from given nodes, selections answered with the query asked.
import type { AnalysisApi } from './analysis';
import { WeftError } from './errors';
import type { CompareNode, SelectionComparison } from './types';

export function fakeAnalysisApi(nodes: CompareNode[] = []): AnalysisApi & {
  adjusted: Map<string, boolean>;
  asked: string[];
} {
  const adjusted = new Map<string, boolean>();
  const asked: string[] = [];
  return {
    adjusted,
    asked,
    async setSkewAdjustment(traceId, adjust) {
      if (traceId === 'missing') throw new WeftError('not_found', `no trace ${traceId}`);
      adjusted.set(traceId, adjust);
    },
    async compareTraces() {
      return nodes;
    },
    async compareSelection(selection): Promise<SelectionComparison> {
      if (selection.includes('"open')) throw new WeftError('query', 'unterminated phrase', 0);
      asked.push(selection);
      return {
        selection_traces: 2,
        baseline_traces: 8,
        attributes: [
          { attribute: 'attr.http.status_code', score: 1, values: [{ value: '504', selection: 1, baseline: 0 }] },
        ],
      };
    },
  };
}
