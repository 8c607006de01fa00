// A huge trace in the windowed waterfall (issue 19): the engine keeps the trace's
// layout and this store holds only its outline, the blocks of rows around the
// viewport (model/rowWindows.ts), the collapsed set, the keyboard focus (a row),
// the find results and the per-depth summary of the overview. The selected span
// is the WaterfallStore's (the log view and the history follow it there).
//
// Fetching: one request at a time; scrolling while it runs only waits for it, and
// when it returns the rows of the viewport then are asked for (coalesced). An answer for a collapsed set or a trace that is no longer shown is
// dropped.
import { toWeftError, type SpanView, type WeftError } from '../api';
import type { BigRow, SummaryCell, TraceOutlineView, TraceRowsApi } from '../api/traceRows';
import { BLOCK_ROWS, BlockCache, blocksFor, jumped, marginFor, missingRuns, movedFocus, rowsInView, topToShow } from '../model/rowWindows';

/** Height of a row of the windowed waterfall, in CSS px. */
export const BIG_ROW_HEIGHT = 22;
/** Rows fetched beyond each edge of the viewport. */
const MARGIN_ROWS = 128;
/**
 * How long a view scrolled by more than FLING_VIEWPORTS viewports at once (a frame
 * of a fling, a drag of the thumb) must stay before it asks for its rows. The frames
 * of a fling are closer together, so a fling asks nothing until it stops; a steadier
 * scroll asks at once.
 */
export const REST_MS = 30;
/**
 * A scroll step of more viewports of rows than this is a fling. Past the capped
 * scroll space (`MAX_SCROLL_PX`) a scroll of one viewport moves more than a viewport
 * of rows (1.375 on a 1M-span trace), and such a scroll must still show its rows.
 */
export const FLING_VIEWPORTS = 3;
/** Time buckets of the overview's summary. */
export const SUMMARY_BUCKETS = 400;

export class BigTraceStore {
  outline = $state.raw<TraceOutlineView | null>(null);
  collapsed = $state.raw<ReadonlySet<string>>(new Set());
  /** Bumped on every change of `collapsed`: the cache's key. */
  version = $state(0);
  totalRows = $state(0);
  /** The rows' y (row n at n × BIG_ROW_HEIGHT) at the viewport's top. */
  top = $state(0);
  viewportPx = $state(400);
  focus = $state(0);
  /** The in-trace search text and what the engine found for it over the whole trace. */
  find = $state('');
  found = $state.raw<{ text: string; total: number; matches: Array<{ spanId: string; row: number | null }> } | null>(null);
  /** Index into `found.matches` of the match last jumped to; -1: none yet. */
  matchAt = $state(-1);
  summary = $state.raw<SummaryCell[]>([]);
  zoom = $state.raw<{ fromNs: number; toNs: number } | null>(null);
  /** The selected span's details (span_detail). */
  detail = $state.raw<SpanView | null>(null);
  error = $state.raw<WeftError | null>(null);
  /** Bumped when a block of rows arrives (what is drawn depends on it). */
  arrived = $state(0);
  /** Row requests made and rows received since the store was made (`make measure-app` reads them). */
  requests = $state(0);
  rowsReceived = $state(0);

  /** The rows in view (undefined where not fetched yet), from `first`. */
  shown = $derived.by(() => {
    void this.arrived;
    const { first, last } = rowsInView(this.top, this.viewportPx, BIG_ROW_HEIGHT, this.totalRows);
    return { first, rows: this.#cache.rows(this.version, first, last + 1) };
  });
  matchIds = $derived(new Set(this.found?.matches.map((match) => match.spanId) ?? []));
  durationNs = $derived(this.outline?.durationNs ?? 0);
  view = $derived(this.zoom ?? { fromNs: 0, toNs: Math.max(1, this.durationNs) });

  readonly #api: TraceRowsApi;
  readonly #cache = new BlockCache<BigRow>(32);
  #generation = 0;
  /** The fetch loop running, if any. */
  #loop: Promise<void> | null = null;
  #again = false;
  /** The viewport's top at the last request (`marginFor`). */
  #requestedTop: number | null = null;
  #summaryVersion = -1;
  /** The wait of a view that jumped before it asks for its rows (REST_MS). */
  #rest: ReturnType<typeof setTimeout> | undefined;
  /** The viewport's top at the last `setViewport` or when the trace opened. */
  #scrolledTop: number | null = null;

  constructor(api: TraceRowsApi) {
    this.#api = api;
  }

  /**
   * Shows `outline`'s trace from its first row; with `spanId`, that span is revealed
   * and focused. Returns whether the trace holds `spanId` (true without one).
   */
  async open(outline: TraceOutlineView, spanId: string | null = null): Promise<boolean> {
    this.#generation++;
    this.#cache.clear();
    this.outline = outline;
    this.collapsed = new Set();
    this.version++;
    this.totalRows = outline.totalRows;
    this.top = 0;
    this.#scrolledTop = 0;
    this.focus = 0;
    this.find = '';
    this.found = null;
    this.matchAt = -1;
    this.zoom = null;
    this.detail = null;
    this.error = null;
    this.summary = [];
    const first = this.fetch();
    void this.#fetchSummary();
    const row = spanId === null ? 0 : await this.reveal(spanId);
    await first;
    await this.fetch();
    return row !== null;
  }

  close(): void {
    clearTimeout(this.#rest);
    this.#rest = undefined;
    this.#generation++;
    this.#cache.clear();
    this.outline = null;
    this.detail = null;
  }

  /** The row at `row` if fetched. */
  rowAt(row: number): BigRow | undefined {
    return this.#cache.rows(this.version, row, row + 1)[0];
  }

  /**
   * The viewport moved (scrolled or resized): rows' y `top`, `heightPx` tall. A
   * focused row in view stays in view when the viewport shrinks (the header wrapping
   * a line when the find count shows, a smaller window).
   */
  setViewport(top: number, heightPx: number): void {
    const height = Math.max(BIG_ROW_HEIGHT, heightPx);
    const focusTop = this.focus * BIG_ROW_HEIGHT;
    const focusShown = focusTop >= this.top && focusTop + BIG_ROW_HEIGHT <= this.top + this.viewportPx;
    this.top = Math.max(0, top);
    if (height !== this.viewportPx && focusShown) this.top = topToShow(this.focus, this.top, BIG_ROW_HEIGHT, height);
    this.viewportPx = height;
    clearTimeout(this.#rest);
    this.#rest = undefined;
    const previous = this.#scrolledTop;
    this.#scrolledTop = this.top;
    // A view scrolled several viewports in one step may be gone by the next frame:
    // its rows are asked for once it stays (every answer is memory the web view holds
    // until it collects it; a fling to the end of a 1M-span trace asked for ~880 000
    // rows in ~3 300 requests).
    if (jumped(previous, this.top, FLING_VIEWPORTS * this.viewportPx)) {
      this.#rest = setTimeout(() => {
        this.#rest = undefined;
        void this.fetch();
      }, REST_MS);
      return;
    }
    void this.fetch();
  }

  /** Fetches the blocks the viewport lacks; resolves when the viewport's rows are there. */
  fetch(): Promise<void> {
    // While a request runs, the viewport's rows are asked for once it is answered
    // (those callers then share one loop): scrolling coalesces into a request each.
    if (this.#loop) return this.#loop.then(() => this.fetch());
    const outline = this.outline;
    if (!outline) return Promise.resolve();
    this.#loop = this.#fetchLoop(outline).finally(() => (this.#loop = null));
    return this.#loop;
  }

  async #fetchLoop(outline: TraceOutlineView): Promise<void> {
    try {
      do {
        this.#again = false;
        const generation = this.#generation;
        const version = this.version;
        const collapsed = [...this.collapsed];
        const { first, last } = rowsInView(this.top, this.viewportPx, BIG_ROW_HEIGHT, this.totalRows);
        const margin = marginFor(this.#requestedTop, this.top, this.viewportPx, MARGIN_ROWS);
        this.#requestedTop = this.top;
        const blocks = blocksFor(first, last, margin, this.totalRows);
        for (const [from, to] of missingRuns(blocks, (block) => this.#cache.has(version, block))) {
          this.requests++;
          const page = await this.#api.rows(outline.traceId, from * BLOCK_ROWS, (to + 1) * BLOCK_ROWS, collapsed);
          this.rowsReceived += page.rows.length;
          if (generation !== this.#generation || version !== this.version) break;
          for (let block = from; block <= to; block++) {
            const start = (block - from) * BLOCK_ROWS;
            this.#cache.set(version, block, page.rows.slice(start, start + BLOCK_ROWS));
          }
          if (page.totalRows !== this.totalRows) {
            // Fewer rows than thought (a collapse): the viewport moves up onto them and asks again.
            this.totalRows = page.totalRows;
            this.top = Math.min(this.top, Math.max(0, this.totalRows * BIG_ROW_HEIGHT - this.viewportPx));
            this.focus = Math.min(this.focus, Math.max(0, this.totalRows - 1));
            this.#again = true;
          }
          this.arrived++;
        }
      } while (this.#again);
    } catch (raw) {
      this.error = toWeftError(raw);
    }
  }

  /** The overview: the engine's per-depth, per-bucket longest span for the collapsed set. */
  async #fetchSummary(): Promise<void> {
    const outline = this.outline;
    if (!outline || this.#summaryVersion === this.version) return;
    const version = this.version;
    const generation = this.#generation;
    try {
      const summary = await this.#api.summary(outline.traceId, SUMMARY_BUCKETS, [...this.collapsed]);
      if (generation === this.#generation && version === this.version) {
        this.summary = summary;
        this.#summaryVersion = version;
      }
    } catch (raw) {
      if (generation === this.#generation) this.error = toWeftError(raw);
    }
  }

  /** Moves the focus to `row` and scrolls it into view. */
  focusRow(row: number): void {
    this.focus = Math.min(Math.max(0, row), Math.max(0, this.totalRows - 1));
    this.top = topToShow(this.focus, this.top, BIG_ROW_HEIGHT, this.viewportPx);
    void this.fetch();
  }

  /**
   * Sets the collapsed set. Rows before the first changed span's row are the same
   * under the new set, so their blocks are carried over to the new version.
   */
  async #setCollapsed(collapsed: ReadonlySet<string>, unchangedRows: number): Promise<void> {
    const old = this.version;
    const version = old + 1;
    for (let block = 0; (block + 1) * BLOCK_ROWS <= unchangedRows; block++) {
      const rows = this.#cache.get(old, block);
      if (!rows) break;
      this.#cache.set(version, block, rows);
    }
    this.collapsed = collapsed;
    this.version = version;
    await this.fetch();
    void this.#fetchSummary();
    if (this.find.trim() !== '') await this.search();
  }

  /** Collapses or expands the span of row `row` (which keeps its row). */
  async toggle(row: number): Promise<void> {
    const state = this.rowAt(row);
    if (!state || !state.hasChildren) return;
    const next = new Set(this.collapsed);
    if (next.has(state.spanId)) next.delete(state.spanId);
    else next.add(state.spanId);
    this.focus = row;
    await this.#setCollapsed(next, row + 1);
  }

  /** Collapses every span at `depth` (0: only the roots show); Infinity expands all. */
  async collapseTo(depth: number): Promise<void> {
    const outline = this.outline;
    if (!outline) return;
    const spanIds = Number.isFinite(depth) ? await this.#api.collapseToDepth(outline.traceId, depth) : [];
    const focused = this.rowAt(this.focus)?.spanId ?? null;
    await this.#setCollapsed(new Set(spanIds), 0);
    const row = focused === null ? null : await this.#api.rowOf(outline.traceId, focused, [...this.collapsed]);
    this.focusRow(row ?? Math.min(this.focus, this.totalRows - 1));
  }

  /** Expands the collapsed ancestors of `spanId`, then focuses its row. Returns the row (null: not in the trace). */
  async reveal(spanId: string): Promise<number | null> {
    const outline = this.outline;
    if (!outline) return null;
    const ancestors = new Set<string>();
    let parent = (await this.#api.span(outline.traceId, spanId))?.parent_span_id ?? null;
    for (let steps = 0; parent !== null && steps <= outline.maxDepth + 1; steps++) {
      ancestors.add(parent);
      parent = (await this.#api.span(outline.traceId, parent))?.parent_span_id ?? null;
    }
    const hiding = [...this.collapsed].filter((collapsedId) => ancestors.has(collapsedId));
    if (hiding.length > 0) await this.#setCollapsed(new Set([...this.collapsed].filter((id) => !ancestors.has(id))), 0);
    const row = await this.#api.rowOf(outline.traceId, spanId, [...this.collapsed]);
    if (row !== null) this.focusRow(row);
    return row;
  }

  /** Runs the find text over the whole trace. */
  async search(): Promise<void> {
    const outline = this.outline;
    const text = this.find.trim();
    if (!outline || text === '') {
      this.found = null;
      this.matchAt = -1;
      return;
    }
    const generation = this.#generation;
    const version = this.version;
    try {
      const found = await this.#api.find(outline.traceId, text, [...this.collapsed]);
      if (generation !== this.#generation || version !== this.version || this.find.trim() !== text) return;
      this.found = { text, ...found };
      if (this.matchAt >= found.matches.length) this.matchAt = -1;
    } catch (raw) {
      this.error = toWeftError(raw);
    }
  }

  /** Jumps to the next (`step` 1) or previous (-1) match, expanding what hides it. */
  async jumpToMatch(step: 1 | -1): Promise<void> {
    const matches = this.found?.matches ?? [];
    if (matches.length === 0) return;
    // From the focus: the first match after (or before) the focused row.
    let at: number;
    if (this.matchAt < 0) {
      const index = matches.findIndex((match) => match.row !== null && match.row > this.focus);
      at = step === 1 ? (index < 0 ? 0 : index) : (index < 0 ? matches.length : index) - 1;
    } else at = this.matchAt + step;
    at = ((at % matches.length) + matches.length) % matches.length;
    this.matchAt = at;
    const match = matches[at]!;
    if (match.row !== null) this.focusRow(match.row);
    else await this.reveal(match.spanId);
  }

  /** Loads the details of the selected span (null: none selected). */
  async select(spanId: string | null): Promise<void> {
    const outline = this.outline;
    if (!outline || spanId === null) {
      this.detail = null;
      return;
    }
    if (this.detail?.span_id === spanId) return;
    const generation = this.#generation;
    try {
      const detail = await this.#api.span(outline.traceId, spanId);
      if (generation === this.#generation) this.detail = detail;
    } catch (raw) {
      this.error = toWeftError(raw);
    }
  }

  zoomTo(fromNs: number, toNs: number): void {
    const [from, to] = fromNs <= toNs ? [fromNs, toNs] : [toNs, fromNs];
    this.zoom = { fromNs: Math.max(0, from), toNs: Math.max(from + 1, to) };
  }

  /**
   * A key on the waterfall: ↑ ↓ PgUp PgDn Home End move, ← collapses (or goes to the
   * parent), → expands (or goes to the first child), Enter selects. Returns the span
   * to select on Enter.
   */
  async key(key: string): Promise<{ handled: boolean; select: string | null }> {
    const pageRows = Math.max(1, Math.floor(this.viewportPx / BIG_ROW_HEIGHT) - 1);
    const moved = movedFocus(key, this.focus, this.totalRows, pageRows);
    if (moved !== null) {
      this.focusRow(moved);
      return { handled: true, select: null };
    }
    const row = this.rowAt(this.focus);
    if (!row) return { handled: key === 'ArrowLeft' || key === 'ArrowRight' || key === 'Enter', select: null };
    const collapsed = this.collapsed.has(row.spanId);
    if (key === 'ArrowLeft') {
      if (row.hasChildren && !collapsed) await this.toggle(this.focus);
      else if (row.parentSpanId !== null && this.outline) {
        const parent = await this.#api.rowOf(this.outline.traceId, row.parentSpanId, [...this.collapsed]);
        if (parent !== null) this.focusRow(parent);
      }
    } else if (key === 'ArrowRight') {
      if (collapsed) await this.toggle(this.focus);
      else if (row.hasChildren) this.focusRow(this.focus + 1);
    } else if (key === 'Enter') return { handled: true, select: row.spanId };
    else return { handled: false, select: null };
    return { handled: true, select: null };
  }
}
