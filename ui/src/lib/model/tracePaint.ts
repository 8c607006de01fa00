// The canvas waterfall of a huge trace (issue 19): bars of a window of rows, or of
// the engine's per-depth summary, turned into a draw list for a pixel width and a
// window of time, then painted. Pure: the component owns the canvas, reads the
// theme's colours once per theme and calls `paintBars` once per frame.
//
// Level of detail: a bar narrower than a pixel is drawn as a 1 px mark, and marks
// of one lane that touch or overlap are merged into one, which keeps the error
// colour if any of them failed and the service of the longest (as Perfetto's
// per-bucket longest slice). A bar outside the window becomes an edge marker.

/** A span's bar in lane `lane` (a row of the waterfall, or a depth of the overview). */
export interface PaintBar {
  lane: number;
  /** Offsets from the trace start, in ns. */
  startNs: number;
  endNs: number;
  /** Index of the service in the trace's outline (its colour slot comes from the palette). */
  service: number;
  error: boolean;
}

export type DrawKind = 'bar' | 'mark' | 'before' | 'after';

export interface DrawItem {
  kind: DrawKind;
  lane: number;
  /** CSS px from the canvas' left edge; `width` ≥ 1. */
  x: number;
  width: number;
  service: number;
  error: boolean;
  /** How many bars this item stands for (> 1 only for merged marks). */
  bars: number;
}

/** Width of an edge marker (a bar before or after the window shown), in CSS px. */
export const EDGE_MARKER_PX = 3;

/**
 * The draw list of `bars` over `view` (offsets in ns) on a canvas `widthPx` wide.
 * Items come lane by lane in the order the bars had within a lane.
 */
export function drawList(
  bars: readonly PaintBar[],
  view: { fromNs: number; toNs: number },
  widthPx: number,
): DrawItem[] {
  const span = Math.max(1, view.toNs - view.fromNs);
  const scale = widthPx / span;
  const items: DrawItem[] = [];
  // The last item of each lane and the length (ns) of the longest bar merged into it.
  const lastOfLane = new Map<number, { item: DrawItem; longestNs: number }>();
  for (const bar of bars) {
    const lengthNs = Math.max(0, bar.endNs - bar.startNs);
    if (bar.endNs < view.fromNs || bar.startNs > view.toNs) {
      const before = bar.endNs < view.fromNs;
      items.push({
        kind: before ? 'before' : 'after',
        lane: bar.lane,
        x: before ? 0 : Math.max(0, widthPx - EDGE_MARKER_PX),
        width: EDGE_MARKER_PX,
        service: bar.service,
        error: bar.error,
        bars: 1,
      });
      lastOfLane.delete(bar.lane);
      continue;
    }
    const left = Math.max(0, (bar.startNs - view.fromNs) * scale);
    const right = Math.min(widthPx, (bar.endNs - view.fromNs) * scale);
    if (right - left >= 1) {
      const item: DrawItem = { kind: 'bar', lane: bar.lane, x: left, width: right - left, service: bar.service, error: bar.error, bars: 1 };
      items.push(item);
      lastOfLane.set(bar.lane, { item, longestNs: lengthNs });
      continue;
    }
    const x = Math.min(Math.max(0, widthPx - 1), Math.floor(left));
    const previous = lastOfLane.get(bar.lane);
    if (previous && previous.item.kind === 'mark' && x <= previous.item.x + previous.item.width) {
      const merged = previous.item;
      merged.width = Math.max(merged.x + merged.width, x + 1) - merged.x;
      merged.error ||= bar.error;
      merged.bars += 1;
      if (lengthNs > previous.longestNs) {
        merged.service = bar.service;
        previous.longestNs = lengthNs;
      }
      continue;
    }
    const item: DrawItem = { kind: 'mark', lane: bar.lane, x, width: 1, service: bar.service, error: bar.error, bars: 1 };
    items.push(item);
    lastOfLane.set(bar.lane, { item, longestNs: lengthNs });
  }
  return items;
}

/** The colours a painter needs, resolved from the CSS variables of app.css. */
export interface PaintTheme {
  background: string;
  /** `--service-0…19`, indexed by palette slot. */
  services: readonly string[];
  error: string;
  /** Background of highlighted lanes (find matches) and of the focused lane. */
  match: string;
  focus: string;
}

/** Where lanes are on the canvas: lane `n` is at `n * laneHeight - top`. */
export interface LaneGeometry {
  laneHeight: number;
  /** The bar's height inside its lane. */
  barHeight: number;
  /** CSS px of the canvas' top edge in lane coordinates. */
  top: number;
  width: number;
  height: number;
}

/** The subset of CanvasRenderingContext2D the painter uses (tests record it). */
export type PaintContext = Pick<CanvasRenderingContext2D, 'fillStyle' | 'fillRect' | 'clearRect'>;

/**
 * Paints `items` (of `drawList`) with lanes `highlighted` behind them: clears, fills
 * the background, then one rectangle per item. `slotOf` maps a service index of the
 * outline to its palette slot.
 */
export function paintBars(
  ctx: PaintContext,
  items: readonly DrawItem[],
  geometry: LaneGeometry,
  theme: PaintTheme,
  slotOf: (service: number) => number,
  highlighted: { matches: ReadonlySet<number>; focus: number | null } = { matches: new Set(), focus: null },
): void {
  const { laneHeight, barHeight, top, width, height } = geometry;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height);
  const laneY = (lane: number) => lane * laneHeight - top;
  for (const lane of highlighted.matches) {
    const y = laneY(lane);
    if (y + laneHeight < 0 || y > height) continue;
    ctx.fillStyle = theme.match;
    ctx.fillRect(0, y, width, laneHeight);
  }
  if (highlighted.focus !== null) {
    const y = laneY(highlighted.focus);
    if (y + laneHeight >= 0 && y <= height) {
      ctx.fillStyle = theme.focus;
      ctx.fillRect(0, y, width, laneHeight);
    }
  }
  const inset = (laneHeight - barHeight) / 2;
  for (const item of items) {
    const y = laneY(item.lane) + inset;
    if (y + barHeight < 0 || y > height) continue;
    const services = theme.services;
    ctx.fillStyle = item.error ? theme.error : (services[slotOf(item.service) % Math.max(1, services.length)] ?? theme.error);
    if (item.kind === 'before' || item.kind === 'after') {
      ctx.fillRect(item.x, y + barHeight / 4, item.width, barHeight / 2);
    } else {
      ctx.fillRect(item.x, y, item.width, barHeight);
    }
  }
}

/** Sizes a canvas' backing store for `devicePixelRatio`; returns the scale to set. */
export function backingSize(cssWidth: number, cssHeight: number, ratio: number): { width: number; height: number; scale: number } {
  const scale = ratio > 0 && Number.isFinite(ratio) ? ratio : 1;
  return { width: Math.max(1, Math.round(cssWidth * scale)), height: Math.max(1, Math.round(cssHeight * scale)), scale };
}
