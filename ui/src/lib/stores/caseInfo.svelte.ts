// The open case as the window knows it: path, counts and sources, loaded
// together through the api layer. Holds state only; components render it.
import {
  caseApi,
  toWeftError,
  type CaseApi,
  type CaseInfo,
  type SourceRow,
  type WeftError,
} from '../api';

export class CaseInfoStore {
  info = $state.raw<CaseInfo | null>(null);
  sources = $state.raw<SourceRow[]>([]);
  error = $state.raw<WeftError | null>(null);
  /** Why the last rename of a source's service failed. */
  renameError = $state.raw<WeftError | null>(null);
  loading = $state(false);

  readonly #api: CaseApi;

  constructor(api: CaseApi = caseApi) {
    this.#api = api;
  }

  /** Fetches the case's counts and sources; a failure lands in `error`. */
  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const [info, sources] = await Promise.all([this.#api.caseInfo(), this.#api.listSources()]);
      this.info = info;
      this.sources = sources;
    } catch (raw) {
      this.error = toWeftError(raw);
    } finally {
      this.loading = false;
    }
  }

  /**
   * Names source `sourceId`'s service (empty: back to the file name) and reloads
   * the sources; false (with `renameError` set) when the shell refused.
   */
  async renameSource(sourceId: number, name: string): Promise<boolean> {
    this.renameError = null;
    try {
      await this.#api.setSourceService(sourceId, name);
    } catch (raw) {
      this.renameError = toWeftError(raw);
      return false;
    }
    await this.load();
    return true;
  }

  /** The sources whose load was interrupted (the app or `weft` stopped mid-load). */
  get interrupted(): SourceRow[] {
    return this.sources.filter((source) => source.status === 'interrupted');
  }

  /** Loads source `sourceId`'s file again (the load shows in the loading panel). */
  async resumeSource(sourceId: number): Promise<void> {
    this.renameError = null;
    try {
      await this.#api.resumeSource(sourceId);
    } catch (raw) {
      this.renameError = toWeftError(raw);
    }
  }

  /** Removes source `sourceId`, then reads the case again. */
  async removeSource(sourceId: number): Promise<void> {
    this.renameError = null;
    try {
      await this.#api.removeSource(sourceId);
    } catch (raw) {
      this.renameError = toWeftError(raw);
      return;
    }
    await this.load();
  }
}
