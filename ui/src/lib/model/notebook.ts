// The Notebook's pure parts (issue 18): what `m` marks from what the window shows,
// the label of a mark's target, the place that opens its evidence, the timeline
// grouped by phase, and the positions that reorder marks of one time (a drag or
// Alt+Up/Down). No DOM, no calls: App.svelte and the notebook store use these.
import type { WireMark, WireNewMark } from '../api/generated/bindings';
import type { Place } from './links';
import { withTimeRange } from './timeRange';

/** The standard phases of an incident, in the order of their headings. */
export const PHASES = ['detection', 'impact', 'mitigation', 'resolution'] as const;

/** The colours a mark may take: CSS colour names (the report's style uses them as they are), each a variable `--mark-<name>` of app.css in the app; other colours the CLI wrote show as the default. */
export const MARK_COLOURS = ['red', 'orange', 'green', 'blue', 'purple'] as const;

/** The CSS colour of a mark's `colour` (a name of MARK_COLOURS), or the default one. */
export function markColour(colour: string | null): string {
  return (MARK_COLOURS as readonly string[]).includes(colour ?? '') ? `var(--mark-${colour})` : 'var(--mark-default)';
}

/** What the window shows when `m` is pressed, most specific first. */
export interface MarkContext {
  /** The log line that has the keyboard focus (its id). */
  focusedLogId: number | null;
  /** The trace open in the waterfall, and its selected span. */
  traceId: string | null;
  spanId: string | null;
  /** The time range picked on the charts (ns). */
  range: { start: number; end: number } | null;
  /** The search box's query. */
  query: string;
}

/** The target of a new mark: the focused log line, else the selected span, else the
 *  open trace, else the picked time range, else the search; else a note (no evidence). */
export function markTarget(context: MarkContext): Pick<WireNewMark, 'kind' | 'trace_id' | 'span_id' | 'log_id' | 'from_ns' | 'to_ns' | 'query'> {
  if (context.focusedLogId !== null) return { kind: 'log', log_id: context.focusedLogId };
  if (context.traceId !== null && context.spanId !== null) {
    return { kind: 'span', trace_id: context.traceId, span_id: context.spanId };
  }
  if (context.traceId !== null) return { kind: 'trace', trace_id: context.traceId };
  if (context.range !== null) {
    return { kind: 'range', from_ns: BigInt(Math.round(context.range.start)).toString(), to_ns: BigInt(Math.round(context.range.end)).toString() };
  }
  const query = context.query.trim();
  if (query !== '') return { kind: 'search', query };
  return { kind: 'note' };
}

/** The part of a mark that names its target. */
type Target = Pick<WireMark, 'kind' | 'trace_id' | 'span_id' | 'log_id' | 'from_ns' | 'to_ns' | 'query'>;

/** What a mark points at, in words: "span 1a2b… of trace 4bf9…", "log line 42", … */
export function targetLabel(mark: Target): string {
  const short = (id: string | null) => (id === null ? '?' : id.length > 12 ? `${id.slice(0, 8)}…` : id);
  switch (mark.kind) {
    case 'span':
      return `span ${short(mark.span_id)} of trace ${short(mark.trace_id)}`;
    case 'trace':
      return `trace ${short(mark.trace_id)}`;
    case 'log':
      return `log line ${mark.log_id ?? '?'}`;
    case 'range':
      return 'time range';
    case 'search':
      return `search “${mark.query ?? ''}”`;
    default:
      return 'note';
  }
}

/** The place that shows a mark's evidence; null for a note (nothing to open). */
export function placeOf(mark: Target): Place | null {
  switch (mark.kind) {
    case 'span':
    case 'trace':
      return mark.trace_id === null ? null : { kind: 'trace', traceId: mark.trace_id, spanId: mark.kind === 'span' ? mark.span_id : null };
    case 'log':
      return mark.log_id === null ? null : { kind: 'log', logId: mark.log_id };
    case 'range':
      return mark.from_ns === null || mark.to_ns === null ? null : { kind: 'search', query: withTimeRange('', Number(mark.from_ns), Number(mark.to_ns)) };
    case 'search':
      return mark.query === null ? null : { kind: 'search', query: mark.query };
    default:
      return null;
  }
}

/** A heading of the timeline and its marks in order; `phase` null: marks without one. */
export interface PhaseGroup<M> {
  phase: string | null;
  marks: M[];
}

/** A phase as the user typed it, compared without case or surrounding spaces. */
function phaseKey(phase: string | null): string | null {
  const key = phase?.trim().toLowerCase() ?? '';
  return key === '' ? null : key;
}

/**
 * The timeline's headings: marks without a phase first (the story before anyone named
 * one), then the standard phases in incident order, then the user's own phases in the
 * order of their first mark; marks keep their order (`timelineOrder`) under each.
 * Headings without marks are left out.
 */
export function groupByPhase<M extends Pick<WireMark, 'phase' | 'at_ns' | 'position' | 'id'>>(marks: readonly M[]): PhaseGroup<M>[] {
  const groups = new Map<string | null, PhaseGroup<M>>();
  for (const mark of timelineOrder(marks)) {
    const key = phaseKey(mark.phase);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { phase: key === null ? null : mark.phase!.trim(), marks: [] }));
    group.marks.push(mark);
  }
  const rank = (key: string | null) => {
    if (key === null) return -1;
    const standard = (PHASES as readonly string[]).indexOf(key);
    return standard >= 0 ? standard : PHASES.length;
  };
  return [...groups.entries()]
    .map(([key, group], index) => ({ key, group, index }))
    .sort((a, b) => rank(a.key) - rank(b.key) || a.index - b.index)
    .map(({ group }) => group);
}

/** `a - b` of two decimal ns strings, as a sign. */
function compareNs(a: string, b: string): number {
  const difference = BigInt(a) - BigInt(b);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/** Marks in the timeline's order: time of the evidence, then position, then id. */
export function timelineOrder<M extends Pick<WireMark, 'at_ns' | 'position' | 'id'>>(marks: readonly M[]): M[] {
  return [...marks].sort((a, b) => compareNs(a.at_ns, b.at_ns) || a.position - b.position || a.id - b.id);
}

/** A position to save: mark `id` gets `position`. */
export interface PositionEdit {
  id: number;
  position: number;
}

/**
 * The positions that put mark `movedId` just before (`before` true) or after mark
 * `targetId`, when both have the same time (reordering never changes a time); the
 * marks of that time are numbered 0.. in their new order, and only the changed ones
 * are returned. Null when the move is not allowed (other times, same mark, unknown).
 */
export function dropPositions<M extends Pick<WireMark, 'at_ns' | 'position' | 'id'>>(
  marks: readonly M[],
  movedId: number,
  targetId: number,
  before: boolean,
): PositionEdit[] | null {
  const moved = marks.find((mark) => mark.id === movedId);
  const target = marks.find((mark) => mark.id === targetId);
  if (!moved || !target || moved === target || moved.at_ns !== target.at_ns) return null;
  const run = timelineOrder(marks.filter((mark) => mark.at_ns === moved.at_ns && mark !== moved));
  const at = run.indexOf(target) + (before ? 0 : 1);
  run.splice(at, 0, moved);
  return run.flatMap((mark, position) => (mark.position === position ? [] : [{ id: mark.id, position }]));
}

/**
 * The positions that move mark `id` one place up (-1) or down (+1) among the marks of
 * its time (Alt+Up/Down); null when it is already first/last of that time.
 */
export function stepPositions<M extends Pick<WireMark, 'at_ns' | 'position' | 'id'>>(
  marks: readonly M[],
  id: number,
  step: -1 | 1,
): PositionEdit[] | null {
  const moved = marks.find((mark) => mark.id === id);
  if (!moved) return null;
  const run = timelineOrder(marks.filter((mark) => mark.at_ns === moved.at_ns));
  const neighbour = run[run.indexOf(moved) + step];
  if (!neighbour) return null;
  return dropPositions(marks, id, neighbour.id, step < 0);
}

/** The first line of a note with text (for tooltips), at most `max` characters. */
export function firstLine(note: string, max = 80): string {
  const line = note.split('\n').map((text) => text.trim()).find((text) => text !== '') ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Tags typed as text: split on commas and spaces, `#` dropped, each once. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(/[\s,]+/)
    .map((tag) => tag.replace(/^#/, ''))
    .filter((tag) => tag !== '');
  return [...new Set(tags)];
}

/** The marks on one span / log line, by its key, for the flags of the rows. */
export function marksBy<M extends Pick<WireMark, 'kind' | 'span_id' | 'log_id' | 'trace_id'>>(
  marks: readonly M[],
  kind: 'span' | 'log',
): Map<string, M> {
  const by = new Map<string, M>();
  for (const mark of marks) {
    if (mark.kind !== kind) continue;
    const key = kind === 'span' ? `${mark.trace_id}/${mark.span_id}` : String(mark.log_id);
    if (!by.has(key)) by.set(key, mark);
  }
  return by;
}

/** A mark's flag on a chart of the shared time axis: its mark and its x in px. */
export interface ChartFlag<M> {
  mark: M;
  x: number;
}

/**
 * The flags of `marks` on a chart showing `axis` (ns) over `width` px: each mark whose
 * time lies on the axis, at its x; marks off the axis are left out.
 */
export function chartFlags<M extends Pick<WireMark, 'at_ns'>>(marks: readonly M[], axis: { start: number; end: number }, width: number): ChartFlag<M>[] {
  const span = axis.end - axis.start;
  if (!(span > 0) || !(width > 0)) return [];
  return marks.flatMap((mark) => {
    const at = Number(mark.at_ns);
    return at < axis.start || at > axis.end ? [] : [{ mark, x: ((at - axis.start) / span) * width }];
  });
}
