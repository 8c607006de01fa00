// The waterfall's time axis: "nice" tick steps (1, 2, 5 × 10^k ns) so that ticks
// are at least `minSpacingPx` apart, and their labels as offsets from the start,
// all in one unit and precision (`axisUnit`): "0s 20s 40s … 100s", never a mix of
// "50.000s" and "1m 40.0s". Also where spans outside a zoomed window are marked.
import { formatDurationIn, NS_PER_UNIT, type DurationUnit } from './format';

export interface Tick {
  offsetNs: number;
  /** 0..1 across the axis. */
  fraction: number;
  label: string;
}

/** The smallest 1/2/5 × 10^k that is at least `rough`. */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 5, 10]) {
    if (factor * power >= rough * (1 - 1e-12)) return factor * power;
  }
  return 10 * power;
}

/**
 * The one unit and precision of an axis's labels: the unit is the largest that
 * the furthest tick (`lastNs`) reaches one of (so a tick far from the start still
 * reads in seconds when zoomed in), the decimals as many as the tick step needs
 * in that unit (a step of 0.2 s: one; 50 ms in seconds: two; 20 s: none).
 */
export function axisUnit(stepNs: number, lastNs: number): { unit: DurationUnit; decimals: number } {
  const reach = Math.max(Math.abs(lastNs), stepNs);
  const unit = (['s', 'ms', 'µs'] as const).find((candidate) => reach >= NS_PER_UNIT[candidate]) ?? 'ns';
  const perUnit = stepNs / NS_PER_UNIT[unit];
  const decimals = perUnit > 0 ? Math.max(0, Math.ceil(-Math.log10(perUnit) - 1e-9)) : 0;
  return { unit, decimals: Math.min(9, decimals) };
}

/**
 * Ticks over `[fromNs, fromNs + durationNs]` (offsets from the trace's start) for an
 * axis `widthPx` wide: at multiples of a nice step, labelled with their offset.
 */
export function ticks(durationNs: number, widthPx: number, minSpacingPx = 90, fromNs = 0): Tick[] {
  if (!(durationNs > 0) || !(widthPx > 0)) {
    const { unit, decimals } = axisUnit(Math.max(1, fromNs), fromNs);
    return [{ offsetNs: fromNs, fraction: 0, label: fromNs === 0 ? '0' : formatDurationIn(fromNs, unit, decimals) }];
  }
  const count = Math.max(1, Math.floor(widthPx / minSpacingPx));
  const step = Math.max(1, niceStep(durationNs / count));
  const offsets: number[] = [];
  const end = fromNs + durationNs + step * 1e-9;
  const first = Math.ceil(fromNs / step);
  for (let index = first; index * step <= end; index++) offsets.push(index * step);
  const { unit, decimals } = axisUnit(step, offsets.at(-1) ?? fromNs);
  return offsets.map((offsetNs) => ({
    offsetNs,
    fraction: (offsetNs - fromNs) / durationNs,
    label: offsetNs === 0 ? '0' : formatDurationIn(offsetNs, unit, decimals),
  }));
}

/** Left and width of a bar, in 0..1 of the axis; at least `minFraction` wide. */
export function barExtent(
  startNs: number,
  endNs: number,
  durationNs: number,
  minFraction = 0.002,
  fromNs = 0,
): { left: number; width: number } {
  if (!(durationNs > 0)) return { left: 0, width: 1 };
  const left = Math.min(1, Math.max(0, (startNs - fromNs) / durationNs));
  const right = Math.min(1, Math.max(0, (endNs - fromNs) / durationNs));
  const width = Math.max(minFraction, Math.min(1 - left, right - left));
  return { left, width };
}

/** Where a span shows against the window `[fromNs, fromNs + durationNs]` of a zoom. */
export type BarPlacement =
  | { kind: 'bar'; left: number; width: number; clippedStart: boolean; clippedEnd: boolean }
  | { kind: 'before' }
  | { kind: 'after' };

/**
 * A span's bar in a window: inside (clipped where it runs past an edge, which
 * `clippedStart`/`clippedEnd` say), or wholly before or after it — then the row
 * shows a marker at that edge instead of a sliver of bar squeezed against it.
 * A span of no length exactly at an edge is inside.
 */
export function barPlacement(
  startNs: number,
  endNs: number,
  durationNs: number,
  fromNs = 0,
  minFraction = 0.002,
): BarPlacement {
  const toNs = fromNs + durationNs;
  if (durationNs > 0 && endNs < fromNs) return { kind: 'before' };
  if (durationNs > 0 && startNs > toNs) return { kind: 'after' };
  const { left, width } = barExtent(startNs, endNs, durationNs, minFraction, fromNs);
  return { kind: 'bar', left, width, clippedStart: startNs < fromNs, clippedEnd: endNs > toNs };
}

/**
 * Where a bar's label goes: after the bar while `room` (a part of the lane) is
 * left there, else before it, else (a bar across the lane) inside its end, where
 * it is drawn in the panel colour, which every service colour reads on (AA).
 */
export function labelSide(left: number, width: number, room = 0.15): 'after' | 'before' | 'inside' {
  if (left + width <= 1 - room) return 'after';
  return left >= room ? 'before' : 'inside';
}

/** A zoom (offsets from the trace start) as 0..1 of the whole trace, for the minimap; null: not zoomed. */
export function zoomWindow(
  zoom: { fromNs: number; toNs: number } | null,
  durationNs: number,
): { left: number; width: number } | null {
  if (zoom === null || !(durationNs > 0)) return null;
  const left = Math.min(1, Math.max(0, zoom.fromNs / durationNs));
  const right = Math.min(1, Math.max(left, zoom.toNs / durationNs));
  return { left, width: right - left };
}
