// The context menu's pure parts (issue 18, "mark from anywhere"): which row a right
// click or the Menu key / Shift+F10 names, the entries for it, and the keyboard's
// movement through them. No DOM, no calls: ContextMenu.svelte reads a row's data-*
// attributes into `RowData` and runs the chosen entry through App.svelte.
import type { MarkContext } from './notebook';

/** The rows that have a context menu, by their data-testid. */
export const MENU_ROWS = ['span-row', 'log-row', 'trace-row', 'mark-item'] as const;
/** The CSS selector of those rows. */
export const MENU_ROW_SELECTOR = MENU_ROWS.map((testid) => `[data-testid="${testid}"]`).join(', ');

/** What a menu acts on. */
export type MenuTarget =
  | { kind: 'span'; traceId: string; spanId: string }
  | { kind: 'log'; logId: number }
  | { kind: 'trace'; traceId: string }
  | { kind: 'mark'; markId: number; evidenceId: string | null };

/** A row's data-* attributes as the DOM gives them (dataset), and its test id. */
export interface RowData {
  testid: string | undefined;
  spanId?: string;
  logId?: string;
  traceId?: string;
  markId?: string;
}

/** The target of a row; a span row takes the trace open in the waterfall. Null: not a menu row, or its ids do not read. */
export function menuTargetOf(row: RowData, openTraceId: string | null, evidenceOfMark: (id: number) => string | null = () => null): MenuTarget | null {
  const whole = (text: string | undefined) => (text !== undefined && /^\d+$/.test(text) ? Number(text) : null);
  switch (row.testid) {
    case 'span-row':
      return row.spanId && openTraceId ? { kind: 'span', traceId: openTraceId, spanId: row.spanId } : null;
    case 'log-row': {
      const logId = whole(row.logId);
      return logId === null ? null : { kind: 'log', logId };
    }
    case 'trace-row':
      return row.traceId ? { kind: 'trace', traceId: row.traceId } : null;
    case 'mark-item': {
      const markId = whole(row.markId);
      return markId === null ? null : { kind: 'mark', markId, evidenceId: evidenceOfMark(markId) };
    }
    default:
      return null;
  }
}

/** What an entry does. */
export type MenuCommand = 'mark' | 'edit-mark' | 'copy-id';

/** One entry: its command and its text (ours: no text from the case). */
export interface MenuEntry {
  command: MenuCommand;
  label: string;
}

/** The entries of a target's menu, in order. */
export function menuEntries(target: MenuTarget): MenuEntry[] {
  switch (target.kind) {
    case 'span':
      return [
        { command: 'mark', label: 'Mark this span…' },
        { command: 'copy-id', label: 'Copy span id' },
      ];
    case 'log':
      return [
        { command: 'mark', label: 'Mark this log line…' },
        { command: 'copy-id', label: 'Copy log id' },
      ];
    case 'trace':
      return [
        { command: 'mark', label: 'Mark this trace…' },
        { command: 'copy-id', label: 'Copy trace id' },
      ];
    case 'mark':
      return [
        { command: 'edit-mark', label: 'Edit mark…' },
        ...(target.evidenceId === null ? [] : [{ command: 'copy-id' as const, label: 'Copy evidence id' }]),
      ];
  }
}

/** The id "Copy id" puts on the clipboard. */
export function copiedId(target: MenuTarget): string | null {
  switch (target.kind) {
    case 'span':
      return target.spanId;
    case 'log':
      return String(target.logId);
    case 'trace':
      return target.traceId;
    case 'mark':
      return target.evidenceId;
  }
}

/** The MarkContext of a row's target, for notebook.ts `markTarget` (the same rules as `m`). */
export function markContextOf(target: Exclude<MenuTarget, { kind: 'mark' }>): MarkContext {
  const none: MarkContext = { focusedLogId: null, traceId: null, spanId: null, range: null, query: '' };
  switch (target.kind) {
    case 'span':
      return { ...none, traceId: target.traceId, spanId: target.spanId };
    case 'log':
      return { ...none, focusedLogId: target.logId };
    case 'trace':
      return { ...none, traceId: target.traceId };
  }
}

/** What a key does in an open menu: move to entry `index`, run the active entry, close, or nothing (the key is not the menu's). */
export type MenuKeyResult = { move: number } | { run: true } | { close: true } | null;

/** The menu's keys: arrows and Home/End move (wrapping), Enter or Space runs, Escape or Tab closes. */
export function menuKey(key: string, active: number, count: number): MenuKeyResult {
  if (count === 0) return key === 'Escape' || key === 'Tab' ? { close: true } : null;
  switch (key) {
    case 'ArrowDown':
      return { move: (active + 1) % count };
    case 'ArrowUp':
      return { move: (active - 1 + count) % count };
    case 'Home':
      return { move: 0 };
    case 'End':
      return { move: count - 1 };
    case 'Enter':
    case ' ':
      return { run: true };
    case 'Escape':
    case 'Tab':
      return { close: true };
    default:
      return null;
  }
}

/** Where the menu goes: at the point, moved in so a `width`×`height` menu fits the viewport. */
export function menuPosition(x: number, y: number, width: number, height: number, viewWidth: number, viewHeight: number): { left: number; top: number } {
  return { left: Math.max(0, Math.min(x, viewWidth - width)), top: Math.max(0, Math.min(y, viewHeight - height)) };
}

/** The id of a mark's evidence (a span's, a trace's, a log line's); null for a range, a search or a note. */
export function evidenceIdOf(mark: { kind: string; trace_id: string | null; span_id: string | null; log_id: number | null }): string | null {
  switch (mark.kind) {
    case 'span':
      return mark.span_id;
    case 'trace':
      return mark.trace_id;
    case 'log':
      return mark.log_id === null ? null : String(mark.log_id);
    default:
      return null;
  }
}
