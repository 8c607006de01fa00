import { describe, expect, it } from 'vitest';
import { LINK_STATES, linkQuery } from './linkStates';

describe('link states', () => {
  it('gives each state its own badge and the query that lists it', () => {
    const labels = Object.values(LINK_STATES).map((state) => state.label);
    expect(new Set(labels).size).toBe(4);
    expect(Object.keys(LINK_STATES).sort()).toEqual(['orphan', 'span', 'trace', 'unlinked']);
    expect(linkQuery('orphan')).toBe('link:orphan');
    expect(LINK_STATES.trace.title).toMatch(/not its span/);
  });
});
