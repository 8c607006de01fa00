// The one search box: its query drives the trace list and the log view. A query
// the engine cannot parse comes back from either as a `query` error with a column.
import type { WeftError } from '../api';
import type { LogListStore } from './logs.svelte';
import type { TraceListStore } from './traces.svelte';

export class SearchStore {
  /** The query last run. */
  text = $state('');

  readonly #traces: TraceListStore;
  readonly #logs: LogListStore;

  constructor(traces: TraceListStore, logs: LogListStore) {
    this.#traces = traces;
    this.#logs = logs;
  }

  /** The parse error of the query last run, if it had one. */
  get error(): WeftError | null {
    for (const error of [this.#traces.error, this.#logs.error]) {
      if (error?.code === 'query') return error;
    }
    return null;
  }

  /** Runs `text` on the trace list and the log view (leaving any span scope); the
   * context of a log line shown for the last search closes. */
  async run(text: string): Promise<void> {
    this.text = text;
    this.#logs.hideContext();
    await Promise.all([this.#traces.reload(text), this.#logs.reload(text, null)]);
  }
}
