// File → Export… (issue 20): which records the dialog offers to export — the open
// trace, the current search (its traces and logs) or the whole case — the one it
// picks first, and the sentence that says what was written.
import { countOf } from './counts';

/** What the engine exports (src-tauri/src/export.rs `ExportScope`). */
export interface ScopeArgs {
  traceId?: string;
  query?: string;
}

export type ScopeKind = 'trace' | 'search' | 'case';

export interface ScopeChoice {
  kind: ScopeKind;
  /** The label of the choice (record text goes through UntrustedText where shown). */
  label: string;
  args: ScopeArgs;
}

/** The formats of `weft export`, in the order offered. */
export const EXPORT_FORMATS = [
  { format: 'otlp-json', label: 'OTLP/JSON (one document per signal)' },
  { format: 'otlp-jsonl', label: 'OTLP/JSON Lines (Collector file exporter)' },
  { format: 'otlp-proto', label: 'OTLP protobuf, length-prefixed (Collector file exporter)' },
] as const;

/** The choices for what is open: the trace (when one is), the search (when the
 * search box holds a query), and always the whole case. */
export function scopeChoices(openTraceId: string | null, query: string): ScopeChoice[] {
  const choices: ScopeChoice[] = [];
  if (openTraceId !== null) choices.push({ kind: 'trace', label: 'This trace', args: { traceId: openTraceId } });
  const text = query.trim();
  if (text !== '') choices.push({ kind: 'search', label: 'This search: its traces and logs', args: { query: text } });
  choices.push({ kind: 'case', label: 'The whole case', args: {} });
  return choices;
}

/** What was written: "Exported 12 spans and 1 log to" (the path follows, as untrusted text). */
export function exportedSentence(counts: { spans: number; logs: number }): string {
  return `Exported ${countOf(counts.spans, 'span')} and ${countOf(counts.logs, 'log')} to`;
}
