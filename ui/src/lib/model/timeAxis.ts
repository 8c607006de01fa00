// The waterfall's time axis: "nice" tick steps (1, 2, 5 × 10^k ns) so that ticks
// are at least `minSpacingPx` apart, and their labels as offsets from the start.
import { formatDuration } from './format';

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
 * Ticks over `[fromNs, fromNs + durationNs]` (offsets from the trace's start) for an
 * axis `widthPx` wide: at multiples of a nice step, labelled with their offset.
 */
export function ticks(durationNs: number, widthPx: number, minSpacingPx = 90, fromNs = 0): Tick[] {
  if (!(durationNs > 0) || !(widthPx > 0)) {
    return [{ offsetNs: fromNs, fraction: 0, label: fromNs === 0 ? '0' : formatDuration(fromNs) }];
  }
  const count = Math.max(1, Math.floor(widthPx / minSpacingPx));
  const step = Math.max(1, niceStep(durationNs / count));
  const out: Tick[] = [];
  const end = fromNs + durationNs + step * 1e-9;
  for (let offsetNs = Math.ceil(fromNs / step) * step; offsetNs <= end; offsetNs += step) {
    out.push({
      offsetNs,
      fraction: (offsetNs - fromNs) / durationNs,
      label: offsetNs === 0 ? '0' : formatDuration(offsetNs),
    });
  }
  return out;
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
