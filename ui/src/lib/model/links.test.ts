import { describe, expect, it } from 'vitest';
import { isLink, linkOf, parseLink, samePlace, type Place } from './links';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

describe('weft:// links', () => {
  it('round-trips every kind of place', () => {
    const places: Place[] = [
      { kind: 'trace', traceId: TRACE, spanId: null },
      { kind: 'trace', traceId: TRACE, spanId: SPAN },
      { kind: 'log', logId: 42 },
      { kind: 'search', query: 'level>=warn "connection reset" & a+b /x?y/ 100%' },
      { kind: 'search', query: '' },
      { kind: 'compare', a: TRACE, b: '1'.repeat(32) },
    ];
    for (const place of places) expect(parseLink(linkOf(place))).toEqual(place);
  });

  it('spells the documented links', () => {
    expect(linkOf({ kind: 'trace', traceId: TRACE, spanId: SPAN })).toBe(`weft://trace/${TRACE}/span/${SPAN}`);
    expect(linkOf({ kind: 'search', query: 'service:checkout error' })).toBe(
      'weft://search?q=service%3Acheckout%20error',
    );
    expect(linkOf({ kind: 'compare', a: TRACE, b: TRACE })).toBe(`weft://compare/${TRACE}/${TRACE}`);
  });

  it('reads links written by hand: upper case, spaces around, a trailing slash, + as a space is not assumed', () => {
    expect(parseLink(`  WEFT://trace/${TRACE.toUpperCase()}/ `)).toEqual({ kind: 'trace', traceId: TRACE, spanId: null });
    expect(parseLink('weft://search?q=a+b')).toEqual({ kind: 'search', query: 'a+b' });
  });

  it('says what is wrong with a bad link', () => {
    for (const bad of [
      'weft://trace/xyz',
      `weft://trace/${TRACE}/span/12`,
      `weft://trace/${TRACE}/log/${SPAN}`,
      'weft://log/abc',
      'weft://search',
      `weft://compare/${TRACE}`,
      `weft://compare/${TRACE}/xyz`,
      'weft://elsewhere/1',
      'http://trace/1',
    ]) {
      expect(parseLink(bad)).toHaveProperty('error');
    }
  });

  it('tells links from queries', () => {
    expect(isLink(' weft://log/1')).toBe(true);
    expect(isLink('weft')).toBe(false);
    expect(samePlace({ kind: 'log', logId: 1 }, { kind: 'log', logId: 1 })).toBe(true);
  });
});
