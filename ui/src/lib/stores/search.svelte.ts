// The one search box: its query drives the trace list and the log view. A query
// the engine cannot parse comes back from either as a `query` error with a column.
import type { WeftError } from '../api';
import type { LogListStore } from './logs.svelte';
import type { TimelineStore } from './timeline.svelte';
import type { TraceListStore } from './traces.svelte';

export class SearchStore {
  /** The query last run. */
  text = $state('');

  readonly #traces: TraceListStore;
  readonly #logs: LogListStore;
  /** The charts' time axis (their density and histogram), when there are charts. */
  readonly #timeline: TimelineStore | null;

  constructor(traces: TraceListStore, logs: LogListStore, timeline: TimelineStore | null = null) {
    this.#traces = traces;
    this.#logs = logs;
    this.#timeline = timeline;
  }

  /** The parse error of the query last run, if it had one. */
  get error(): WeftError | null {
    for (const error of [this.#traces.error, this.#logs.error]) {
      if (error?.code === 'query') return error;
    }
    return null;
  }

  /** Runs `text` on the trace list, the log view (leaving any span scope) and the charts' time axis. */
  async run(text: string): Promise<void> {
    this.text = text;
    await Promise.all([this.#traces.reload(text), this.#logs.reload(text, null), this.#timeline?.reload(text)]);
  }
}
