// The windowed trace commands (issue 19; src-tauri, the engine's kept layout of a
// trace): a trace's outline, windows of its rows under a collapsed set, the
// per-depth summary, find over the whole trace, the row of a span, the spans to
// collapse for "to depth N", one span's details. Answers are turned into the UI's
// shapes here (offsets as numbers: a trace shorter than 104 days keeps exact ns).
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
