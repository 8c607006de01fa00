import { describe, expect, it } from 'vitest';
import { findBoxKey, focusLost, focusTargets } from './focus';

describe('focus recovery', () => {
  it('is lost only when nothing has it and the element that had it left the DOM', () => {
    expect(focusLost({ isBody: true }, { isConnected: false })).toBe(true);
    expect(focusLost(null, { isConnected: false })).toBe(true);
    // Still in the DOM: the user moved the focus away on purpose.
    expect(focusLost({ isBody: true }, { isConnected: true })).toBe(false);
    // Something else has it.
    expect(focusLost({ isBody: false }, { isConnected: false })).toBe(false);
    // Never focused yet: the window's start is left alone.
    expect(focusLost({ isBody: true }, null)).toBe(false);
  });

  it('goes to the span tree of an open trace, else the first trace row, the logs, the services, the quality findings, the case', () => {
    expect(focusTargets('traces', true)).toEqual(['[data-testid="span-tree"]']);
    expect(focusTargets('traces', false)[0]).toBe('[data-testid="trace-row"]');
    expect(focusTargets('traces', false).at(-1)).toBe('[data-testid="tab-list"]');
    expect(focusTargets('logs', false).at(-1)).toBe('[data-testid="rail-logs"]');
    expect(focusTargets('services', false)).toEqual(['[data-testid="services-view"] th button', '[data-testid="rail-services"]']);
    expect(focusTargets('quality', false)).toEqual(['[data-testid="quality-view"] button', '[data-testid="rail-quality"]']);
    expect(focusTargets('case', true).at(-1)).toBe('[data-testid="rail-case"]');
    expect(focusTargets('notebook', false)[0]).toBe('[data-testid="notebook-view"] [data-testid="mark-item"]');
    expect(focusTargets('notebook', false).at(-1)).toBe('[data-testid="rail-notebook"]');
  });
});

describe('findBoxKey', () => {
  it('Enter goes to the next match, Escape back to the tree, other keys type', () => {
    expect(findBoxKey('Enter')).toBe('next-match');
    expect(findBoxKey('Escape')).toBe('back-to-tree');
    expect(['a', '/', 'ArrowDown', ' '].map(findBoxKey)).toEqual([null, null, null, null]);
  });
});
