// The trace list's duration-over-time plot: each trace a point, x its start
// (linear: over the charts' time axis when given, else over the traces' own starts),
// y its duration (log scale, longest at the top), in a width × height box.
import type { TimeRange } from './timeFit';

export interface ScatterInput {
  trace_id: string;
  start_ns: number;
  duration_ns: number;
  errors: number;
}

export interface ScatterPoint {
  traceId: string;
  x: number;
  y: number;
  error: boolean;
}

/** The points of `traces`; with `axis`, only those starting on it, placed on it. */
export function scatterPoints(
  all: readonly ScatterInput[],
  width: number,
  height: number,
  pad = 6,
  axis?: TimeRange,
): ScatterPoint[] {
  const traces = axis ? all.filter((trace) => trace.start_ns >= axis.start && trace.start_ns <= axis.end) : all;
  if (traces.length === 0) return [];
  let [minStart, maxStart] = [Infinity, -Infinity];
  let [minLog, maxLog] = [Infinity, -Infinity];
  const logs = traces.map((trace) => Math.log10(Math.max(1, trace.duration_ns)));
  traces.forEach((trace, index) => {
    minStart = Math.min(minStart, trace.start_ns);
    maxStart = Math.max(maxStart, trace.start_ns);
    minLog = Math.min(minLog, logs[index]!);
    maxLog = Math.max(maxLog, logs[index]!);
  });
  if (axis) [minStart, maxStart] = [axis.start, axis.end];
  const spanX = maxStart - minStart;
  const spanY = maxLog - minLog;
  return traces.map((trace, index) => ({
    traceId: trace.trace_id,
    x: pad + (spanX > 0 ? ((trace.start_ns - minStart) / spanX) * (width - 2 * pad) : (width - 2 * pad) / 2),
    y: height - pad - (spanY > 0 ? ((logs[index]! - minLog) / spanY) * (height - 2 * pad) : (height - 2 * pad) / 2),
    error: trace.errors > 0,
  }));
}
