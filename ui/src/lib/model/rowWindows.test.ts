import { describe, expect, it } from 'vitest';
import {
  BlockCache,
  blocksFor,
  jumped,
  marginFor,
  missingRuns,
  movedFocus,
  rowsInView,
  rowsTop,
  scrollSpace,
  scrollTopFor,
  topToShow,
} from './rowWindows';

describe('jumped', () => {
  it('is a move of more than a viewport, never the first', () => {
    expect(jumped(null, 50_000, 600)).toBe(false);
    expect(jumped(1_000, 1_600, 600)).toBe(false);
    expect(jumped(1_600, 1_000, 600)).toBe(false);
    expect(jumped(1_000, 1_601, 600)).toBe(true);
    expect(jumped(13_000, 1_000, 600)).toBe(true);
  });
});

describe('marginFor', () => {
  it('keeps the margin while the view moves at most a viewport between requests, none past that', () => {
    expect(marginFor(null, 50_000, 600, 128)).toBe(128);
    expect(marginFor(1_000, 1_000, 600, 128)).toBe(128);
    expect(marginFor(1_000, 1_600, 600, 128)).toBe(128);
    expect(marginFor(1_600, 1_000, 600, 128)).toBe(128);
    expect(marginFor(1_000, 1_601, 600, 128)).toBe(0);
    expect(marginFor(13_000, 1_000, 600, 128)).toBe(0);
  });
});

describe('blocksFor', () => {
  it('covers the rows in view and the margin, in aligned blocks within the rows', () => {
    expect(blocksFor(300, 340, 100, 10_000, 256)).toEqual([0, 1]);
    expect(blocksFor(600, 640, 10, 10_000, 256)).toEqual([2]);
    expect(blocksFor(9_990, 9_999, 100, 10_000, 256)).toEqual([38, 39]);
  });

  it('asks for nothing when there are no rows', () => {
    expect(blocksFor(0, 10, 5, 0)).toEqual([]);
    expect(blocksFor(5, 4, 5, 100)).toEqual([]);
  });
});

describe('missingRuns', () => {
  it('groups consecutive missing blocks into one request each', () => {
    const have = new Set([2, 5]);
    expect(missingRuns([0, 1, 2, 3, 4, 5, 6], (block) => have.has(block))).toEqual([
      [0, 1],
      [3, 4],
      [6, 6],
    ]);
    expect(missingRuns([1, 2], () => true)).toEqual([]);
  });
});

describe('BlockCache', () => {
  it('gives rows by index from their blocks, undefined where a block is missing', () => {
    const cache = new BlockCache<string>(4);
    cache.set(1, 0, ['a', 'b']);
    cache.set(1, 2, ['e', 'f']);
    expect(cache.rows(1, 1, 6, 2)).toEqual(['b', undefined, undefined, 'e', 'f']);
  });

  it('keeps blocks of one collapsed version apart from another', () => {
    const cache = new BlockCache<string>(4);
    cache.set(1, 0, ['old']);
    cache.set(2, 0, ['new']);
    expect(cache.get(1, 0)).toEqual(['old']);
    expect(cache.get(2, 0)).toEqual(['new']);
    expect(cache.has(3, 0)).toBe(false);
  });

  it('holds at most its capacity, dropping the least recently used', () => {
    const cache = new BlockCache<number>(2);
    cache.set(0, 0, [0]);
    cache.set(0, 1, [1]);
    cache.get(0, 0);
    cache.set(0, 2, [2]);
    expect(cache.size).toBe(2);
    expect(cache.has(0, 0)).toBe(true);
    expect(cache.has(0, 1)).toBe(false);
    expect(cache.has(0, 2)).toBe(true);
  });
});

describe('scroll space', () => {
  it('is exact while the rows fit', () => {
    expect(scrollSpace(1000, 22, 500)).toBe(22_000);
    expect(rowsTop(1234, 1000, 22, 500)).toBe(1234);
    expect(scrollTopFor(1234, 1000, 22, 500)).toBe(1234);
    // Never past the last row.
    expect(rowsTop(50_000, 1000, 22, 500)).toBe(21_500);
    expect(scrollSpace(3, 22, 500)).toBe(500);
  });

  it('is capped for a million rows and maps its ends to the first and the last rows', () => {
    const total = 1_000_000;
    const space = scrollSpace(total, 22, 600, 16_000_000);
    expect(space).toBe(16_000_000);
    expect(rowsTop(0, total, 22, 600, 16_000_000)).toBe(0);
    expect(rowsTop(space - 600, total, 22, 600, 16_000_000)).toBe(total * 22 - 600);
    const top = 11_000_000;
    expect(rowsTop(scrollTopFor(top, total, 22, 600, 16_000_000), total, 22, 600, 16_000_000)).toBeCloseTo(top, 3);
  });
});

describe('topToShow', () => {
  it('moves as little as it can to show a row whole', () => {
    expect(topToShow(10, 0, 20, 100)).toBe(120);
    expect(topToShow(2, 100, 20, 100)).toBe(40);
    expect(topToShow(6, 100, 20, 100)).toBe(100);
  });
});

describe('rowsInView', () => {
  it('lists the rows at least partly in view', () => {
    expect(rowsInView(30, 100, 20, 1000)).toEqual({ first: 1, last: 6 });
    expect(rowsInView(0, 100, 20, 3)).toEqual({ first: 0, last: 2 });
    expect(rowsInView(0, 100, 20, 0)).toEqual({ first: 0, last: -1 });
  });
});

describe('movedFocus', () => {
  it('moves by a row, a page, or to either end', () => {
    expect(movedFocus('ArrowDown', 5, 100, 10)).toBe(6);
    expect(movedFocus('ArrowUp', 0, 100, 10)).toBe(0);
    expect(movedFocus('PageDown', 95, 100, 10)).toBe(99);
    expect(movedFocus('PageUp', 5, 100, 10)).toBe(0);
    expect(movedFocus('Home', 50, 100, 10)).toBe(0);
    expect(movedFocus('End', 0, 1_000_000, 10)).toBe(999_999);
    expect(movedFocus('x', 0, 100, 10)).toBeNull();
    expect(movedFocus('End', 0, 0, 10)).toBeNull();
  });
});
