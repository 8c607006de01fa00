// The sampling panel's texts (issue 17): what a tail sampling policy keeps, as
// shares of the case's traces, and why a lost trace matters. Pure; the panel shows them.
import { countOf } from './counts';
import { formatCount } from './format';

/** The seed's policy (tests/fixtures/sampling/seed-policy.yaml): the panel's first text. */
export const SEED_POLICY = `processors:
  tail_sampling:
    policies:
      - name: errors
        type: status_code
        status_code:
          status_codes: [ERROR]
      - name: slow
        type: latency
        latency:
          threshold_ms: 1000
      - name: some-of-the-rest
        type: probabilistic
        probabilistic:
          sampling_percentage: 5
`;

/** `part` of `whole` as a percentage with one decimal ("35.0 %"); "—" of nothing. */
export function share(part: number, whole: number): string {
  if (whole <= 0) return '—';
  return `${((100 * part) / whole).toFixed(1)} %`;
}

/** The report's three headline lines. */
export interface SampleCounts {
  traces: number;
  kept: number;
  errors: number;
  kept_errors: number;
  kept_slow: number;
  spans_kept: number;
  logs_of_kept_traces: number;
}

export function keptLine(report: SampleCounts): string {
  return `Keeps ${formatCount(report.kept)} of ${formatCount(report.traces)} traces (${share(report.kept, report.traces)})`;
}

export function errorsLine(report: SampleCounts): string {
  if (report.errors === 0) return 'No trace has an error';
  const lost = report.errors - report.kept_errors;
  return `${formatCount(report.kept_errors)} of ${formatCount(report.errors)} traces with errors kept, ${formatCount(lost)} lost`;
}

export function keptExtrasLine(report: SampleCounts, slowMs: number): string {
  return `${formatCount(report.kept_slow)} slow (≥ ${formatCount(slowMs)} ms) kept · ${formatCount(report.spans_kept)} spans and ${formatCount(report.logs_of_kept_traces)} logs kept`;
}

/** Why a dropped trace is listed: "error", "slow", or both. */
export function lostReason(trace: { error: boolean; slow: boolean }): string {
  return [trace.error ? 'error' : null, trace.slow ? 'slow' : null].filter((word) => word !== null).join(', ');
}

/** The trace list's query for the traces the applied simulation kept or dropped. */
export function sampledQuery(which: 'kept' | 'dropped'): string {
  return `sampled:${which}`;
}

/** The label of the button that shows them: "Show 14 kept traces". */
export function showSampledLabel(which: 'kept' | 'dropped', count: number): string {
  return `Show ${countOf(count, `${which} trace`)}`;
}
