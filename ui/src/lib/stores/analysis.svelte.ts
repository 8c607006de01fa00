// The analysis shown with the trace on screen (issue 15): whether its critical path
// is drawn (on by default for a slow trace, until the user flips the switch for
// that trace), its clock skew adjustment (applied or undone in the case, then the
// trace reloaded so every view shows the adjusted times), and whether the "compare
// with…" picker of the trace header is open. The numbers come with `get_trace`.
import { analysisApi, toWeftError, type AnalysisApi, type WeftError } from '../api';

export class TraceAnalysisStore {
  /** The switch as the user set it, by trace id. */
  #pathSwitch = $state.raw<ReadonlyMap<string, boolean>>(new Map());
  busy = $state(false);
  error = $state.raw<WeftError | null>(null);
  /** The trace header's "compare with…" picker is open. */
  picking = $state(false);
  readonly #api: AnalysisApi;
  readonly #reload: (traceId: string) => Promise<void>;

  /** `reload` shows the trace again (with its logs) after its adjustment changed. */
  constructor(reload: (traceId: string) => Promise<void>, api: AnalysisApi = analysisApi) {
    this.#api = api;
    this.#reload = reload;
  }

  /** Whether the critical path of `trace` is drawn. */
  showPath(trace: { trace_id: string; slow: boolean }): boolean {
    return this.#pathSwitch.get(trace.trace_id) ?? trace.slow;
  }

  setPath(traceId: string, on: boolean): void {
    const next = new Map(this.#pathSwitch);
    next.set(traceId, on);
    this.#pathSwitch = next;
  }

  /** Applies (`adjust`) or undoes the clock skew adjustment of `traceId`, then reloads it. */
  async setSkew(traceId: string, adjust: boolean): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      await this.#api.setSkewAdjustment(traceId, adjust);
      await this.#reload(traceId);
    } catch (raw) {
      this.error = toWeftError(raw);
    } finally {
      this.busy = false;
    }
  }
}
