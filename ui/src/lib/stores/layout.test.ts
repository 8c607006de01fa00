import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../model/saved';
import { DEFAULT_SHARES, KEY_STEP, LayoutStore, MAX_SHARE, MIN_SHARE, clampShare, shareAt } from './layout.svelte';

describe('LayoutStore', () => {
  it('drags a split within bounds, and a drag opens a collapsed pane', () => {
    const layout = new LayoutStore(null);
    layout.resize('logs', 0.6);
    expect(layout.shares.logs).toBe(0.6);
    layout.resize('logs', 2);
    expect(layout.shares.logs).toBe(MAX_SHARE);
    layout.toggle('details');
    expect(layout.collapsed.details).toBe(true);
    layout.resize('details', 0);
    expect(layout.shares.details).toBe(MIN_SHARE);
    expect(layout.collapsed.details).toBe(false);
  });

  it('moves splitters by keyboard: arrows towards the pane grow it, Enter collapses', () => {
    const layout = new LayoutStore(null);
    expect(layout.key('logs', 'ArrowUp')).toBe(true);
    expect(layout.shares.logs).toBeCloseTo(DEFAULT_SHARES.logs + KEY_STEP);
    layout.key('details', 'ArrowRight');
    expect(layout.shares.details).toBeCloseTo(DEFAULT_SHARES.details - KEY_STEP);
    layout.key('logs', 'Enter');
    expect(layout.collapsed.logs).toBe(true);
    layout.key('logs', 'Enter');
    expect(layout.collapsed.logs).toBe(false);
    layout.key('logs', 'End');
    expect(layout.shares.logs).toBe(MIN_SHARE);
    expect(layout.key('logs', 'a')).toBe(false);
  });

  it('turns a pointer position into the share of the far pane', () => {
    expect(shareAt(700, 100, 1100)).toBeCloseTo(0.4);
    expect(shareAt(100, 100, 1100)).toBe(MAX_SHARE);
    expect(shareAt(5000, 100, 1100)).toBe(MIN_SHARE);
    expect(clampShare(Number.NaN)).toBeGreaterThan(MIN_SHARE);
  });

  it('remembers sizes and collapsed panes per case', () => {
    const storage = memoryStorage();
    const layout = new LayoutStore(storage);
    layout.useCase('/a.weft');
    layout.resize('logs', 0.5);
    layout.toggle('details');
    layout.useCase('/b.weft');
    expect(layout.shares).toEqual(DEFAULT_SHARES);
    const again = new LayoutStore(storage);
    again.useCase('/a.weft');
    expect(again.shares.logs).toBe(0.5);
    expect(again.collapsed).toEqual({ logs: false, details: true });
  });
});
