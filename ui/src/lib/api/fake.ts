// A fake shell for tests of stores: no Tauri; pages are sliced from an in-memory list.
import type { CaseApi } from './case';
import type { WeftError } from './errors';
import type { Page, SourceRow, Stats, TraceSummary } from './types';

function trace(index: number): TraceSummary {
  return {
    trace_id: index.toString(16).padStart(32, '0'),
    root_service: 'checkout',
    root_name: 'POST /pay',
    start_ns: index * 1e9,
    duration_ns: 1e6,
    spans: 3,
    errors: 0,
    logs: 1,
  };
}

/** A fake shell holding `nTraces` traces; records the pages asked for. */
export function fakeApi(
  nTraces: number,
  fail?: WeftError,
): CaseApi & { pages: Page[]; renames: [number, string][] } {
  const all = Array.from({ length: nTraces }, (_, index) => trace(index));
  const pages: Page[] = [];
  const renames: [number, string][] = [];
  const sources: SourceRow[] = [
    {
      id: 1,
      path: '/logs/file.log',
      size: 10,
      format: 'json-log',
      dialect: 'pino',
      status: 'complete',
      spans: 0,
      logs: 3,
      unparsed: 0,
      problems: 0,
      errors: [],
      zipkin: null,
      service: 'file',
      service_given: false,
    },
  ];
  const stats: Stats = {
    sources: 1,
    traces: nTraces,
    spans: 3 * nTraces,
    error_spans: 0,
    logs: nTraces,
    logs_span_linked: nTraces,
    logs_trace_linked: 0,
    logs_orphan: 0,
    logs_unlinked: 0,
    services: [],
  };
  return {
    pages,
    renames,
    caseInfo: async () => {
      if (fail) throw fail;
      return { path: '/tmp/case.weft', stats };
    },
    listSources: async () => sources,
    setSourceService: async (sourceId, name) => {
      renames.push([sourceId, name]);
      const source = sources.find((candidate) => candidate.id === sourceId);
      if (source) Object.assign(source, { service: name || 'file', service_given: name !== '' });
      return 1;
    },
    resumeSource: async () => 1,
    removeSource: async (sourceId) => {
      const at = sources.findIndex((candidate) => candidate.id === sourceId);
      if (at >= 0) sources.splice(at, 1);
    },
    listTraces: async (page) => {
      pages.push(page);
      return all.slice(page.offset, page.offset + page.limit);
    },
  };
}

