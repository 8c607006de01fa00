// The trace list's duration-over-time plot: each trace a point, x its start
// (linear), y its duration (log scale, longest at the top), in a width × height box.

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

export function scatterPoints(
  traces: readonly ScatterInput[],
  width: number,
  height: number,
  pad = 6,
): ScatterPoint[] {
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
  const spanX = maxStart - minStart;
  const spanY = maxLog - minLog;
  return traces.map((trace, index) => ({
    traceId: trace.trace_id,
    x: pad + (spanX > 0 ? ((trace.start_ns - minStart) / spanX) * (width - 2 * pad) : (width - 2 * pad) / 2),
    y: height - pad - (spanY > 0 ? ((logs[index]! - minLog) / spanY) * (height - 2 * pad) : (height - 2 * pad) / 2),
    error: trace.errors > 0,
  }));
}
