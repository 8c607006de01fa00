// The Services view's command (src-tauri/src/services.rs, issue 16): RED per
// service and per operation (with time series) and the service map, for the
// search box's query.
import { call } from './call';
import type { ServiceReport } from './types';

/** What the services store needs from the shell; tests pass a fake. */
export interface ServicesApi {
  /** Each service's and operation's time series in `buckets` buckets over the spans' starts. */
  serviceReport(query: string, buckets: number): Promise<ServiceReport>;
}

export const servicesApi: ServicesApi = {
  serviceReport: (query, buckets) => call('service_report', { query, buckets }),
};
