// The sampling panel's commands of src-tauri/src/sampling.rs (issue 17).
import { call } from './call';
import type { AppliedSampling, PolicyFile, SamplingOutcome } from './generated/bindings';

export type {
  AppliedSampling,
  LostTrace,
  PolicyCount,
  PolicyFile,
  SampleReport,
  SamplingOutcome,
} from './generated/bindings';

/** What the sampling store needs from the shell. */
export interface SamplingApi {
  /** `config`: a Collector configuration or its tail_sampling section; `query` narrows
   * the traces. The shell keeps the answer as the case's applied sampling. */
  simulateSampling(config: string, query: string | null): Promise<SamplingOutcome>;
  /** The sampling applied last in the case, if any. */
  appliedSampling(): Promise<AppliedSampling | null>;
  /** Asks for a policy file (the shell's dialog) and reads it; null when cancelled. */
  loadSamplingConfig(): Promise<PolicyFile | null>;
}

export const samplingApi: SamplingApi = {
  simulateSampling: (config, query) =>
    call('simulate_sampling', query === null ? { config } : { config, query }),
  appliedSampling: () => call('applied_sampling', {}),
  loadSamplingConfig: () => call('load_sampling_config', {}),
};
