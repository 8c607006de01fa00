// The sampling panel (issue 17): a Collector tail sampling configuration in a text
// box, simulated by the engine over the case's traces (`simulate_sampling`).
import { samplingApi, type SamplingApi, type SamplingOutcome } from '../api/sampling';
import { toWeftError, type WeftError } from '../api';
import { SEED_POLICY } from '../model/sampling';

export class SamplingStore {
  /** Whether the panel is shown. */
  open = $state(false);
  config = $state(SEED_POLICY);
  result = $state.raw<SamplingOutcome | null>(null);
  loading = $state(false);
  error = $state.raw<WeftError | null>(null);
  readonly #api: SamplingApi;
  #generation = 0;

  constructor(api: SamplingApi = samplingApi) {
    this.#api = api;
  }

  show(): void {
    this.open = true;
  }

  close(): void {
    this.#generation++;
    this.open = false;
    this.loading = false;
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
