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

/** The units an axis of durations labels its ticks in (timeAxis.ts picks one per axis). */
export type DurationUnit = 'ns' | 'µs' | 'ms' | 's';

/** Nanoseconds per unit. */
export const NS_PER_UNIT: Readonly<Record<DurationUnit, number>> = { ns: 1, µs: NS_PER_US, ms: NS_PER_MS, s: NS_PER_S };

/**
 * A duration in one given unit with a fixed number of decimals, so every label of
 * an axis reads alike: (20e9, 's', 0) → "20s", (1.2e9, 's', 1) → "1.2s".
 */
export function formatDurationIn(ns: number, unit: DurationUnit, decimals: number): string {
  if (!Number.isFinite(ns)) return '—';
  const digits = Math.min(9, Math.max(0, Math.floor(decimals)));
  const text = (ns / NS_PER_UNIT[unit]).toFixed(digits);
  return `${/^-0\.?0*$/.test(text) ? text.slice(1) : text}${unit}`;
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

/** Which clock absolute times are shown on. */
export type TimeZoneMode = 'utc' | 'local';

/** How a time is shown: on an absolute clock, or relative to `originNs` when there is one. */
export interface TimeFormat {
  zone: TimeZoneMode;
  /** The start of the trace on screen; null: no trace, so times stay absolute. */
  originNs: number | null;
  /** Minutes east of UTC at a Unix time in ms (local time); defaults to the machine's zone. */
  offsetMinutesAt?: (ms: number) => number;
}

const machineOffset = (ms: number) => -new Date(ms).getTimezoneOffset();

/**
 * A Unix time in nanoseconds on the local clock with milliseconds and the zone's
 * offset: "2026-11-03 11:00:00.123+01:00". The offset says which clock it is,
 * so a local time is never mistaken for UTC.
 */
export function formatLocalTimestamp(ns: number, offsetMinutesAt = machineOffset): string {
  if (!Number.isFinite(ns)) return '—';
  const ms = Math.floor(ns / NS_PER_MS);
  const offset = offsetMinutesAt(ms);
  const date = new Date(ms + offset * 60_000);
  if (Number.isNaN(date.getTime())) return '—';
  const sign = offset < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${date.toISOString().replace('T', ' ').replace('Z', '')}${sign}${hours}:${minutes}`;
}

/** A time as an offset from `originNs`: "+1.234s", "-12ms", "+0ns". */
export function formatRelative(ns: number, originNs: number): string {
  if (!Number.isFinite(ns) || !Number.isFinite(originNs)) return '—';
  const offset = ns - originNs;
  return offset < 0 ? formatDuration(offset) : `+${formatDuration(offset)}`;
}

/**
 * The one way the window shows a point in time: relative to the trace on screen
 * when the format has an origin, else on the chosen absolute clock.
 */
export function formatTime(ns: number, format: TimeFormat): string {
  if (format.originNs !== null) return formatRelative(ns, format.originNs);
  return formatAbsolute(ns, format);
}

/** A time on the chosen absolute clock, whatever the origin (lists of traces, ranges). */
export function formatAbsolute(ns: number, format: Pick<TimeFormat, 'zone' | 'offsetMinutesAt'>): string {
  return format.zone === 'utc' ? formatTimestamp(ns) : formatLocalTimestamp(ns, format.offsetMinutesAt);
}

/** The time of day only, for an axis: "10:00:00.123Z" (UTC) or "11:00:00.123" (local). */
export function formatClock(ns: number, format: Pick<TimeFormat, 'zone' | 'offsetMinutesAt'>): string {
  const full = formatAbsolute(ns, format);
  if (full === '—') return full;
  const time = full.slice(11);
  return format.zone === 'utc' ? time : time.slice(0, 12);
}

/**
 * A clock shift, signed and short, as the trace header names a skewed host's:
 * "+2.1 s", "-350 ms", "+12.5 µs" (one decimal at most; formatDuration below 1 µs).
 */
export function formatShift(ns: number): string {
  if (!Number.isFinite(ns)) return '—';
  const sign = ns < 0 ? '-' : '+';
  const size = Math.abs(ns);
  if (size >= NS_PER_MIN) return `${sign}${formatDuration(size)}`;
  if (size >= NS_PER_S) return `${sign}${trimmed(size / NS_PER_S, 1)} s`;
  if (size >= NS_PER_MS) return `${sign}${trimmed(size / NS_PER_MS, 1)} ms`;
  if (size >= NS_PER_US) return `${sign}${trimmed(size / NS_PER_US, 1)} µs`;
  return `${sign}${formatDuration(size)}`;
}

/**
 * A time in decimal ns as the Notebook's time field shows it (UTC, milliseconds):
 * "2026-11-03 10:02:00.000Z"; `parseTimeField` reads it back.
 */
export function formatTimeField(nsText: string): string {
  return formatTimestamp(Number(nsText));
}

/**
 * The time typed in the Notebook's time field, as decimal ns: "2026-11-03 10:02",
 * with seconds and milliseconds optional, "T" or a space, UTC unless an offset
 * ("+01:00") or "Z" says so. Null when it does not read as such a time.
 */
export function parseTimeField(text: string): string | null {
  const match = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d)(:\d\d(\.\d{1,9})?)?\s*(Z|[+-]\d\d:\d\d)?$/i.exec(text.trim());
  if (!match) return null;
  const [, day, minute, seconds, fraction, zone] = match;
  const whole = `${day}T${minute}${seconds ? seconds.slice(0, 3) : ':00'}${zone && zone.toUpperCase() !== 'Z' ? zone : 'Z'}`;
  const ms = Date.parse(whole);
  if (Number.isNaN(ms)) return null;
  const subsecond = BigInt((fraction ?? '.').slice(1).padEnd(9, '0'));
  return (BigInt(ms) * 1_000_000n + subsecond).toString();
}
