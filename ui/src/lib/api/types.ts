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
}
