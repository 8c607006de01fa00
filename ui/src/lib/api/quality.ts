// The Quality commands of src-tauri/src/quality.rs (issue 17): what is wrong with
// the telemetry of the case, as `weft doctor` says it, and of one trace.
import { call } from './call';
import type { Doctor, Finding } from './types';

/** What the quality store needs from the shell. */
export interface QualityApi {
  /** The findings for the traces with a span matching `query` and the logs matching it ('' : the whole case). */
  doctor(query: string): Promise<Doctor>;
  /** The findings about one trace (the doctor's rules on that trace). */
  traceFindings(traceId: string): Promise<Finding[]>;
}

export const qualityApi: QualityApi = {
  doctor: (query) => call('doctor', { query }),
  traceFindings: (traceId) => call('trace_findings', { traceId }),
};
