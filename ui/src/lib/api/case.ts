// The only module that calls the shell (invoke). Each function is one command of
// src-tauri/src/commands.rs; every failure is thrown as a WeftError.
import { invoke } from '@tauri-apps/api/core';
import { toWeftError } from './errors';
import type { CaseInfo, Page, SourceView, TraceSummary } from './types';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toWeftError(raw);
  }
}

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
