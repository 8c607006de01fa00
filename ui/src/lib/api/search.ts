// The search commands of src-tauri/src/search.rs (everything the search box,
// the trace list, the waterfall and the log view ask for). Only this folder
// calls invoke(); failures are thrown as WeftError.
import { call } from './call';
import type {
  Anchor,
  Facets,
  Histogram,
  LogCount,
  LogPage,
  TimeDensity,
  LogView,
  TraceView,
  Vocabulary,
} from './types';

/** What the search-driven stores need from the shell; tests pass a fake. */
export interface SearchApi {
  searchLogs(args: { query: string; anchor: Anchor; limit: number }): Promise<LogPage>;
  /** How many logs match, counted up to `atMost`. */
  countLogs(args: { query: string; atMost: number }): Promise<LogCount>;
  /** The query's logs per bucket and level, over [startNs, endNs] when both are given. */
  logHistogram(args: { query: string; buckets: number; startNs?: number; endNs?: number }): Promise<Histogram>;
  /** The query's traces and logs per minute (for fitting the charts' time axes). */
  timeDensity(query: string): Promise<TimeDensity>;
  logFacets(query: string): Promise<Facets>;
  /** The query's facets counted over its first `atMost` matches (`exact` false: more). */
  logFacetsUpto(args: { query: string; atMost: number }): Promise<Facets>;
  /** The fields, services and attribute keys the search box completes. */
  queryVocabulary(): Promise<Vocabulary>;
  getTrace(traceId: string): Promise<TraceView>;
  /** The trace a pasted id names (any spelling the engine reads), if the case holds it. */
  findTrace(text: string): Promise<string | null>;
  logsOfSpan(args: { traceId: string; spanId: string | null; limit: number }): Promise<LogView[]>;
  logContext(args: { logId: number; before: number; after: number }): Promise<LogView[]>;
}

export const searchApi: SearchApi = {
  searchLogs: (args) => call('search_logs', { ...args }),
  countLogs: (args) => call('count_logs', { ...args }),
  logHistogram: (args) => call('log_histogram', { ...args }),
  logFacets: (query) => call('log_facets', { query }),
  logFacetsUpto: (args) => call('log_facets_upto', { ...args }),
  timeDensity: (query) => call('time_density', { query }),
  queryVocabulary: () => call('query_vocabulary', {}),
  getTrace: (traceId) => call('get_trace', { traceId }),
  findTrace: (text) => call('find_trace', { text }),
  logsOfSpan: (args) => call('logs_of_span', { ...args }),
  logContext: (args) => call('log_context', { ...args }),
};
