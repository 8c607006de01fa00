import { describe, expect, it } from 'vitest';
import type { Finding } from '../api/types';
import { bySeverity, exampleLabel, examplePlace, findingCount, findingsOfTrace } from './quality';

const TRACE = 'ab'.repeat(16);
const SPAN = 'cd'.repeat(8);

function finding(rule: string, severity: Finding['severity'], count: number, examples: Finding['examples'] = []): Finding {
  return { rule, severity, count, traces: 0, services: [], examples, message: rule, fix: 'fix it' };
}

describe('quality findings', () => {
  it('groups by severity, most severe first, leaving out empty groups', () => {
    const groups = bySeverity([
      finding('zero-duration', 'info', 2),
      finding('missing-parent', 'error', 3),
      finding('context-lost', 'info', 1),
    ]);
    expect(groups.map((group) => [group.title, group.findings.map((f) => f.rule)])).toEqual([
      ['Errors', ['missing-parent']],
      ['Notes', ['zero-duration', 'context-lost']],
    ]);
    expect(bySeverity([])).toEqual([]);
  });

  it('says what each rule counts', () => {
    expect(findingCount(finding('missing-parent', 'error', 3))).toBe('3 spans');
    expect(findingCount(finding('missing-root', 'warn', 1))).toBe('1 trace');
    expect(findingCount(finding('logs-without-trace-id', 'warn', 1200))).toMatch(/^1\D?200 logs$/);
    expect(findingCount(finding('clock-skew', 'warn', 2))).toBe('2 skewed hosts');
    expect(findingCount(finding('some-new-rule', 'info', 1))).toBe('1 record');
  });

  it('opens a span example in its trace and a log example in its context', () => {
    expect(examplePlace({ trace_id: TRACE, span_id: SPAN })).toEqual({ kind: 'trace', traceId: TRACE, spanId: SPAN });
    expect(examplePlace({ trace_id: TRACE })).toEqual({ kind: 'trace', traceId: TRACE, spanId: null });
    expect(examplePlace({ trace_id: TRACE, log_id: 7 })).toEqual({ kind: 'log', logId: 7 });
    expect(examplePlace({})).toBeNull();
    expect(exampleLabel({ trace_id: TRACE, span_id: SPAN })).toBe('span cdcdcdcd in trace abababab');
    expect(exampleLabel({ log_id: 7 })).toBe('log 7');
  });

  it("keeps a trace's own findings", () => {
    const own = finding('missing-parent', 'error', 1, [{ trace_id: TRACE, span_id: SPAN }]);
    const other = finding('orphan-logs', 'warn', 1, [{ trace_id: 'ef'.repeat(16), log_id: 3 }]);
    expect(findingsOfTrace([own, other], TRACE)).toEqual([own]);
  });
});
