// The Quality view's findings (issue 17, `doctor`): grouped by severity, their
// counts as text, and where each example opens (a span in its trace, a log in its
// file's context).
import type { Example, Finding, Severity } from '../api/types';
import { countOf, type Noun } from './counts';
import type { Place } from './links';

export interface SeverityGroup {
  severity: Severity;
  title: string;
  findings: Finding[];
}

const ORDER: readonly Severity[] = ['error', 'warn', 'info'];
const TITLES: Record<Severity, string> = { error: 'Errors', warn: 'Warnings', info: 'Notes' };

/** The findings by severity, most severe first; severities without findings are left out. */
export function bySeverity(findings: readonly Finding[]): SeverityGroup[] {
  return ORDER.map((severity) => ({
    severity,
    title: TITLES[severity],
    findings: findings.filter((finding) => finding.severity === severity),
  })).filter((group) => group.findings.length > 0);
}

/** What each rule's `count` counts (see src/analysis/quality.rs). */
const NOUNS: Record<string, Noun> = {
  'missing-parent': 'span',
  'missing-root': 'trace',
  'multiple-roots': 'trace',
  'context-lost': ['root span', 'root spans'],
  'unended-span': 'span',
  'zero-duration': 'span',
  'duplicate-span-id': 'span',
  'clock-skew': ['skewed host', 'skewed hosts'],
  'logs-without-trace-id': 'log',
  'orphan-logs': 'log',
  'missing-service-name': 'record',
  'high-cardinality-attribute': 'span',
  'ids-rewritten': 'span',
  'unparsed-lines': 'line',
};

/** "3 spans": the finding's count with what it counts. */
export function findingCount(finding: Finding): string {
  return countOf(finding.count, NOUNS[finding.rule] ?? 'record');
}

/** Where an example opens: a log in its context, else a span (or its whole trace). */
export function examplePlace(example: Example): Place | null {
  if (example.log_id !== undefined) return { kind: 'log', logId: example.log_id };
  if (example.trace_id !== undefined) return { kind: 'trace', traceId: example.trace_id, spanId: example.span_id ?? null };
  return null;
}

/** A short name for an example's link. */
export function exampleLabel(example: Example): string {
  if (example.log_id !== undefined) return `log ${example.log_id}`;
  const trace = example.trace_id ? `trace ${example.trace_id.slice(0, 8)}` : '';
  return example.span_id ? `span ${example.span_id.slice(0, 8)} in ${trace}` : trace;
}

/** The findings of one trace (the trace header's): those with an example in it. */
export function findingsOfTrace(findings: readonly Finding[], traceId: string): Finding[] {
  return findings.filter((finding) => finding.examples.some((example) => example.trace_id === traceId));
}
