// The shapes the shell's commands return: mirrors of the engine's Serialize
// structs in src/store/reader.rs (the CLI's `--json` contract) and of
// src-tauri/src/commands.rs. Times and durations are integers in nanoseconds.

export interface ServiceStats {
  name: string;
  spans: number;
  logs: number;
}

export interface Stats {
  sources: number;
  traces: number;
  spans: number;
  error_spans: number;
  logs: number;
  logs_span_linked: number;
  logs_trace_linked: number;
  logs_orphan: number;
  logs_unlinked: number;
  services: ServiceStats[];
}

export interface CaseInfo {
  /** Absolute path of the open case file. */
  path: string;
  stats: Stats;
}

export interface SourceView {
  // The engine's `SourceView`; `list_sources` adds `service` (see SourceRow).
  id: number;
  path: string;
  size: number;
  format: string | null;
  /** `loading`, `complete` or `failed`. */
  status: string;
  spans: number;
  logs: number;
  unparsed: number;
  problems: number;
  errors: unknown;
}

export interface TraceSummary {
  trace_id: string;
  root_service: string;
  root_name: string;
  start_ns: number;
  duration_ns: number;
  spans: number;
  errors: number;
  logs: number;
}

/** A window of rows: the shell caps `limit` (see MAX_PAGE in commands.rs). */
export interface Page {
  limit: number;
  offset: number;
  /** The search box's query (`list_traces`); empty for all. */
  query?: string;
  sort?: TraceSort;
}

/** How the trace list is ordered (commands `list_traces`). */
export type TraceSort = 'start' | 'duration' | 'errors';

/** A log's correlation state (DESIGN.md "Correlation"). */
export type LinkState = 'unlinked' | 'span' | 'trace' | 'orphan';

export interface LogView {
  id: number;
  /** Display only: above 2^53 the last digits are not exact. */
  ts_ns: number | null;
  severity: number;
  severity_text: string;
  service: string;
  body: string;
  trace_id: string | null;
  span_id: string | null;
  link: LinkState;
  source: string;
  line: number | null;
  unparsed: boolean;
  attributes: unknown;
}

/** A position in the time order of logs; `ts_ns` is a decimal string, exact. */
export interface Cursor {
  ts_ns: string;
  id: number;
}

export type Anchor =
  | { kind: 'first' }
  | { kind: 'last' }
  | ({ kind: 'after' } & Cursor)
  | ({ kind: 'before' } & Cursor)
  | { kind: 'at'; ts_ns: string };

export interface LogPage {
  rows: LogView[];
  before: Cursor | null;
  after: Cursor | null;
}

export interface Histogram {
  start_ns: number;
  bucket_ns: number;
  levels: string[];
  /** Per bucket, a count per entry of `levels`. */
  counts: number[][];
}

export interface Facet {
  value: string;
  count: number;
}

export interface Facets {
  services: Facet[];
  levels: Facet[];
  sources: Facet[];
}

export interface SpanEvent {
  time_ns: number;
  name: string;
  attributes: unknown;
}

export interface SpanLink {
  trace_id: string;
  span_id: string;
  attributes: unknown;
}

export interface SpanView {
  span_id: string;
  parent_span_id: string | null;
  name: string;
  service: string;
  start_ns: number;
  end_ns: number;
  /** Exact: from the trace's start. */
  start_offset_ns: number;
  end_offset_ns: number;
  status: string;
  status_message: string;
  kind: number;
  attributes: unknown;
  events: SpanEvent[];
  links: SpanLink[];
  resource: unknown;
  scope: { name: string; version: string; attributes: unknown };
  log_count: number;
  logs: LogView[];
}

export interface TraceView {
  trace_id: string;
  /** The trace's start (its earliest span), exact, as a decimal string. */
  start_ns_text: string;
  spans: SpanView[];
  trace_logs: LogView[];
}

/** `list_sources`: a source plus the service its records without one carry. */
export interface SourceRow extends SourceView {
  service: string;
  /** Whether the user named it (else it is the file name). */
  service_given: boolean;
}

/** A problem met while loading a file (src/formats/mod.rs `Problem`). */
export interface Problem {
  line: number | null;
  offset: number | null;
  message: string;
}

export type FileStatus = 'complete' | 'already_loaded' | 'failed' | 'cancelled';

/** The outcome for one file (`weft ingest --json`). */
export interface FileReport {
  path: string;
  format: string | null;
  status: FileStatus;
  spans: number;
  logs: number;
  unparsed: number;
  errors: Problem[];
}

export type LoadPhase = 'rows' | 'indexing' | 'search_index';

/** The engine's `IngestEvent` (src/ingest/events.rs). */
export type IngestEvent =
  | { kind: 'started'; path: string; bytes_total: number }
  | {
      kind: 'progress';
      path: string;
      bytes_read: number;
      bytes_total: number;
      records: number;
      problems: number;
    }
  | { kind: 'phase'; path: string; phase: LoadPhase; done: number; total: number }
  | { kind: 'finished'; report: FileReport };

/** The shell's load events (src-tauri/src/loads.rs). */
export type LoadMessage =
  | { type: 'queued'; id: number; paths: string[] }
  | { type: 'ingest'; id: number; event: IngestEvent }
  | {
      type: 'finished';
      id: number;
      cancelled: boolean;
      reports: FileReport[];
      error: { code: string; message: string } | null;
    };

/** An engine `FollowEvent` (src/ingest/follow.rs), tagged by `event`. */
export type FollowEventWire =
  | {
      event: 'appended';
      path: string;
      source_id: number;
      spans: number;
      logs: number;
      unparsed: number;
      offset: number;
    }
  | { event: 'following'; report: FileReport; resumed: boolean }
  | { event: 'not_followable'; report: FileReport }
  | { event: 'restarted'; path: string; reason: string }
  | { event: 'finished'; path: string }
  | { event: 'unreadable'; path: string; message: string }
  | { event: 'ingest'; progress: IngestEvent };

/** What a follower tells the window: one of its events, or that it stopped. */
export type FollowMessage =
  | { type: 'event'; source_id: number; event: FollowEventWire }
  | { type: 'stopped'; source_id: number; error: { code: string; message: string } | null };
