import { describe, expect, it } from 'vitest';
import { backingSize, drawList, paintBars, type PaintBar, type PaintContext } from './tracePaint';

const bar = (lane: number, startNs: number, endNs: number, service = 0, error = false): PaintBar => ({
  lane,
  startNs,
  endNs,
  service,
  error,
});

describe('drawList', () => {
  it('places bars in pixels across the window shown', () => {
    const items = drawList([bar(0, 0, 1000), bar(1, 250, 500, 3, true)], { fromNs: 0, toNs: 1000 }, 200);
    expect(items).toEqual([
      { kind: 'bar', lane: 0, x: 0, width: 200, service: 0, error: false, bars: 1 },
      { kind: 'bar', lane: 1, x: 50, width: 50, service: 3, error: true, bars: 1 },
    ]);
  });

  it('draws a bar narrower than a pixel as a 1 px mark on its pixel', () => {
    const [item] = drawList([bar(4, 5_010, 5_011)], { fromNs: 0, toNs: 10_000 }, 100);
    expect(item).toEqual({ kind: 'mark', lane: 4, x: 50, width: 1, service: 0, error: false, bars: 1 });
  });

  it('merges adjacent sub-pixel bars of a lane, keeping an error and the longest one’s service', () => {
    // 1 px = 100 ns: ten 10..90 ns bars on pixels 10, 10, 11, 12 merge; pixel 20 stands apart.
    const bars = [
      bar(2, 1000, 1010, 1),
      bar(2, 1050, 1090, 2),
      bar(2, 1100, 1130, 3, true),
      bar(2, 1200, 1210, 4),
      bar(2, 2000, 2010, 5),
      bar(3, 1000, 1010, 6),
    ];
    const items = drawList(bars, { fromNs: 0, toNs: 10_000 }, 100);
    expect(items).toEqual([
      { kind: 'mark', lane: 2, x: 10, width: 3, service: 2, error: true, bars: 4 },
      { kind: 'mark', lane: 2, x: 20, width: 1, service: 5, error: false, bars: 1 },
      { kind: 'mark', lane: 3, x: 10, width: 1, service: 6, error: false, bars: 1 },
    ]);
  });

  it('does not merge a mark into a wide bar, nor marks separated by one', () => {
    const items = drawList(
      [bar(0, 100, 110), bar(0, 100, 5000), bar(0, 5000, 5010)],
      { fromNs: 0, toNs: 10_000 },
      100,
    );
    expect(items.map((item) => item.kind)).toEqual(['mark', 'bar', 'mark']);
  });

  it('gives a bar outside the window an edge marker and clips one across its edge', () => {
    const items = drawList(
      [bar(0, 0, 100), bar(1, 900, 950), bar(2, 400, 800)],
      { fromNs: 500, toNs: 700 },
      100,
    );
    expect(items).toEqual([
      { kind: 'before', lane: 0, x: 0, width: 3, service: 0, error: false, bars: 1 },
      { kind: 'after', lane: 1, x: 97, width: 3, service: 0, error: false, bars: 1 },
      { kind: 'bar', lane: 2, x: 0, width: 100, service: 0, error: false, bars: 1 },
    ]);
  });

  it('keeps a mark at the right edge inside the canvas', () => {
    const [item] = drawList([bar(0, 1000, 1000)], { fromNs: 0, toNs: 1000 }, 100);
    expect(item).toMatchObject({ kind: 'mark', x: 99, width: 1 });
  });

  it('turns 100 000 sub-pixel spans of one lane into at most one mark per pixel', () => {
    const bars = Array.from({ length: 100_000 }, (_, index) => bar(0, index * 10, index * 10 + 5, index % 8));
    const items = drawList(bars, { fromNs: 0, toNs: 1_000_000 }, 500);
    expect(items.length).toBeLessThanOrEqual(500);
    expect(items.reduce((sum, item) => sum + item.bars, 0)).toBe(100_000);
  });
});

/** A 2D context that records what is drawn, with the fill style at the time. */
function recorder() {
  const calls: string[] = [];
  const ctx = {
    fillStyle: '',
    clearRect: (...args: number[]) => calls.push(`clear ${args.join(' ')}`),
    fillRect(...args: number[]) {
      calls.push(`fill ${String(this.fillStyle)} ${args.join(' ')}`);
    },
  };
  return { ctx: ctx as unknown as PaintContext, calls };
}

const THEME = { background: 'bg', services: ['s0', 's1', 's2'], error: 'red', match: 'hit', focus: 'cursor' };

describe('paintBars', () => {
  it('paints the background, highlighted lanes, then each item in its lane', () => {
    const { ctx, calls } = recorder();
    const items = drawList([bar(10, 0, 500, 1), bar(11, 500, 510, 0, true), bar(12, 0, 0, 0)], { fromNs: 0, toNs: 1000 }, 100);
    paintBars(ctx, items, { laneHeight: 20, barHeight: 10, top: 200, width: 100, height: 60 }, THEME, (service) => service + 1, {
      matches: new Set([11, 99]),
      focus: 10,
    });
    expect(calls).toEqual([
      'clear 0 0 100 60',
      'fill bg 0 0 100 60',
      'fill hit 0 20 100 20',
      'fill cursor 0 0 100 20',
      'fill s2 0 5 50 10',
      'fill red 50 25 1 10',
      'fill s1 0 45 1 10',
    ]);
  });

  it('skips lanes above and below the canvas', () => {
    const { ctx, calls } = recorder();
    const items = drawList([bar(0, 0, 1000), bar(50, 0, 1000)], { fromNs: 0, toNs: 1000 }, 10);
    paintBars(ctx, items, { laneHeight: 20, barHeight: 10, top: 100, width: 10, height: 40 }, THEME, () => 0);
    expect(calls).toEqual(['clear 0 0 10 40', 'fill bg 0 0 10 40']);
  });

  it('draws an edge marker as a short bar', () => {
    const { ctx, calls } = recorder();
    const items = drawList([bar(0, 0, 10)], { fromNs: 100, toNs: 200 }, 50);
    paintBars(ctx, items, { laneHeight: 20, barHeight: 12, top: 0, width: 50, height: 20 }, THEME, () => 2);
    expect(calls.at(-1)).toBe('fill s2 0 7 3 6');
  });
});

describe('backingSize', () => {
  it('scales the backing store by the device pixel ratio', () => {
    expect(backingSize(300, 100.4, 2)).toEqual({ width: 600, height: 201, scale: 2 });
    expect(backingSize(300, 100, 0)).toEqual({ width: 300, height: 100, scale: 1 });
  });
});
