import { describe, expect, it } from 'vitest';
import { drawMinimap, minimapRowAt, type MinimapContext } from './minimap';

/** A 2D context that records what is drawn, with the fill style at the time. */
function recorder() {
  const calls: string[] = [];
  const ctx = {
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    clearRect: (...args: number[]) => calls.push(`clear ${args.join(' ')}`),
    fillRect(...args: number[]) {
      calls.push(`fill ${String(this.fillStyle)} ${args.join(' ')}`);
    },
    strokeRect(...args: number[]) {
      calls.push(`stroke ${String(this.strokeStyle)} ${args.join(' ')}`);
    },
  };
  return { ctx: ctx as unknown as MinimapContext, calls };
}

const THEME = { background: 'bg', error: 'red', window: 'win' };

describe('drawMinimap', () => {
  it('draws a bar per row, errors in the error colour, and a box over the shown rows', () => {
    const { ctx, calls } = recorder();
    const bars = [
      { left: 0, width: 1, colour: 'blue', error: false },
      { left: 0.5, width: 0.25, colour: 'green', error: true },
    ];
    drawMinimap(ctx, bars, { start: 1, end: 2 }, { width: 100, height: 20 }, THEME);
    expect(calls).toEqual([
      'clear 0 0 100 20',
      'fill bg 0 0 100 20',
      'fill blue 0 0 100 7',
      'fill red 50 10 25 7',
      'stroke win 0.5 10.5 99 9',
    ]);
  });

  it('keeps the row of a placeholder (a missing parent) but paints nothing there', () => {
    const { ctx, calls } = recorder();
    const bars = [
      { left: 0, width: 1, colour: 'blue', error: false },
      { left: 0, width: 0, colour: 'grey', error: false, placeholder: true },
      { left: 0.5, width: 0.5, colour: 'green', error: false },
    ];
    drawMinimap(ctx, bars, null, { width: 100, height: 30 }, THEME);
    expect(calls).toEqual(['clear 0 0 100 30', 'fill bg 0 0 100 30', 'fill blue 0 0 100 7', 'fill green 50 20 50 7']);
  });

  it('keeps bars of 100k rows at least 1 px and draws nothing for an empty trace', () => {
    const { ctx, calls } = recorder();
    const bars = Array.from({ length: 100_000 }, () => ({
      left: 0.1,
      width: 0,
      colour: 'c',
      error: false,
    }));
    drawMinimap(ctx, bars, null, { width: 100, height: 50 }, THEME);
    expect(calls).toHaveLength(2 + 100_000);
    expect(calls[2]).toBe('fill c 10 0 1 1');
    const empty = recorder();
    drawMinimap(empty.ctx, [], null, { width: 10, height: 10 }, THEME);
    expect(empty.calls).toEqual(['clear 0 0 10 10', 'fill bg 0 0 10 10']);
  });

  it('maps a click to its row', () => {
    expect([0, 9.9, 10, 49, 60].map((y) => minimapRowAt(y, 50, 5))).toEqual([0, 0, 1, 4, 4]);
    expect(minimapRowAt(3, 50, 0)).toBe(-1);
  });
});
