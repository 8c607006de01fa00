import { describe, expect, it } from 'vitest';
import {
  formatAbsolute,
  formatTimeField,
  parseTimeField,
  formatClock,
  formatCount,
  formatDuration,
  formatDurationIn,
  formatLocalTimestamp,
  formatRelative,
  formatShift,
  formatTime,
  formatTimestamp,
} from './format';

describe('formatDuration', () => {
  it.each([
    [0, '0ns'],
    [830, '830ns'],
    [830_000, '830µs'],
    [12_500, '12.5µs'],
    [1_000_000, '1ms'],
    [12_500_000, '12.5ms'],
    [999_960, '1ms'],
    [999_960_000, '1.000s'],
    [1_234_000_000, '1.234s'],
    [59_999_600_000, '1m 0.0s'],
    [125_300_000_000, '2m 5.3s'],
    [3_720_000_000_000, '1h 02m'],
    [-1_500_000, '-1.5ms'],
  ])('%d ns → %s', (ns, text) => {
    expect(formatDuration(ns)).toBe(text);
  });

  it('says nothing for a missing value', () => {
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('formatDurationIn', () => {
  it('prints every value in the one unit and precision it is given', () => {
    expect([0, 20e9, 40e9, 100e9].map((ns) => formatDurationIn(ns, 's', 0))).toEqual(['0s', '20s', '40s', '100s']);
    expect([0.2e9, 1.2e9].map((ns) => formatDurationIn(ns, 's', 1))).toEqual(['0.2s', '1.2s']);
    expect(formatDurationIn(1100, 'µs', 1)).toBe('1.1µs');
    expect(formatDurationIn(250e6, 'ms', 0)).toBe('250ms');
    expect(formatDurationIn(-0.0001, 'ms', 1)).toBe('0.0ms');
    expect(formatDurationIn(Number.NaN, 's', 1)).toBe('—');
  });
});

describe('formatTimestamp', () => {
  it('prints UTC with milliseconds', () => {
    expect(formatTimestamp(1_793_700_000_123_456_789)).toBe('2026-11-03 10:00:00.123Z');
    expect(formatTimestamp(0)).toBe('1970-01-01 00:00:00.000Z');
  });

  it('rounds down, also before 1970', () => {
    expect(formatTimestamp(1_999_999)).toBe('1970-01-01 00:00:00.001Z');
    expect(formatTimestamp(-1)).toBe('1969-12-31 23:59:59.999Z');
  });

  it('says nothing for an impossible time', () => {
    expect(formatTimestamp(Number.POSITIVE_INFINITY)).toBe('—');
    expect(formatTimestamp(1e30)).toBe('—');
  });
});

describe('formatCount', () => {
  it('groups thousands with thin spaces', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1\u2009000');
    expect(formatCount(1_234_567)).toBe('1\u2009234\u2009567');
    expect(formatCount(-4200)).toBe('-4\u2009200');
  });
});

describe('times in the three modes', () => {
  const NS = 1_793_700_000_123_456_789; // 2026-11-03 10:00:00.123Z
  const india = () => 330;
  const newYork = () => -300;

  it('UTC ignores any offset', () => {
    expect(formatAbsolute(NS, { zone: 'utc', offsetMinutesAt: india })).toBe('2026-11-03 10:00:00.123Z');
    expect(formatTime(NS, { zone: 'utc', originNs: null })).toBe('2026-11-03 10:00:00.123Z');
  });

  it('local time carries its offset, east and west', () => {
    expect(formatLocalTimestamp(NS, india)).toBe('2026-11-03 15:30:00.123+05:30');
    expect(formatLocalTimestamp(NS, newYork)).toBe('2026-11-03 05:00:00.123-05:00');
    expect(formatTime(NS, { zone: 'local', originNs: null, offsetMinutesAt: newYork })).toBe(
      '2026-11-03 05:00:00.123-05:00',
    );
  });

  it('relative to an origin, either side of it', () => {
    expect(formatTime(NS, { zone: 'local', originNs: NS - 1_234_000_000, offsetMinutesAt: india })).toBe('+1.234s');
    expect(formatRelative(NS, NS + 12_000_000)).toBe('-12ms');
    expect(formatRelative(NS, NS)).toBe('+0ns');
  });

  it('the clock alone, for axes', () => {
    expect(formatClock(NS, { zone: 'utc' })).toBe('10:00:00.123Z');
    expect(formatClock(NS, { zone: 'local', offsetMinutesAt: india })).toBe('15:30:00.123');
  });

  it('says nothing for a missing time', () => {
    expect(formatLocalTimestamp(Number.NaN, india)).toBe('—');
    expect(formatRelative(Number.NaN, 0)).toBe('—');
  });
});

describe('formatShift', () => {
  it('signs a clock shift and keeps one decimal', () => {
    expect(formatShift(2_100_000_000)).toBe('+2.1 s');
    expect(formatShift(2_000_000_000)).toBe('+2 s');
    expect(formatShift(-350_000_000)).toBe('-350 ms');
    expect(formatShift(12_540)).toBe('+12.5 µs');
    expect(formatShift(-800)).toBe('-800ns');
    expect(formatShift(125 * 1e9)).toBe('+2m 5.0s');
    expect(formatShift(Number.NaN)).toBe('—');
  });
});

describe('the Notebook time field', () => {
  it('shows a time in UTC and reads it back to the nanosecond', () => {
    expect(formatTimeField('1762164120123000000')).toBe('2025-11-03 10:02:00.123Z');
    expect(parseTimeField('2025-11-03 10:02:00.123Z')).toBe('1762164120123000000');
    expect(parseTimeField('2025-11-03T10:02')).toBe('1762164120000000000');
    expect(parseTimeField('2025-11-03 10:02:00.123456789')).toBe('1762164120123456789');
    expect(parseTimeField('2025-11-03 11:02+01:00')).toBe('1762164120000000000');
  });
  it('refuses what is not such a time', () => {
    expect(parseTimeField('10:02')).toBeNull();
    expect(parseTimeField('2025-13-45 10:02')).toBeNull();
    expect(parseTimeField('')).toBeNull();
  });
});
