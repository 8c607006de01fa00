// One trace in the waterfall: its span tree, which spans are collapsed, the
// focused row (keyboard) and the selected span (details, and the log view's scope).
// A placeholder row (a parent the case lacks) takes the focus and collapses, but is
// never selected. A trace of more than BIG_TRACE_SPANS spans is not fetched whole:
// it opens in `big` (stores/bigTrace.svelte.ts, the windowed waterfall) instead,
// and `trace` stays null.
import {
  qualityApi,
  searchApi,
  toWeftError,
  type Finding,
  type QualityApi,
  type SearchApi,
  type TraceView,
  type WeftError,
} from '../api';
import { collapsedBelow, rowKey, rowStates, spanTree, type SpanTree } from '../model/rowStates';
import { matchSpans } from '../model/spanSearch';
import type { TraceRowsApi } from '../api/traceRows';
import { BigTraceStore } from './bigTrace.svelte';

/**
 * Traces with more spans than this open in the windowed waterfall. Measured on the
 * release build (`make measure-app`, 2 cores at load ≈ 6): the full view's click →
 * first rows took 305 ms for 2 000 spans, 496 ms for 5 000 and 724 ms for 10 000 (it
 * fetches and lays out every span); the windowed one 386 ms for 100 000 and 425 ms
 * for 1 000 000, whatever the size. They cross near 5 000, where the engine also
 * starts keeping a trace's layout in the case.
 */
export const BIG_TRACE_SPANS = 5_000;

export class WaterfallStore {
  trace = $state.raw<TraceView | null>(null);
  tree = $state.raw<SpanTree | null>(null);
  collapsed = $state.raw<ReadonlySet<string>>(new Set());
  /** Index into `rows` of the keyboard focus. */
  focus = $state(0);
  selected = $state<string | null>(null);
  /** The span of the log line under the pointer, highlighted in the waterfall. */
  hovered = $state<string | null>(null);
  /** The window of time shown (offsets from the trace start); null: all of it. */
  zoom = $state.raw<{ fromNs: number; toNs: number } | null>(null);
  /** The in-trace search text; matching spans are highlighted. */
  find = $state('');
  loading = $state(false);
  error = $state.raw<WeftError | null>(null);
  /** The span the trace was opened at when the case does not hold it (a trace-linked
   *  log's span: sampled out or not loaded); null otherwise. */
  missingSpan = $state<string | null>(null);
  /** The findings of `weft doctor` about the trace (issue 17); they come after it. */
  findings = $state.raw<Finding[]>([]);
  /** The huge trace shown in the windowed waterfall; null when `trace` is shown (or none). */
  big = $state.raw<BigTraceStore | null>(null);

  rows = $derived(
    this.trace && this.tree ? rowStates(this.trace.spans, this.tree, this.collapsed) : [],
  );
  /** Indexes (into the spans) of the spans matching `find`. */
  matches = $derived(this.trace ? matchSpans(this.trace.spans, this.find) : new Set<number>());
  /** The trace's length: the latest span end from its start. */
  durationNs = $derived(
    this.trace ? Math.max(0, ...this.trace.spans.map((span) => span.end_offset_ns)) : 0,
  );

  /** The window shown: the zoom, else the whole trace. */
  view = $derived(this.zoom ?? { fromNs: 0, toNs: this.durationNs });

  readonly #api: SearchApi;
  readonly #quality: Pick<QualityApi, 'traceFindings'>;
  readonly #rows: TraceRowsApi | null;
  #generation = 0;

  /** Without `rows` (the windowed commands) every trace is fetched whole. */
  constructor(
    api: SearchApi = searchApi,
    quality: Pick<QualityApi, 'traceFindings'> = qualityApi,
    rows: TraceRowsApi | null = null,
  ) {
    this.#api = api;
    this.#quality = quality;
    this.#rows = rows;
  }

  /** The trace shown, whole or windowed. */
  get traceId(): string | null {
    return this.trace?.trace_id ?? this.big?.outline?.traceId ?? null;
  }

  /** Loads `traceId`; with `spanId`, that span is shown (ancestors expanded) and selected. */
  async open(traceId: string, spanId: string | null = null): Promise<void> {
    const generation = ++this.#generation;
    this.loading = true;
    this.error = null;
    try {
      if (this.#rows && (await this.#openBig(this.#rows, traceId, spanId, generation))) return;
      const trace = await this.#api.getTrace(traceId);
      if (generation !== this.#generation) return;
      this.big?.close();
      this.big = null;
      this.trace = trace;
      this.findings = [];
      this.tree = spanTree(trace.spans, trace.missing_parents);
      this.collapsed = new Set();
      this.zoom = null;
      this.focus = 0;
      this.selected = null;
      const held = spanId !== null && trace.spans.some((span) => span.span_id === spanId);
      this.missingSpan = spanId !== null && !held ? spanId : null;
      if (spanId && held) this.reveal(spanId);
      void this.#loadFindings(traceId, generation);
    } catch (raw) {
      if (generation === this.#generation) this.error = toWeftError(raw);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Opens `traceId` in the windowed waterfall if it is huge; false: it is not. */
  async #openBig(rows: TraceRowsApi, traceId: string, spanId: string | null, generation: number): Promise<boolean> {
    let outline;
    try {
      outline = await rows.outline(traceId);
    } catch {
      // get_trace then says what is wrong (a trace the case does not hold, …).
      return false;
    }
    if (generation !== this.#generation) return true;
    if (outline.spanCount <= BIG_TRACE_SPANS) return false;
    const big = this.big ?? new BigTraceStore(rows);
    this.trace = null;
    this.tree = null;
    this.findings = [];
    this.missingSpan = null;
    this.selected = null;
    this.big = big;
    const held = await big.open(outline, spanId);
    if (generation !== this.#generation) return true;
    if (spanId !== null) {
      if (held) this.selected = spanId;
      else this.missingSpan = spanId;
      void big.select(this.selected);
    }
    return true;
  }

  /** The trace's findings, after the trace (a failure leaves none: the trace is shown anyway). */
  async #loadFindings(traceId: string, generation: number): Promise<void> {
    try {
      const findings = await this.#quality.traceFindings(traceId);
      if (generation === this.#generation) this.findings = findings;
    } catch (raw) {
      if (generation === this.#generation) this.error = toWeftError(raw);
    }
  }

  close(): void {
    this.#generation++;
    this.missingSpan = null;
    this.trace = null;
    this.big?.close();
    this.big = null;
    this.tree = null;
    this.findings = [];
    this.selected = null;
  }

  /** Expands the ancestors of `spanId`, focuses and selects it. */
  reveal(spanId: string): void {
    const spans = this.trace?.spans ?? [];
    const byId = new Map(spans.map((span) => [span.span_id, span]));
    const next = new Set(this.collapsed);
    let parent = byId.get(spanId)?.parent_span_id ?? null;
    for (let steps = 0; parent !== null && steps < spans.length; steps++) {
      next.delete(parent);
      parent = byId.get(parent)?.parent_span_id ?? null;
    }
    this.collapsed = next;
    const row = this.rows.findIndex((state) => state.placeholder === null && spans[state.span]!.span_id === spanId);
    if (row >= 0) this.focus = row;
    this.selected = spanId;
  }

  /** Shows only `[fromNs, toNs]` (offsets from the trace start), at least 1 ns wide. */
  zoomTo(fromNs: number, toNs: number): void {
    const [from, to] = fromNs <= toNs ? [fromNs, toNs] : [toNs, fromNs];
    this.zoom = { fromNs: Math.max(0, from), toNs: Math.max(from + 1, to) };
  }

  zoomToSpan(spanId: string): void {
    const span = this.trace?.spans.find((candidate) => candidate.span_id === spanId);
    if (span) this.zoomTo(span.start_offset_ns, span.end_offset_ns);
  }

  resetZoom(): void {
    this.zoom = null;
  }

  /** Moves the focus to the next match after it (wrapping), revealing it. */
  nextMatch(): void {
    if (!this.trace || this.matches.size === 0) return;
    const order = rowStates(this.trace.spans, this.tree!, new Set());
    const focusedSpan = this.rows[this.focus]?.span ?? -1;
    const at = order.findIndex((row) => row.span === focusedSpan);
    for (let step = 1; step <= order.length; step++) {
      const row = order[(at + step) % order.length]!;
      if (this.matches.has(row.span)) {
        const spanId = this.trace.spans[row.span]!.span_id;
        const selected = this.selected;
        this.reveal(spanId);
        this.selected = selected;
        return;
      }
    }
  }

  /** The span of row `row`; null on a placeholder's row or past the rows. */
  spanIdAt(row: number): string | null {
    const state = this.rows[row];
    return state && state.placeholder === null && this.trace ? this.trace.spans[state.span]!.span_id : null;
  }

  /** What row `row` collapses by: its span id, or a placeholder's missing span id. */
  #keyAt(row: number): string | null {
    const state = this.rows[row];
    return state && this.trace ? rowKey(this.trace.spans, state) : null;
  }

  /**
   * Collapses or expands `spanId`. The focus stays on its span, and a focus or a
   * selection hidden by the collapse moves to the nearest visible ancestor: returns
   * the span then selected when the selection moved (to pass on to the log view and
   * the history), else null.
   */
  setCollapsed(spanId: string, collapsed: boolean): string | null {
    const next = new Set(this.collapsed);
    if (collapsed) next.add(spanId);
    else next.delete(spanId);
    return this.#setRows(next);
  }

  toggle(spanId: string): string | null {
    return this.setCollapsed(spanId, !this.collapsed.has(spanId));
  }

  /**
   * Collapses every span at `depth` or deeper (0: only roots shown); Infinity expands
   * all. Returns what `setCollapsed` returns.
   */
  collapseTo(depth: number): string | null {
    if (this.big) {
      // The windowed waterfall keeps its focus on a visible row itself.
      void this.big.collapseTo(depth);
      return null;
    }
    if (!this.trace || !this.tree) return null;
    return this.#setRows(
      Number.isFinite(depth) ? collapsedBelow(this.trace.spans, this.tree, depth) : new Set(),
    );
  }

  /** Sets `collapsed`, keeping the focus and the selection on visible spans (see setCollapsed). */
  #setRows(collapsed: ReadonlySet<string>): string | null {
    const focused = this.#keyAt(this.focus);
    this.collapsed = collapsed;
    const spans = this.trace!.spans;
    const rowOf = new Map(this.rows.map((state, row) => [rowKey(spans, state), row]));
    const focusRow = focused === null ? undefined : rowOf.get(this.#shown(focused, rowOf) ?? '');
    this.focus = focusRow ?? Math.min(this.focus, Math.max(0, this.rows.length - 1));
    // The selection goes only to a span's row, never to a placeholder's.
    const spanRows = new Map([...rowOf].filter(([, row]) => this.rows[row]!.placeholder === null));
    if (this.selected === null || spanRows.has(this.selected)) return null;
    const shown = this.#shown(this.selected, spanRows);
    if (shown === null) return null;
    this.selected = shown;
    return shown;
  }

  /** `spanId` if it has a row, else its nearest ancestor that has one (null: none). */
  #shown(spanId: string, rowOf: ReadonlyMap<string, number>): string | null {
    const spans = this.trace?.spans ?? [];
    const byId = new Map(spans.map((span) => [span.span_id, span]));
    let at: string | null = spanId;
    for (let steps = 0; at !== null && steps <= spans.length; steps++) {
      if (rowOf.has(at)) return at;
      at = byId.get(at)?.parent_span_id ?? null;
    }
    return null;
  }

  /**
   * A key on the waterfall: up/down move, left collapses (or goes to the parent),
   * right expands (or goes to the first child), enter selects. Returns the span to
   * select: on enter, or when a collapse hid the selected span (its visible ancestor
   * then); else null. `handled` says whether the key was one of these.
   */
  key(key: string): { handled: boolean; select: string | null } {
    const rows = this.rows;
    const state = rows[this.focus];
    if (!state || !this.trace) return { handled: false, select: null };
    const spanId = rowKey(this.trace.spans, state);
    if (key === 'ArrowDown') this.focus = Math.min(rows.length - 1, this.focus + 1);
    else if (key === 'ArrowUp') this.focus = Math.max(0, this.focus - 1);
    else if (key === 'ArrowLeft') {
      if (state.hasChildren && !state.collapsed) {
        return { handled: true, select: this.setCollapsed(spanId, true) };
      } else {
        let parent = this.focus - 1;
        while (parent >= 0 && rows[parent]!.depth >= state.depth) parent--;
        if (parent >= 0) this.focus = parent;
      }
    } else if (key === 'ArrowRight') {
      if (state.collapsed) this.setCollapsed(spanId, false);
      else if (state.hasChildren) this.focus = Math.min(rows.length - 1, this.focus + 1);
    } else if (key === 'Enter') {
      if (state.placeholder) return { handled: true, select: null };
      this.selected = spanId;
      return { handled: true, select: spanId };
    } else return { handled: false, select: null };
    return { handled: true, select: null };
  }
}
