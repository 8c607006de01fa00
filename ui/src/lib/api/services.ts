// The Services view's command (src-tauri/src/services.rs, issue 16): RED per
// service and per operation (with time series) and the service map, for the
// search box's query; the case's objectives (SLOs) with their burn.
import { call } from './call';
import type { ServiceReport, SloReport } from './types';

/** What the services store needs from the shell; tests pass a fake. */
export interface ServicesApi {
  /** Each service's and operation's time series in `buckets` buckets over the spans' starts. */
  serviceReport(query: string, buckets: number): Promise<ServiceReport>;
  /** Every objective (SLO) of the case, its good and bad calls in `buckets` buckets. */
  sloReport(buckets: number): Promise<SloReport[]>;
}

export const servicesApi: ServicesApi = {
  serviceReport: (query, buckets) => call('service_report', { query, buckets }),
  sloReport: (buckets) => call('slo_report', { buckets }),
};
