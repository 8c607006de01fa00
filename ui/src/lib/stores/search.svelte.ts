// The one search box: its query drives the trace list and the log view. A query
// the engine cannot parse comes back from either as a `query` error with a column;
// both then keep the results of the query before (`stale`). Also the words the box
// completes (`vocabulary`, read from the case).
import { searchApi, type SearchApi, type Vocabulary, type WeftError } from '../api';
import type { LogListStore } from './logs.svelte';
import type { TimelineStore } from './timeline.svelte';
import type { TraceListStore } from './traces.svelte';

export class SearchStore {
  /** The query last run. */
  text = $state('');

  /** The fields, services and attribute keys to complete; null until read. */
  vocabulary = $state.raw<Vocabulary | null>(null);

  readonly #traces: TraceListStore;
  readonly #logs: LogListStore;
  /** The charts' time axis (their density and histogram), when there are charts. */
  readonly #timeline: TimelineStore | null;
  readonly #api: Pick<SearchApi, 'queryVocabulary'>;

  constructor(
    traces: TraceListStore,
    logs: LogListStore,
    timeline: TimelineStore | null = null,
    api: Pick<SearchApi, 'queryVocabulary'> = searchApi,
  ) {
    this.#traces = traces;
    this.#logs = logs;
    this.#timeline = timeline;
    this.#api = api;
  }

  /** The results shown are those of an earlier query: the one last run does not parse. */
  get stale(): boolean {
    return this.#traces.stale || this.#logs.stale;
  }

  /** Reads the vocabulary of the case again (after it opened or a load added records);
   * a failure leaves the one before, since completion is a help, not a result. */
  async loadVocabulary(): Promise<void> {
    try {
      this.vocabulary = await this.#api.queryVocabulary();
    } catch {
      // Keep what was there: the box still searches without completion.
    }
  }

  /** The parse error of the query last run, if it had one. */
  get error(): WeftError | null {
    for (const error of [this.#traces.error, this.#logs.error]) {
      if (error?.code === 'query') return error;
    }
    return null;
  }

  /** Runs `text` on the trace list, the log view (leaving any span scope) and the
   * charts' time axis; the context of a log line shown for the last search closes. */
  async run(text: string): Promise<void> {
    this.text = text;
    this.#logs.hideContext();
    await Promise.all([this.#traces.reload(text), this.#logs.reload(text, null), this.#timeline?.reload(text)]);
  }
}
