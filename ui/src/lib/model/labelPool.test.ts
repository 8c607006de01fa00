import { describe, expect, it } from 'vitest';
import { labelSlots, poolSize } from './labelPool';
import { rowsInView } from './rowWindows';

describe('poolSize', () => {
  it('holds every row a viewport can show partly, aligned or not', () => {
    expect(poolSize(440, 22)).toBe(21);
    expect(poolSize(450, 22)).toBe(22);
    expect(poolSize(0, 22)).toBe(1);
    expect(poolSize(-5, 22)).toBe(1);
  });

  it('is never smaller than the rows in view at any scroll offset', () => {
    for (const viewportPx of [22, 100, 439, 440, 441, 700]) {
      const size = poolSize(viewportPx, 22);
      for (let top = 0; top < 200; top += 0.5) {
        const { first, last } = rowsInView(top, viewportPx, 22, 1_000_000);
        expect(last - first + 1).toBeLessThanOrEqual(size);
      }
    }
  });
});

describe('labelSlots', () => {
  it('puts row r in slot r % size, in row order', () => {
    expect(labelSlots(8, 12, 5)).toEqual([
      { slot: 3, row: 8 },
      { slot: 4, row: 9 },
      { slot: 0, row: 10 },
      { slot: 1, row: 11 },
      { slot: 2, row: 12 },
    ]);
  });

  it('keeps a row in its slot when the window moves, so its label is not rebuilt', () => {
    const before = new Map(labelSlots(100, 120, 22).map(({ slot, row }) => [row, slot]));
    const after = labelSlots(105, 125, 22);
    for (const { slot, row } of after) {
      if (before.has(row)) expect(slot).toBe(before.get(row));
    }
    // A whole viewport further on, the same slots show new rows: the pool does not grow.
    expect(new Set(labelSlots(1_000_000, 1_000_020, 22).map(({ slot }) => slot)).size).toBe(21);
  });

  it('gives unique slots and leaves out rows beyond the pool', () => {
    const slots = labelSlots(0, 40, 10);
    expect(slots.map(({ row }) => row)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set(slots.map(({ slot }) => slot)).size).toBe(10);
  });

  it('gives nothing for an empty range or an empty pool', () => {
    expect(labelSlots(5, 4, 10)).toEqual([]);
    expect(labelSlots(0, 4, 0)).toEqual([]);
  });
});
