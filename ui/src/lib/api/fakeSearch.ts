// A fake of the search commands for tests of stores: one small trace and a list
// of logs paged with cursors like the engine's.
import type { SearchApi } from './search';
import type { QualityApi } from './quality';
import type { Finding, LogView, SpanView, TraceView } from './types';

export function fakeSpan(id: string, parent: string | null, start: number, end: number, selfNs: number): SpanView {
  return {
    span_id: id,
    parent_span_id: parent,
    name: `op ${id}`,
    service: 'checkout',
    start_ns: 1e18 + start,
    end_ns: 1e18 + end,
    start_offset_ns: start,
    end_offset_ns: end,
    self_ns: selfNs,
    status: 'unset',
    status_message: '',
    kind: 1,
    attributes: {},
    events: [],
    links: [],
    resource: {},
    scope: { name: '', version: '', attributes: {} },
    log_count: 0,
    logs: [],
  };
}

export const fakeTrace: TraceView = {
  trace_id: 'ab'.repeat(16),
  start_ns_text: '1000000000000000000',
  spans: [
    fakeSpan('root', null, 0, 100, 30),
    fakeSpan('b', 'root', 50, 90, 40),
    fakeSpan('a', 'root', 10, 40, 20),
    fakeSpan('a1', 'a', 20, 30, 10),
  ],
  trace_logs: [],
  // As the engine walks it (src/analysis/critical_path.rs), sorted by start.
  critical_path: [
    ['root', 0, 10],
    ['a', 10, 20],
    ['a1', 20, 30],
    ['a', 30, 40],
    ['root', 40, 50],
    ['b', 50, 90],
    ['root', 90, 100],
  ].map(([span_id, start, end]) => ({
    span_id: span_id as string,
    start_offset_ns: start as number,
    end_offset_ns: end as number,
  })),
  skew: [],
  skew_adjusted: false,
  slow: false,
  missing_parents: [],
};

export function fakeLog(id: number): LogView {
  return {
    id,
    ts_ns: 1e18 + id,
    severity: 9,
    severity_text: 'info',
    service: 'checkout',
    body: `line ${id}`,
    trace_id: null,
    span_id: null,
    link: 'unlinked',
    source: '/logs/checkout.log',
    line: id,
    unparsed: false,
    attributes: {},
  };
}

/** The fake's calls, for assertions. */
export interface Calls {
  searchLogs: unknown[];
  logsOfSpan: unknown[];
  logContext: unknown[];
}

export function fakeSearchApi(nLogs = 0): SearchApi & { calls: Calls } {
  const logs = Array.from({ length: nLogs }, (_, index) => fakeLog(index + 1));
  const calls: Calls = { searchLogs: [], logsOfSpan: [], logContext: [] };
  return {
    calls,
    searchLogs: async (args) => {
      calls.searchLogs.push(args);
      const cursor = (id: number) => ({ ts_ns: `1${'0'.repeat(14)}${String(id).padStart(4, '0')}`, id });
      let rows: LogView[];
      if (args.anchor.kind === 'before') {
        const until = args.anchor.id;
        rows = logs.filter((log) => log.id < until).slice(-args.limit);
      } else if (args.anchor.kind === 'last') {
        rows = logs.slice(-args.limit);
      } else {
        const from = args.anchor.kind === 'after' ? args.anchor.id : 0;
        rows = logs.filter((log) => log.id > from).slice(0, args.limit);
      }
      const first = rows[0];
      const last = rows.at(-1);
      return {
        rows,
        before: first !== undefined && first.id > 1 ? cursor(first.id) : null,
        after: last !== undefined && last.id < nLogs ? cursor(last.id) : null,
      };
    },
    countLogs: async (args) => ({ count: Math.min(nLogs, args.atMost), exact: nLogs <= args.atMost }),
    logHistogram: async () => ({
      start_ns: 1e18,
      bucket_ns: 1,
      levels: ['unspecified', 'trace', 'debug', 'info', 'warn', 'error', 'fatal'],
      counts: [],
    }),
    timeDensity: async () => ({
      bucket_ns: 60e9,
      traces: [],
      logs: nLogs > 0 ? [{ start_ns: 1e18, n: nLogs }] : [],
    }),
    logFacets: async () => ({
      services: [{ value: 'checkout', count: nLogs }],
      levels: [{ value: 'info', count: nLogs }],
      sources: [{ value: '/logs/checkout.log', count: nLogs }],
      exact: true,
    }),
    // As the engine's facets_upto: the first atMost matches and one more, when there are more.
    logFacetsUpto: async (args) => {
      const seen = Math.min(nLogs, args.atMost + 1);
      return {
        services: [{ value: 'checkout', count: seen }],
        levels: [{ value: 'info', count: seen }],
        sources: [{ value: '/logs/checkout.log', count: seen }],
        exact: nLogs <= args.atMost,
      };
    },
    queryVocabulary: async () => ({
      fields: [
        { name: 'service', values: [] },
        { name: 'level', values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] },
      ],
      services: ['checkout'],
      attribute_keys: [],
    }),
    getTrace: async (traceId) => ({ ...fakeTrace, trace_id: traceId }),
    findTrace: async (text) => (text.trim().toLowerCase() === fakeTrace.trace_id ? fakeTrace.trace_id : null),
    logsOfSpan: async (args) => {
      calls.logsOfSpan.push(args);
      return logs.slice(0, 2);
    },
    logContext: async (args) => {
      calls.logContext.push(args);
      return logs.slice(Math.max(0, args.logId - 1 - args.before), args.logId + args.after);
    },
  };
}

/** A fake of `trace_findings`: `findings` for every trace (none by default). */
export function fakeTraceFindings(findings: Finding[] = []): Pick<QualityApi, 'traceFindings'> & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    traceFindings: async (traceId) => {
      asked.push(traceId);
      return findings;
    },
  };
}
