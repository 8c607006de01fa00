// The Quality view's command of src-tauri/src/quality.rs (issue 17): what is wrong
// with the telemetry of the case, as `weft doctor` says it.
import { call } from './call';
import type { Doctor } from './types';

/** What the quality store needs from the shell. */
export interface QualityApi {
  /** The findings for the traces with a span matching `query` and the logs matching it ('' : the whole case). */
  doctor(query: string): Promise<Doctor>;
}

export const qualityApi: QualityApi = {
  doctor: (query) => call('doctor', { query }),
};
