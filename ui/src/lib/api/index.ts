// Everything the rest of the UI may use to reach the shell.
export { analysisApi, type AnalysisApi } from './analysis';
export { caseApi, type CaseApi } from './case';
export { followApi, type FollowApi } from './follow';
export { listenApi, type ListenApi } from './listen';
export { launchApi, type LaunchApi, type LaunchInfo } from './launch';
export { loadApi, type LoadApi } from './load';
export { menuApi, type MenuApi } from './menu';
export { notebookApi, type NotebookApi } from './notebook';
export { qualityApi, type QualityApi } from './quality';
export { searchApi, type SearchApi } from './search';
export { traceRowsApi, type TraceRowsApi } from './traceRows';
export { servicesApi, type ServicesApi } from './services';
export { WeftError, toWeftError, type ErrorCode } from './errors';
export type * from './types';
