// The Listen switch (issue 20): whether the window's OTLP receiver runs, on which
// addresses, what it took in, and the refresh of the views as records arrive — at most
// once a second, through the same `refresh` the followed files use. Holds state only;
// ListenSwitch renders it.
import { listenApi, toWeftError, WeftError, type ListenApi, type ListenCounts, type ListenMessage, type ListenState } from '../api';
import { RefreshPacer, type Schedule } from '../model/refreshPacer';
import { DEFAULT_GRPC, DEFAULT_HTTP, readAddresses } from '../model/listen';

/** Least time between two refreshes of the views while records arrive. */
export const REFRESH_WHILE_LISTENING_MS = 1000;

const NOTHING: ListenCounts = { requests: 0, spans: 0, logs: 0, rejected: 0 };

export class ListenStore {
  /** What the receiver listens on; null while the switch is off. */
  state = $state.raw<ListenState | null>(null);
  /** The counts so far (kept after the switch goes off: what the last session took in). */
  counts = $state.raw<ListenCounts>(NOTHING);
  /** The switch was pressed and the shell has not answered yet. */
  busy = $state(false);
  /** The popover's fields. */
  httpText = $state(DEFAULT_HTTP);
  grpcText = $state(DEFAULT_GRPC);
  error = $state.raw<WeftError | null>(null);

  readonly #api: ListenApi;
  readonly #pacer: RefreshPacer;

  constructor(
    onchange: () => void,
    api: ListenApi = listenApi,
    now: () => number = () => Date.now(),
    schedule: Schedule = (run, ms) => void setTimeout(run, ms),
  ) {
    this.#api = api;
    this.#pacer = new RefreshPacer(onchange, REFRESH_WHILE_LISTENING_MS, now, schedule);
  }

  get on(): boolean {
    return this.state !== null;
  }

  /** Starts listening to the shell and asks whether the receiver runs; returns the stop. */
  async listen(): Promise<() => void> {
    const stop = await this.#api.onListen((message) => this.apply(message));
    try {
      const state = await this.#api.state();
      if (state !== null) {
        this.state = state;
        this.counts = state.counts;
      }
    } catch (raw) {
      this.error = toWeftError(raw);
    }
    return stop;
  }

  /** The switch: on with the popover's addresses, or off. */
  async set(on: boolean): Promise<void> {
    if (this.busy || on === this.on) return;
    this.error = null;
    if (!on) {
      this.busy = true;
      try {
        const last = await this.#api.stop();
        this.state = null;
        // The last records may have come after the last `listen` event.
        if (last !== null && this.#took(last)) this.#pacer.immediately();
      } catch (raw) {
        this.error = toWeftError(raw);
      } finally {
        this.busy = false;
      }
      return;
    }
    const read = readAddresses(this.httpText, this.grpcText);
    if (!read.ok) {
      this.error = new WeftError('bad_input', read.message);
      return;
    }
    this.busy = true;
    try {
      const state = await this.#api.start(read.http, read.grpc);
      this.state = state;
      this.counts = state.counts;
    } catch (raw) {
      this.error = toWeftError(raw);
    } finally {
      this.busy = false;
    }
  }

  apply(message: ListenMessage): void {
    if (message.type === 'stopped') {
      this.state = null;
      if (message.error) this.error = toWeftError(message.error);
      else if (this.#took(message.counts)) this.#pacer.immediately();
      return;
    }
    const { type: _type, ...state } = message;
    this.state = state;
    if (this.#took(state.counts)) this.#pacer.soon();
  }

  /** Keeps `counts`; whether records arrived since the counts kept before. */
  #took(counts: ListenCounts): boolean {
    const arrived = counts.spans + counts.logs > this.counts.spans + this.counts.logs;
    this.counts = counts;
    return arrived;
  }
}
