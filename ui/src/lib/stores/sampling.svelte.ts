// The sampling panel (issue 17): a Collector tail sampling configuration in a text
// box (typed, or loaded from a file through the shell's dialog), simulated by the
// engine over the case's traces (`simulate_sampling`, which keeps the answer in the
// case for `sampled:kept` / `sampled:dropped`). The text applied last comes back
// from the case when the panel is first shown for it (`applied_sampling`).
import { samplingApi, type SamplingApi, type SamplingOutcome } from '../api/sampling';
import { toWeftError, type WeftError } from '../api';
import { SEED_POLICY } from '../model/sampling';

export class SamplingStore {
  /** Whether the panel is shown. */
  open = $state(false);
  config = $state(SEED_POLICY);
  /** The file the text was loaded from, until it is edited or replaced. */
  source = $state<string | null>(null);
  result = $state.raw<SamplingOutcome | null>(null);
  loading = $state(false);
  error = $state.raw<WeftError | null>(null);
  readonly #api: SamplingApi;
  #generation = 0;
  /** Whether the case's applied text was asked for since the case opened. */
  #restored = false;

  constructor(api: SamplingApi = samplingApi) {
    this.#api = api;
  }

  show(): void {
    this.open = true;
    if (!this.#restored) void this.restore();
  }

  close(): void {
    this.#generation++;
    this.open = false;
    this.loading = false;
  }

  /** Another case is open: back to the seed's policy, its text asked for again on show. */
  forget(): void {
    this.#generation++;
    this.#restored = false;
    this.config = SEED_POLICY;
    this.source = null;
    this.result = null;
    this.error = null;
    this.loading = false;
    if (this.open) void this.restore();
  }

  /** The text box takes the case's applied policy, unless it was edited meanwhile. */
  async restore(): Promise<void> {
    this.#restored = true;
    const before = this.config;
    try {
      const applied = await this.#api.appliedSampling();
      if (applied !== null && this.config === before) this.config = applied.config;
    } catch (raw) {
      this.error = toWeftError(raw);
    }
  }

  /** The user typed in the box: the text is no longer the file's. */
  edited(): void {
    this.source = null;
  }

  /** Asks the shell for a policy file; its text replaces the box's and is simulated
   * over the traces matching `query`. A cancelled dialog changes nothing. */
  async loadFile(query: string | null): Promise<void> {
    this.error = null;
    try {
      const picked = await this.#api.loadSamplingConfig();
      if (picked === null) return;
      this.config = picked.text;
      this.source = picked.path;
    } catch (raw) {
      this.result = null;
      this.error = toWeftError(raw);
      return;
    }
    await this.run(query);
  }

  /** Simulates the text box's config over the traces matching `query` (null: all). */
  async run(query: string | null): Promise<void> {
    const generation = ++this.#generation;
    this.error = null;
    this.loading = true;
    try {
      const result = await this.#api.simulateSampling(this.config, query);
      if (generation === this.#generation) this.result = result;
    } catch (raw) {
      if (generation === this.#generation) {
        this.result = null;
        this.error = toWeftError(raw);
      }
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }
}
