// The windowed trace commands (issue 19; src-tauri, the engine's kept layout of a
// trace): a trace's outline, windows of its rows under a collapsed set, the
// per-depth summary, find over the whole trace, the row of a span, the spans to
// collapse for "to depth N", one span's details. Answers are turned into the UI's
// shapes here (offsets as numbers: a trace shorter than 104 days keeps exact ns).
import { call } from './call';
import { WeftError } from './errors';
import type { SpanView } from './types';

export interface TraceOutlineView {
  traceId: string;
  spanCount: number;
  /** Rows with nothing collapsed (spans plus placeholder rows of missing parents). */
  totalRows: number;
  maxDepth: number;
  /** The trace's start, Unix ns as decimal text. */
  startNs: string;
  durationNs: number;
  /** Service names; a row's `service` is an index into it. */
  services: string[];
  hasMissingParents: boolean;
}

/** One row of the expanded tree (under a collapsed set). */
export interface BigRow {
  row: number;
  depth: number;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  service: number;
  /** Offsets from the trace start, ns. */
  startNs: number;
  endNs: number;
  error: boolean;
  logCount: number;
  hasChildren: boolean;
  childCount: number;
  /** A parent the case does not hold (no span: never selected). */
  placeholder: boolean;
}

/** The longest span of one depth in one time bucket, and how many spans start there. */
export interface SummaryCell {
  depth: number;
  startNs: number;
  endNs: number;
  service: number;
  error: boolean;
  count: number;
}

export interface TraceRowsApi {
  outline(traceId: string): Promise<TraceOutlineView>;
  rows(traceId: string, start: number, end: number, collapsed: string[]): Promise<{ totalRows: number; rows: BigRow[] }>;
  summary(traceId: string, buckets: number, collapsed: string[]): Promise<SummaryCell[]>;
  find(traceId: string, text: string, collapsed: string[]): Promise<{ total: number; matches: Array<{ spanId: string; row: number | null }> }>;
  rowOf(traceId: string, spanId: string, collapsed: string[]): Promise<number | null>;
  /** The spans to collapse so that nothing deeper than `depth` shows. */
  collapseToDepth(traceId: string, depth: number): Promise<string[]>;
  /** One span with its attributes, events, links, resource and scope; null if the trace lacks it. */
  span(traceId: string, spanId: string): Promise<SpanView | null>;
}

/** The trace's time range as ns text for trace_summary: [start, start + duration]. */
function endOf(outline: TraceOutlineView): string {
  return (BigInt(outline.startNs) + BigInt(Math.max(1, outline.durationNs))).toString();
}

const outlines = new Map<string, TraceOutlineView>();

export const traceRowsApi: TraceRowsApi = {
  async outline(traceId) {
    const outline = await call('trace_outline', { traceId });
    const view: TraceOutlineView = {
      traceId: outline.trace_id,
      spanCount: outline.span_count,
      totalRows: outline.total_rows,
      maxDepth: outline.max_depth,
      startNs: outline.start_ns,
      durationNs: Number(BigInt(outline.end_ns) - BigInt(outline.start_ns)),
      services: outline.services,
      hasMissingParents: outline.has_missing_parents,
    };
    outlines.set(view.traceId, view);
    return view;
  },
  async rows(traceId, start, end, collapsed) {
    const page = await call('trace_rows', { traceId, start, end, collapsed });
    return {
      totalRows: page.total_rows,
      rows: page.rows.map((row) => ({
        row: row.row,
        depth: row.depth,
        spanId: row.span_id,
        parentSpanId: row.parent_span_id,
        name: row.name,
        service: row.service,
        startNs: row.start_offset_ns,
        endNs: row.end_offset_ns,
        error: row.status === 'error',
        logCount: row.log_count,
        hasChildren: row.has_children,
        childCount: row.child_count,
        placeholder: row.placeholder,
      })),
    };
  },
  async summary(traceId, buckets, collapsed) {
    const outline = outlines.get(traceId) ?? (await traceRowsApi.outline(traceId));
    const overview = await call('trace_summary', { traceId, startNs: outline.startNs, endNs: endOf(outline), buckets, collapsed });
    return overview.cells
      .filter((cell) => !cell.placeholder)
      .map((cell) => ({ depth: cell.depth, startNs: cell.start_offset_ns, endNs: cell.end_offset_ns, service: cell.service, error: cell.error, count: cell.count }));
  },
  async find(traceId, text, collapsed) {
    const found = await call('trace_find', { traceId, text, collapsed });
    return { total: found.total, matches: found.matches.map((match) => ({ spanId: match.span_id, row: match.row })) };
  },
  rowOf: (traceId, spanId, collapsed) => call('trace_row_of', { traceId, spanId, collapsed }),
  collapseToDepth: (traceId, depth) => call('trace_collapse_to_depth', { traceId, depth }),
  async span(traceId, spanId) {
    try {
      return await call('span_detail', { traceId, spanId });
    } catch (error) {
      if (error instanceof WeftError && error.code === 'not_found') return null;
      throw error;
    }
  },
};
