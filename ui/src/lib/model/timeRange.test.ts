import { describe, expect, it } from 'vitest';
import { bucketsBetween, rfc3339, withTimeRange } from './timeRange';

describe('timeRange', () => {
  it('writes times as RFC 3339, widened to whole milliseconds', () => {
    expect(rfc3339(1793700060863400000, 'down')).toBe('2026-11-03T10:01:00.863Z');
    expect(rfc3339(1793700060863400000, 'up')).toBe('2026-11-03T10:01:00.864Z');
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

  it('turns a drag into a bucket range, either way, clamped', () => {
    expect(bucketsBetween(10, 55, 100, 10)).toEqual([1, 5]);
    expect(bucketsBetween(55, 10, 100, 10)).toEqual([1, 5]);
    expect(bucketsBetween(-5, 500, 100, 10)).toEqual([0, 9]);
  });
});
