import { describe, expect, it } from 'vitest';
import { offsetsOf, rowAt, scrollToShow, visibleRange } from './windowing';

describe('windowing', () => {
  it('sums heights into offsets', () => {
    expect([...offsetsOf(3, (index) => [10, 20, 5][index]!)]).toEqual([0, 10, 30, 35]);
    expect([...offsetsOf(0, () => 10)]).toEqual([0]);
  });

  it('finds the row under a y, clamped', () => {
    const offsets = offsetsOf(3, (index) => [10, 20, 5][index]!);
    expect([0, 9, 10, 29, 30, 34, 1000, -5].map((y) => rowAt(offsets, y))).toEqual([
      0, 0, 1, 1, 2, 2, 2, 0,
    ]);
    expect(rowAt(offsetsOf(0, () => 1), 0)).toBe(-1);
  });

  it('renders only the rows in view plus overscan, for 100k rows', () => {
    const offsets = offsetsOf(100_000, () => 24);
    expect(visibleRange(offsets, 0, 240, 2)).toEqual({ start: 0, end: 12 });
    expect(visibleRange(offsets, 24 * 5000 + 12, 240, 2)).toEqual({ start: 4998, end: 5013 });
    expect(visibleRange(offsets, 24 * 100_000, 240, 2)).toEqual({ start: 99_997, end: 100_000 });
    expect(visibleRange(offsetsOf(0, () => 24), 0, 240)).toEqual({ start: 0, end: 0 });
  });

  it('scrolls as little as needed to show a row', () => {
    const offsets = offsetsOf(100, () => 10);
    expect(scrollToShow(offsets, 5, 0, 100)).toBe(0);
    expect(scrollToShow(offsets, 12, 0, 100)).toBe(30);
    expect(scrollToShow(offsets, 2, 50, 100)).toBe(20);
  });
});
