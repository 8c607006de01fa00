import { describe, expect, it } from 'vitest';
import { fuzzyFilter, fuzzyMatch } from './fuzzy';

const TITLES = ['Open files…', 'Open folder…', 'Theme: toggle light / dark', 'Close trace', 'Focus search', 'Last log line'];

describe('fuzzyMatch', () => {
  it('finds the characters in order, case-insensitive', () => {
    expect(fuzzyMatch('opf', 'Open files…')?.positions).toEqual([0, 1, 5]);
    expect(fuzzyMatch('FOL', 'Open folder…')).not.toBeNull();
    expect(fuzzyMatch('xyz', 'Open files…')).toBeNull();
    expect(fuzzyMatch('fo', 'of')).toBeNull();
  });

  it('scores adjacent runs and word starts above scattered letters', () => {
    expect(fuzzyMatch('close', 'Close trace')!.score).toBeGreaterThan(fuzzyMatch('close', 'Collapse all selected')?.score ?? -Infinity);
  });
});

describe('fuzzyFilter', () => {
  it('keeps every item in its order for an empty query', () => {
    expect(fuzzyFilter('  ', TITLES, (title) => title)).toEqual(TITLES);
  });

  it('puts the likeliest first and drops what does not match', () => {
    expect(fuzzyFilter('theme', TITLES, (title) => title)).toEqual(['Theme: toggle light / dark']);
    expect(fuzzyFilter('folder', TITLES, (title) => title)[0]).toBe('Open folder…');
    expect(fuzzyFilter('open f', TITLES, (title) => title).slice(0, 2)).toEqual(['Open files…', 'Open folder…']);
    expect(fuzzyFilter('ll', TITLES, (title) => title)).toContain('Last log line');
  });
});

describe('fuzzyFilter on the theme actions', () => {
  it('puts the action named by the words typed first', () => {
    const titles = ['Theme: toggle light / dark', 'Theme: follow the system', 'Theme: light', 'Theme: dark'];
    expect(fuzzyFilter('theme dark', titles, (title) => title)[0]).toBe('Theme: dark');
    expect(fuzzyFilter('theme light', titles, (title) => title)[0]).toBe('Theme: light');
    expect(fuzzyFilter('toggle', titles, (title) => title)).toEqual(['Theme: toggle light / dark']);
  });
});
