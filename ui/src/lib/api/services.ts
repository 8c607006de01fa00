// The Services view's command (src-tauri/src/services.rs, issue 16): RED per
// service and per operation and the service map, for the search box's query.
import { call } from './call';
import type { ServiceReport } from './types';

/** What the services store needs from the shell; tests pass a fake. */
export interface ServicesApi {
  serviceReport(query: string): Promise<ServiceReport>;
}

export const servicesApi: ServicesApi = {
  serviceReport: (query) => call('service_report', { query }),
};
