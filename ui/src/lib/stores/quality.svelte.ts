// The Quality view's findings (issue 17): loaded for the search's query when the
// view is shown, kept until the case or the query changes; and the finding whose
// example was opened last, so that trace's header shows the finding that led there.
import { qualityApi, toWeftError, type Example, type Finding, type QualityApi, type WeftError } from '../api';

/** A finding an example of which opened a trace. */
export interface LedFinding {
  traceId: string;
  rule: string;
  severity: Finding['severity'];
}

export class QualityStore {
  findings = $state.raw<Finding[]>([]);
  /** The query the findings are for; null before the first load. */
  query = $state<string | null>(null);
  loading = $state(false);
  error = $state.raw<WeftError | null>(null);
  /** The finding whose example was opened last (in a trace), or null. */
  led = $state.raw<LedFinding | null>(null);
  readonly #api: QualityApi;
  #generation = 0;

  constructor(api: QualityApi = qualityApi) {
    this.#api = api;
  }

  /** Remembers that `example` of `finding` is being opened (only a trace's example leads anywhere). */
  follow(finding: Finding, example: Example): void {
    this.led =
      example.trace_id !== undefined && example.log_id === undefined
        ? { traceId: example.trace_id, rule: finding.rule, severity: finding.severity }
        : null;
  }

  /** The finding that led to trace `traceId`, if its example opened it. */
  ledTo(traceId: string): LedFinding | null {
    return this.led?.traceId === traceId ? this.led : null;
  }

  /** Loads the findings for `query` (again when `force`, e.g. after a load). */
  async load(query: string, force = false): Promise<void> {
    if (!force && this.query === query && this.error === null) return;
    const generation = ++this.#generation;
    this.query = query;
    this.loading = true;
    this.error = null;
    try {
      const report = await this.#api.doctor(query);
      if (generation === this.#generation) this.findings = report.findings;
    } catch (raw) {
      if (generation === this.#generation) {
        this.findings = [];
        this.error = toWeftError(raw);
      }
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }
}
