// The sampling panel's command of src-tauri/src/sampling.rs (issue 17).
import { call } from './call';
import type { SamplingOutcome } from './generated/bindings';

export type { LostTrace, PolicyCount, SampleReport, SamplingOutcome } from './generated/bindings';

/** What the sampling store needs from the shell. */
export interface SamplingApi {
  /** `config`: a Collector configuration or its tail_sampling section; `query` narrows the traces. */
  simulateSampling(config: string, query: string | null): Promise<SamplingOutcome>;
}

export const samplingApi: SamplingApi = {
  simulateSampling: (config, query) =>
    call('simulate_sampling', query === null ? { config } : { config, query }),
};
