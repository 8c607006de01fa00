// Pure text formatting of the numbers the engine sends: durations and times in
// nanoseconds, counts. No DOM, no locale: the same input gives the same text
// on every machine, which the tests rely on.

const NS_PER_US = 1e3;
const NS_PER_MS = 1e6;
const NS_PER_S = 1e9;
const NS_PER_MIN = 60 * NS_PER_S;

/** `value` with at most `digits` decimals, trailing zeros dropped: 12.50 → "12.5". */
function trimmed(value: number, digits: number): string {
  return value.toFixed(digits).replace(/\.?0+$/, '');
}

/**
 * A duration for people: 830ns, 830µs, 12.5ms, 1.234s, 2m 5.3s, 1h 02m.
 * Units step up when rounding would print 1000 of the smaller one.
 */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '—';
  if (ns < 0) return `-${formatDuration(-ns)}`;
  if (ns < NS_PER_US) return `${Math.round(ns)}ns`;
  if (Math.round((ns / NS_PER_US) * 10) < 10_000) return `${trimmed(ns / NS_PER_US, 1)}µs`;
  if (Math.round((ns / NS_PER_MS) * 10) < 10_000) return `${trimmed(ns / NS_PER_MS, 1)}ms`;
  if (Math.round(ns / NS_PER_MS) < 60_000) return `${(ns / NS_PER_S).toFixed(3)}s`;
  const tenths = Math.round(ns / (NS_PER_S / 10));
  if (tenths < 36_000) {
    const minutes = Math.floor(tenths / 600);
    return `${minutes}m ${((tenths - minutes * 600) / 10).toFixed(1)}s`;
  }
  const totalMinutes = Math.round(ns / NS_PER_MIN);
  const hours = Math.floor(totalMinutes / 60);
  return `${hours}h ${String(totalMinutes - hours * 60).padStart(2, '0')}m`;
}

/**
 * A Unix time in nanoseconds as UTC with milliseconds: "2026-11-03 10:00:00.123Z".
 * Nanosecond times exceed 2^53, so the sub-microsecond digits are not reliable
 * after JSON; milliseconds are.
 */
export function formatTimestamp(ns: number): string {
  if (!Number.isFinite(ns)) return '—';
  const date = new Date(Math.floor(ns / NS_PER_MS));
  if (Number.isNaN(date.getTime())) return '—';
  return date.toISOString().replace('T', ' ');
}

/** An integer count with thin spaces between thousands: 1234567 → "1 234 567". */
export function formatCount(count: number): string {
  const sign = count < 0 ? '-' : '';
  const digits = String(Math.trunc(Math.abs(count)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}
