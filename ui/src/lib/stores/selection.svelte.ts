// What is selected across the window, and what follows from it: a trace opened
// (from a trace row, the scatter, a log's chip or a span link) shows in the
// waterfall and scopes the log view to it, or to one of its spans; selecting a span
// scopes the logs to that span; the log view's scope switch widens the scope to the
// whole trace, narrows it to the selected span, or drops it. The waterfall and log
// stores keep their own state; this store is the one place that links them.
import type { LogScope } from './logs.svelte';

/** What the selection drives in the waterfall store (the real one, or a fake). */
export interface SelectionWaterfall {
  /** The trace shown (a full trace, or a huge one in the windowed waterfall). */
  readonly traceId: string | null;
  selected: string | null;
  open(traceId: string, spanId?: string | null): Promise<void>;
  close(): void;
}

/** What the selection drives in the log store. */
export interface SelectionLogs {
  scope: LogScope | null;
  setScope(scope: LogScope | null): Promise<void>;
}

export class SelectionStore {
  readonly #waterfall: SelectionWaterfall;
  readonly #logs: SelectionLogs;

  constructor(waterfall: SelectionWaterfall, logs: SelectionLogs) {
    this.#waterfall = waterfall;
    this.#logs = logs;
  }

  /** The trace shown in the waterfall. */
  get traceId(): string | null {
    return this.#waterfall.traceId;
  }

  /** Opens a trace and scopes the logs to it; at `spanId`, that span is selected and scopes them. */
  async openTrace(traceId: string, spanId: string | null = null): Promise<void> {
    await Promise.all([
      this.#waterfall.open(traceId, spanId),
      this.#logs.setScope({ traceId, spanId }),
    ]);
  }

  /** Selects a span of the open trace; the logs show that span's. */
  async selectSpan(spanId: string): Promise<void> {
    const traceId = this.traceId;
    if (!traceId) return;
    this.#waterfall.selected = spanId;
    await this.#logs.setScope({ traceId, spanId });
  }

  /**
   * The log view's scope switch: the whole open trace (`true`), the selected span
   * (`false`), or no scope (`null`: every log matching the query).
   */
  async setScope(whole: boolean | null): Promise<void> {
    const traceId = this.traceId;
    if (whole === null || !traceId) await this.#logs.setScope(null);
    else await this.#logs.setScope({ traceId, spanId: whole ? null : this.#waterfall.selected });
  }

  /** Closes the waterfall; the logs are no longer scoped. */
  async close(): Promise<void> {
    this.#waterfall.close();
    await this.#logs.setScope(null);
  }
}
