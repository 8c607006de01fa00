// The only module that calls the shell (invoke). Each function is one command of
// src-tauri/src/commands.rs; every failure is thrown as a WeftError.
import { call } from './call';
import type { CaseInfo, Page, SourceRow, TraceSummary } from './types';

/** What stores need from the shell; tests pass a fake. */
export interface CaseApi {
  caseInfo(): Promise<CaseInfo>;
  listSources(): Promise<SourceRow[]>;
  listTraces(page: Page): Promise<TraceSummary[]>;
  /** Names the service of a source's records that name none (empty: the file name). */
  setSourceService(sourceId: number, name: string): Promise<number>;
  /** Loads a source's file again (an interrupted load starts over); the load's id. */
  resumeSource(sourceId: number): Promise<number | null>;
  /** Removes a source and everything it brought. */
  removeSource(sourceId: number): Promise<void>;
}

export const caseApi: CaseApi = {
  caseInfo: () => call('case_info', {}),
  listSources: () => call('list_sources', {}),
  listTraces: (page) => call('list_traces', { ...page }),
  setSourceService: (sourceId, name) => call('set_source_service', { sourceId, name }),
  resumeSource: (sourceId) => call('resume_source', { sourceId }),
  removeSource: async (sourceId) => {
    await call('remove_source', { sourceId });
  },
};
