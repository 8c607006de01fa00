// The only module that calls the shell (invoke). Each function is one command of
// src-tauri/src/commands.rs; every failure is thrown as a WeftError.
import { call } from './call';
import type { CaseInfo, Page, SourceView, TraceSummary } from './types';

/** What stores need from the shell; tests pass a fake. */
export interface CaseApi {
  caseInfo(): Promise<CaseInfo>;
  listSources(): Promise<SourceView[]>;
  listTraces(page: Page): Promise<TraceSummary[]>;
}

export const caseApi: CaseApi = {
  caseInfo: () => call<CaseInfo>('case_info'),
  listSources: () => call<SourceView[]>('list_sources'),
  listTraces: (page) => call<TraceSummary[]>('list_traces', { ...page }),
};
