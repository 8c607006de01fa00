import { describe, expect, it } from 'vitest';
import { addTerm, facetTerm } from './facets';

describe('facetTerm', () => {
  it('writes a field term, quoting values with spaces', () => {
    expect(facetTerm('service', 'checkout')).toBe('service:checkout');
    expect(facetTerm('source', '/logs/my app.log')).toBe('source:"/logs/my app.log"');
    expect(facetTerm('level', 'error')).toBe('level:error');
  });

  it('gives up on what the language cannot quote', () => {
    expect(facetTerm('service', 'say "hi"')).toBe(null);
    expect(facetTerm('service', '')).toBe(null);
  });
});

describe('addTerm', () => {
  it('adds a term once, after what is there', () => {
    expect(addTerm('', 'level:error')).toBe('level:error');
    expect(addTerm('  timeout ', 'level:error')).toBe('timeout level:error');
    expect(addTerm('timeout level:error', 'level:error')).toBe('timeout level:error');
  });
});
