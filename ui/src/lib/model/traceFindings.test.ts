import { describe, expect, it } from 'vitest';
import type { Finding } from '../api/types';
import {
  badgeTitle,
  findingsBySpan,
  firstSpan,
  incompleteText,
  placeholderLabel,
  severityIcon,
  traceFindings,
  worstSeverity,
} from './traceFindings';

const T = 'ab'.repeat(16);
const OTHER = 'cd'.repeat(16);

function finding(rule: string, severity: Finding['severity'], count: number, examples: Finding['examples']): Finding {
  return { rule, severity, count, traces: 1, services: ['checkout'], examples, message: `${rule} found`, fix: `fix ${rule}` };
}

const FINDINGS: Finding[] = [
  finding('missing-parent', 'error', 2, [
    { trace_id: T, span_id: 'o1' },
    { trace_id: T, span_id: 'o2' },
  ]),
  // A lost context names the call in another trace and the root in this one.
  finding('context-lost', 'error', 1, [
    { trace_id: OTHER, span_id: 'call' },
    { trace_id: T, span_id: 'o1' },
  ]),
  finding('clock-skew', 'warn', 1, [{ trace_id: T, span_id: 'o2' }]),
  finding('zero-duration', 'info', 1, [{ trace_id: T, span_id: 'o2' }, { trace_id: T, span_id: 'o2' }]),
];

describe('traceFindings', () => {
  it('lists the findings but the skew the header shows, with the spans of this trace only', () => {
    const listed = traceFindings(FINDINGS, T);
    expect(listed.map((item) => item.key)).toEqual(['missing-parent/error', 'context-lost/error', 'zero-duration/info']);
    expect(listed.map((item) => item.spanIds)).toEqual([['o1', 'o2'], ['o1'], ['o2']]);
    expect(listed[0]!.count).toBe('2 spans');
    expect(firstSpan(listed[1]!)).toBe('o1');
  });

  it('puts each finding on the rows of its spans, the worst severity first for the badge', () => {
    const bySpan = findingsBySpan(traceFindings(FINDINGS, T));
    expect(bySpan.get('o1')!.map((f) => f.rule)).toEqual(['missing-parent', 'context-lost']);
    expect(bySpan.get('o2')!.map((f) => f.rule)).toEqual(['missing-parent', 'zero-duration']);
    expect(bySpan.has('call')).toBe(false);
    expect(worstSeverity(bySpan.get('o2')!)).toBe('error');
    expect(worstSeverity([{ severity: 'info' }])).toBe('info');
    expect(badgeTitle(bySpan.get('o1')!)).toBe('error: missing-parent found\nerror: context-lost found');
    expect(severityIcon('warn')).not.toBe(severityIcon('error'));
  });

  it('says how many spans are missing, and names a placeholder by its id', () => {
    expect(incompleteText(0)).toBe(null);
    expect(incompleteText(1)).toBe('incomplete: 1 span missing');
    expect(incompleteText(2)).toBe('incomplete: 2 spans missing');
    expect(placeholderLabel('5f3a09c1d2e3f4a5')).toBe('missing span 5f3a09c1… (not in the case)');
  });
});
