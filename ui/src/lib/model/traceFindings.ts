// One trace's own telemetry problems (issue 17) as the trace header and the
// waterfall show them: the engine's findings about the trace (`get_trace`'s
// `findings`, the doctor's rules on this trace), the spans each concerns, the
// findings on each span's row, and the "incomplete" note of missing parents.
import type { Finding, Severity } from '../api/types';
import { countOf } from './counts';
import { findingCount } from './quality';

/** A finding of the trace, with the spans of this trace it names. */
export interface TraceFinding {
  /** Stable within a trace: rule and severity. */
  key: string;
  finding: Finding;
  /** Spans of this trace the finding's examples name, in their order, once each. */
  spanIds: string[];
  /** "3 spans": its count as words. */
  count: string;
}

/** The rule whose finding the header shows already as its clock skew line. */
const SHOWN_AS_SKEW = 'clock-skew';

export function findingKey(finding: Pick<Finding, 'rule' | 'severity'>): string {
  return `${finding.rule}/${finding.severity}`;
}

/** The trace's findings to list (not the skew the header shows anyway), in the engine's order. */
export function traceFindings(findings: readonly Finding[], traceId: string): TraceFinding[] {
  return findings
    .filter((finding) => finding.rule !== SHOWN_AS_SKEW)
    .map((finding) => ({
      key: findingKey(finding),
      finding,
      spanIds: spansOf(finding, traceId),
      count: findingCount(finding),
    }));
}

function spansOf(finding: Finding, traceId: string): string[] {
  const ids: string[] = [];
  for (const example of finding.examples) {
    if (example.trace_id === traceId && example.span_id !== undefined && !ids.includes(example.span_id)) {
      ids.push(example.span_id);
    }
  }
  return ids;
}

/** Per span id, the listed findings that name it (for the waterfall's row badges). */
export function findingsBySpan(listed: readonly TraceFinding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const { finding, spanIds } of listed) {
    for (const spanId of spanIds) {
      const list = out.get(spanId);
      if (list) list.push(finding);
      else out.set(spanId, [finding]);
    }
  }
  return out;
}

/** The most severe of `findings` (they are never empty where a badge is drawn). */
export function worstSeverity(findings: readonly Pick<Finding, 'severity'>[]): Severity {
  if (findings.some((finding) => finding.severity === 'error')) return 'error';
  if (findings.some((finding) => finding.severity === 'warn')) return 'warn';
  return 'info';
}

const ICONS: Record<Severity, string> = { error: '✖', warn: '▲', info: 'ℹ' };

/** The glyph of a severity (its name goes in the title beside it). */
export function severityIcon(severity: Severity): string {
  return ICONS[severity];
}

/** A row badge's tooltip: one line per finding, "error: message". */
export function badgeTitle(findings: readonly Finding[]): string {
  return findings.map((finding) => `${finding.severity}: ${finding.message}`).join('\n');
}

/** "incomplete: 2 spans missing", or null for a trace with every parent. */
export function incompleteText(missingParents: number): string | null {
  return missingParents > 0 ? `incomplete: ${countOf(missingParents, 'span')} missing` : null;
}

/** A placeholder row's label: "missing span 5f3a09c1… (not in the case)". */
export function placeholderLabel(spanId: string): string {
  const short = spanId.length > 8 ? `${spanId.slice(0, 8)}…` : spanId;
  return `missing span ${short} (not in the case)`;
}

/** The span a click on a finding selects: its first span in this trace, if any. */
export function firstSpan(listed: TraceFinding): string | null {
  return listed.spanIds[0] ?? null;
}
