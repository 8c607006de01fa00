// The Services view's command (src-tauri/src/services.rs, issue 16): RED per
// service and per operation (with time series) and the service map, for the
// search box's query; the case's objectives (SLOs) with their burn, added and removed.
import { call } from './call';
import type { ServiceReport, SloReport } from './types';

/** What the services store needs from the shell; tests pass a fake. */
export interface ServicesApi {
  /** Each service's and operation's time series in `buckets` buckets over the spans' starts. */
  serviceReport(query: string, buckets: number): Promise<ServiceReport>;
  /** Every objective (SLO) of the case, its good and bad calls in `buckets` buckets. */
  sloReport(buckets: number): Promise<SloReport[]>;
  /** Keeps an objective for `operation` (`service: span name`) as `weft slo add` does;
   *  `p95` a duration, `errors` a share, '' no target. Rejects with `bad_input` and
   *  the engine's message when the text does not read. Resolves to its id. */
  addObjective(operation: string, p95: string, errors: string): Promise<number>;
  /** Removes objective `id` (`weft slo remove`). */
  removeObjective(id: number): Promise<null>;
}

export const servicesApi: ServicesApi = {
  serviceReport: (query, buckets) => call('service_report', { query, buckets }),
  sloReport: (buckets) => call('slo_report', { buckets }),
  addObjective: (operation, p95, errors) => call('add_objective', { operation, p95, errors }),
  removeObjective: (id) => call('remove_objective', { id }),
};
