// Row maths of the windowed waterfall (issue 19): which blocks of rows a viewport
// needs, a small cache of fetched blocks keyed by the collapsed set's version, and
// the scroll space of millions of rows. Pure: the store fetches, this decides.
//
// Rows are fetched in aligned blocks of `BLOCK_ROWS`, so a scroll of a few rows asks
// for nothing new and two viewports share their blocks. A block is only valid for the
// collapsed set it was fetched under: the key holds that set's version, and a change
// of the set starts a new version (old blocks age out of the cache).

/** Rows per fetched block. */
export const BLOCK_ROWS = 256;

/**
 * The tallest scroll space the list is given, in CSS px. WebKit lays out in
 * `LayoutUnit`s (1/64 px in an int32), so an element cannot be taller than
 * 2^25 px ≈ 33.5 M px; we stay at half of that, and past it a scroll px stands for
 * more than one px of rows (`scrollSpace`).
 */
export const MAX_SCROLL_PX = 16_000_000;

/** The blocks holding rows `[first, last]` plus `margin` rows each side, within `total`. */
export function blocksFor(first: number, last: number, margin: number, total: number, block = BLOCK_ROWS): number[] {
  if (total <= 0 || last < first) return [];
  const from = Math.max(0, first - margin);
  const to = Math.min(total - 1, last + margin);
  if (to < from) return [];
  const blocks: number[] = [];
  for (let index = Math.floor(from / block); index <= Math.floor(to / block); index++) blocks.push(index);
  return blocks;
}

/**
 * The rows to fetch beyond each side of the viewport: `margin` while the view moves
 * less than a viewport between two requests (reading, scrolling), none while it moves
 * more (a fling, a jump): the rows around a view that is already gone would never be
 * shown, and each fetched row is memory the web view holds until it collects it.
 */
export function marginFor(previousTop: number | null, top: number, viewportPx: number, margin: number): number {
  return jumped(previousTop, top, viewportPx) ? 0 : margin;
}

/** Whether the view moved more than a viewport since `previousTop` (a fling, a jump); never before a first request. */
export function jumped(previousTop: number | null, top: number, viewportPx: number): boolean {
  return previousTop !== null && Math.abs(top - previousTop) > viewportPx;
}

/**
 * The blocks of `wanted` not cached and not in flight, as runs of consecutive blocks
 * `[firstBlock, lastBlock]` (one request each).
 */
export function missingRuns(wanted: readonly number[], have: (block: number) => boolean): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const block of wanted) {
    if (have(block)) continue;
    const run = runs.at(-1);
    if (run && run[1] === block - 1) run[1] = block;
    else runs.push([block, block]);
  }
  return runs;
}

/** A bounded cache of row blocks by (collapsed version, block), least recently used out first. */
export class BlockCache<Row> {
  readonly #blocks = new Map<string, Row[]>();
  readonly #capacity: number;

  constructor(capacity = 24) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#blocks.size;
  }

  has(version: number, block: number): boolean {
    return this.#blocks.has(`${version}:${block}`);
  }

  get(version: number, block: number): Row[] | undefined {
    const key = `${version}:${block}`;
    const rows = this.#blocks.get(key);
    if (rows !== undefined) {
      this.#blocks.delete(key);
      this.#blocks.set(key, rows);
    }
    return rows;
  }

  set(version: number, block: number, rows: Row[]): void {
    const key = `${version}:${block}`;
    this.#blocks.delete(key);
    this.#blocks.set(key, rows);
    while (this.#blocks.size > this.#capacity) {
      const oldest = this.#blocks.keys().next().value as string;
      this.#blocks.delete(oldest);
    }
  }

  /** Rows `[start, end)` of `version` from the cache: undefined where a block is missing. */
  rows(version: number, start: number, end: number, block = BLOCK_ROWS): Array<Row | undefined> {
    const out: Array<Row | undefined> = [];
    for (let row = start; row < end; row++) {
      out.push(this.#blocks.get(`${version}:${Math.floor(row / block)}`)?.[row % block]);
    }
    return out;
  }

  clear(): void {
    this.#blocks.clear();
  }
}

/**
 * The scroll space of `totalRows` rows of `rowHeight` for a viewport `viewportPx`
 * tall: the spacer's height, capped at `maxPx`.
 */
export function scrollSpace(totalRows: number, rowHeight: number, viewportPx: number, maxPx = MAX_SCROLL_PX): number {
  return Math.max(viewportPx, Math.min(maxPx, totalRows * rowHeight));
}

/**
 * The y of the rows (row `n` at `n * rowHeight`) at the viewport's top for a
 * `scrollTop`: exact while the rows fit the scroll space, proportional past it, so
 * the top of the scroll space shows row 0 and its bottom the last rows.
 */
export function rowsTop(scrollTop: number, totalRows: number, rowHeight: number, viewportPx: number, maxPx = MAX_SCROLL_PX): number {
  const rowsPx = totalRows * rowHeight;
  const rowsMax = Math.max(0, rowsPx - viewportPx);
  const scrollMax = Math.max(0, scrollSpace(totalRows, rowHeight, viewportPx, maxPx) - viewportPx);
  const top = Math.min(Math.max(0, scrollTop), scrollMax);
  if (rowsPx <= maxPx || scrollMax === 0) return Math.min(top, rowsMax);
  return (top / scrollMax) * rowsMax;
}

/** The inverse of `rowsTop`: the scrollTop that puts rows' y `top` at the viewport's top. */
export function scrollTopFor(top: number, totalRows: number, rowHeight: number, viewportPx: number, maxPx = MAX_SCROLL_PX): number {
  const rowsPx = totalRows * rowHeight;
  const rowsMax = Math.max(0, rowsPx - viewportPx);
  const scrollMax = Math.max(0, scrollSpace(totalRows, rowHeight, viewportPx, maxPx) - viewportPx);
  const clamped = Math.min(Math.max(0, top), rowsMax);
  if (rowsPx <= maxPx || rowsMax === 0) return clamped;
  return (clamped / rowsMax) * scrollMax;
}

/** The rows' y to show row `row` whole, moving from `top` as little as possible. */
export function topToShow(row: number, top: number, rowHeight: number, viewportPx: number): number {
  const rowTop = row * rowHeight;
  if (rowTop < top) return rowTop;
  if (rowTop + rowHeight > top + viewportPx) return Math.max(0, rowTop + rowHeight - viewportPx);
  return top;
}

/** Rows `[first, last]` at least partly in a viewport `viewportPx` tall whose top is at `top`. */
export function rowsInView(top: number, viewportPx: number, rowHeight: number, totalRows: number): { first: number; last: number } {
  if (totalRows <= 0) return { first: 0, last: -1 };
  const first = Math.min(totalRows - 1, Math.max(0, Math.floor(top / rowHeight)));
  const last = Math.min(totalRows - 1, Math.max(first, Math.ceil((top + viewportPx) / rowHeight) - 1));
  return { first, last };
}

/** The focus after a navigation key; null when the key is not one of these. */
export function movedFocus(key: string, focus: number, totalRows: number, pageRows: number): number | null {
  if (totalRows <= 0) return null;
  const last = totalRows - 1;
  const page = Math.max(1, pageRows);
  switch (key) {
    case 'ArrowDown':
      return Math.min(last, focus + 1);
    case 'ArrowUp':
      return Math.max(0, focus - 1);
    case 'PageDown':
      return Math.min(last, focus + page);
    case 'PageUp':
      return Math.max(0, focus - page);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}
