// The loading panel's state: one progress row per file (model/loadRows.ts) fed by
// the shell's load events, whether files are being dragged over the window, and
// the refresh of the views while a file loads (at most once a second, so its first
// rows show up within about a second) and when it is done. Holds state only; the
// LoadPanel and DropOverlay components render it.
import { loadApi, toWeftError, type LoadApi, type LoadMessage, type WeftError } from '../api';
import { applyLoad, isRunning, loadedIntoText, type LoadRow } from '../model/loadRows';

/** Least time between two refreshes of the views while rows are coming in. */
export const REFRESH_WHILE_LOADING_MS = 1000;

export class LoadStore {
  rows = $state.raw<LoadRow[]>([]);
  dragging = $state(false);
  error = $state.raw<WeftError | null>(null);
  /** What the last load put in the case, naming the case: "Loaded trace.json into
   * incident.weft" (model/loadRows.ts loadedIntoText); loads from the command line, a
   * second launch or a drop alike. */
  loadedNote = $state<string | null>(null);
  #casePath: () => string | null;

  readonly #api: LoadApi;
  readonly #now: () => number;
  /** Called when files finished loading (the views show the new records) and when
   * another case was opened (the views show it). */
  readonly #onloaded: () => void;
  readonly #oncasechanged: () => void;
  #lastRefresh = -Infinity;

  constructor(
    handlers: { loaded: () => void; caseChanged: () => void; casePath?: () => string | null },
    api: LoadApi = loadApi,
    now: () => number = () => Date.now(),
  ) {
    this.#api = api;
    this.#now = now;
    this.#onloaded = handlers.loaded;
    this.#oncasechanged = handlers.caseChanged;
    this.#casePath = handlers.casePath ?? (() => null);
  }

  get running(): boolean {
    return this.rows.some(isRunning);
  }

  /** Starts listening to the shell; returns the function that stops it. */
  async listen(): Promise<() => void> {
    const stops = await Promise.all([
      this.#api.onLoad((message) => this.apply(message)),
      this.#api.onDragging((dragging) => (this.dragging = dragging)),
      this.#api.onCaseChanged(() => {
        this.rows = [];
        this.error = null;
        this.loadedNote = null;
        this.#oncasechanged();
      }),
      this.#api.onNotice((error) => (this.error = error)),
    ]);
    // Listening now: the files named on the command line can start, their rows shown.
    try {
      await this.#api.loadLaunchFiles();
    } catch (raw) {
      this.error = toWeftError(raw);
    }
    return () => stops.forEach((stop) => stop());
  }

  apply(message: LoadMessage): void {
    this.rows = applyLoad(this.rows, message, this.#now());
    if (message.type === 'queued') this.dragging = false;
    // Whoever queued it (the command line, a second launch, a drop): say which case got it.
    if (message.type === 'finished') {
      const casePath = this.#casePath();
      this.loadedNote = casePath === null ? null : loadedIntoText(message.reports, casePath);
    }
    const fileDone = message.type === 'ingest' && message.event.kind === 'finished';
    const rowsIn =
      message.type === 'ingest' && message.event.kind === 'progress' && message.event.records > 0;
    const now = this.#now();
    if (fileDone || message.type === 'finished') {
      this.#refresh(now);
    } else if (rowsIn && now - this.#lastRefresh >= REFRESH_WHILE_LOADING_MS) {
      this.#refresh(now);
    }
  }

  #refresh(now: number): void {
    this.#lastRefresh = now;
    this.#onloaded();
  }

  async cancel(loadId: number): Promise<void> {
    try {
      await this.#api.cancelLoad(loadId);
    } catch (raw) {
      this.error = toWeftError(raw);
    }
  }

  async openFiles(folder = false): Promise<void> {
    try {
      await this.#api.openFiles(folder);
    } catch (raw) {
      this.error = toWeftError(raw);
    }
  }

  /** Forgets the rows of finished files. */
  clearFinished(): void {
    this.rows = this.rows.filter(isRunning);
  }
}
