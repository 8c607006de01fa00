// The labels of the windowed waterfall as a fixed pool of recycled rows (issue 19).
// Keyed by the row number, a scroll of a viewport per frame destroyed every label
// component of the frame and created as many (all keys new). Keyed by a slot
// instead — row `r` always in slot `r % size` — a label element lives as long as
// the waterfall and a scroll only gives it another row: its text and its
// translateY change, nothing is created. Pure: the component lays the slots out.
// Measured (scripts/measure-frames.mjs, the 1M-span trace scrolled a viewport per
// frame, release, load ≈ 11 on 2 cores, back to back): the scroll handler with
// Svelte's update of the labels went from 9 ms median / 25 ms p95 to 2 / 8 ms.

/** One label of the pool: its slot (the key) and the row it shows now. */
export interface LabelSlot {
  slot: number;
  row: number;
}

/**
 * The pool's size for a viewport `viewportPx` tall: every row at least partly in
 * view gets a slot (a viewport not aligned on rows shows one more), never fewer
 * than one.
 */
export function poolSize(viewportPx: number, rowHeight: number): number {
  return Math.max(1, Math.ceil(Math.max(0, viewportPx) / rowHeight) + 1);
}

/**
 * The slots showing rows `[first, last]` in row order, row `r` in slot `r % size`.
 * Rows beyond `size` are left out (the pool covers a viewport); an empty range gives
 * no slot. Consecutive rows have distinct slots, so the keys are unique.
 */
export function labelSlots(first: number, last: number, size: number): LabelSlot[] {
  const slots: LabelSlot[] = [];
  if (size <= 0 || last < first) return slots;
  const end = Math.min(last, first + size - 1);
  for (let row = first; row <= end; row++) slots.push({ slot: row % size, row });
  return slots;
}
