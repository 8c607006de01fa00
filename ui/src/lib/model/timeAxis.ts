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

/** Ticks over `[0, durationNs]` for an axis `widthPx` wide. */
export function ticks(durationNs: number, widthPx: number, minSpacingPx = 90): Tick[] {
  if (!(durationNs > 0) || !(widthPx > 0)) return [{ offsetNs: 0, fraction: 0, label: '0' }];
  const count = Math.max(1, Math.floor(widthPx / minSpacingPx));
  const step = Math.max(1, niceStep(durationNs / count));
  const out: Tick[] = [];
  for (let offsetNs = 0; offsetNs <= durationNs + step * 1e-9; offsetNs += step) {
    out.push({
      offsetNs,
      fraction: offsetNs / durationNs,
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
): { left: number; width: number } {
  if (!(durationNs > 0)) return { left: 0, width: 1 };
  const left = Math.min(1, Math.max(0, startNs / durationNs));
  const width = Math.max(minFraction, Math.min(1 - left, (endNs - startNs) / durationNs));
  return { left, width };
}
