import { describe, expect, it } from 'vitest';
import { pickedRange, rfc3339, withoutPickedRange, withTimeRange } from './timeRange';

describe('timeRange', () => {
  it('writes times as RFC 3339, widened to whole milliseconds', () => {
    expect(rfc3339(1793700060863400000, 'down')).toBe('2026-11-03T10:01:00.863Z');
    expect(rfc3339(1793700060863400000, 'up')).toBe('2026-11-03T10:01:00.864Z');
    // A bigint is rounded exactly, also a nanosecond off a millisecond, and before 1970.
    expect(rfc3339(1_793_700_060_863_000_001n, 'down')).toBe('2026-11-03T10:01:00.863Z');
    expect(rfc3339(1_793_700_060_863_000_001n, 'up')).toBe('2026-11-03T10:01:00.864Z');
    expect(rfc3339(1_793_700_060_863_000_000n, 'up')).toBe('2026-11-03T10:01:00.863Z');
    expect(rfc3339(-1n, 'down')).toBe('1969-12-31T23:59:59.999Z');
    expect(rfc3339(-1n, 'up')).toBe('1970-01-01T00:00:00.000Z');
  });

  it('replaces the time terms of a query and keeps the rest', () => {
    const query = 'level>=warn  after:2026-01-01T00:00Z "a b" before:2027-01-01T00:00Z';
    expect(withTimeRange(query, 0, 1e6)).toBe(
      'level>=warn "a b" after:1970-01-01T00:00:00.000Z before:1970-01-01T00:00:00.001Z',
    );
    expect(withTimeRange('', 0, 0)).toBe(
      'after:1970-01-01T00:00:00.000Z before:1970-01-01T00:00:00.000Z',
    );
  });

  it('reads back the range it writes, and only that form', () => {
    const start = Date.UTC(2026, 10, 3, 10) * 1e6;
    const query = withTimeRange('level>=warn', start, start + 60e9);
    expect(pickedRange(query)).toEqual({ start, end: start + 60e9 });
    expect(withoutPickedRange(query)).toBe('level>=warn');
    expect(pickedRange('after:-15m before:2026-11-03T10:00:00.000Z')).toBeNull();
    expect(withoutPickedRange(' after:-15m  x ')).toBe('after:-15m  x');
    expect(pickedRange('after:2026-11-03T10:00:00.000Z')).toBeNull();
    expect(pickedRange('after:2026-11-03T11:00:00.000Z before:2026-11-03T10:00:00.000Z')).toBeNull();
  });
});
