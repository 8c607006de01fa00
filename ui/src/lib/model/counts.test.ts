import { describe, expect, it } from 'vitest';
import {
  countOf,
  facetCountText,
  facetTally,
  facetsAnnouncement,
  facetsNote,
  histogramTotal,
  logTally,
  logsEmpty,
  noun,
  quoted,
  receivedShort,
  receivedText,
  tallyOf,
  traceListEmpty,
  traceListSummary,
} from './counts';

describe('countOf', () => {
  it('uses the singular for one and the plural otherwise', () => {
    expect(countOf(1, 'trace')).toBe('1 trace');
    expect(countOf(0, 'trace')).toBe('0 traces');
    expect(countOf(2, 'line')).toBe('2 lines');
    expect(countOf(-1, 'line')).toBe('-1 line');
  });
  it('takes an irregular plural', () => {
    expect(countOf(1, ['match', 'matches'])).toBe('1 match');
    expect(countOf(3, ['match', 'matches'])).toBe('3 matches');
    expect(noun(1, ['entry', 'entries'])).toBe('entry');
  });
  it('groups thousands as formatCount does', () => {
    expect(countOf(1234567, 'log')).toBe('1\u2009234\u2009567 logs');
  });
});

describe('tallyOf', () => {
  it('says what is exact, a lower bound or an estimate', () => {
    expect(tallyOf({ kind: 'exact', count: 364 }, 'line')).toBe('364 lines');
    expect(tallyOf({ kind: 'atLeast', count: 200 }, 'line')).toBe('at least 200 lines');
    expect(tallyOf({ kind: 'about', count: 1 }, 'line')).toBe('about 1 line');
  });
});

describe('quoted', () => {
  it('quotes the trimmed query and cuts a long one', () => {
    expect(quoted('  level:warn ')).toBe('`level:warn`');
    expect(quoted('x'.repeat(100), 10)).toBe('`xxxxxxxxx…`');
  });
});

describe('the trace list', () => {
  it('counts all traces without a query', () => {
    expect(traceListSummary({ shown: 40, complete: true, query: '', inCase: 40 })).toBe('40 traces');
    expect(traceListSummary({ shown: 1, complete: true, query: ' ', inCase: 1 })).toBe('1 trace');
    expect(traceListSummary({ shown: 500, complete: false, query: '', inCase: 1200 })).toBe('500 of 1\u2009200 traces');
  });
  it('says how many match a query, out of the case', () => {
    expect(traceListSummary({ shown: 12, complete: true, query: 'checkout', inCase: 40 })).toBe(
      '12 traces match (40 in the case)',
    );
    expect(traceListSummary({ shown: 1, complete: true, query: 'checkout', inCase: 40 })).toBe(
      '1 trace matches (40 in the case)',
    );
    expect(traceListSummary({ shown: 500, complete: false, query: 'x', inCase: null })).toBe('at least 500 traces match');
  });
  it('names the query that matched nothing and what the case holds', () => {
    expect(traceListEmpty('nosuchword', 40)).toBe('No trace matches `nosuchword` (40 traces in the case).');
    expect(traceListEmpty('nosuchword', 1)).toBe('No trace matches `nosuchword` (1 trace in the case).');
    expect(traceListEmpty('', 0)).toBe('No traces in this case.');
    expect(traceListEmpty('x', 0)).toBe('No traces in this case.');
    expect(traceListEmpty('x', null)).toBe('No trace matches `x`.');
  });
});

describe('the log view', () => {
  const base = {
    shown: 200,
    complete: false,
    atStart: true,
    counted: null,
    histogramTotal: null,
    summarizing: false,
    scopeLimit: null,
  };
  it('is exact when the window holds every match', () => {
    expect(logTally({ ...base, shown: 57, complete: true })).toEqual({ kind: 'exact', count: 57 });
  });
  it('takes the engine count once it is in, else says at least', () => {
    expect(logTally(base)).toEqual({ kind: 'atLeast', count: 200 });
    expect(logTally({ ...base, counted: { count: 364, exact: true } })).toEqual({ kind: 'exact', count: 364 });
  });
  it('past the bounded count, takes the histogram total, else says more than the bound', () => {
    const over = { count: 100_000, exact: false };
    expect(logTally({ ...base, counted: over })).toEqual({ kind: 'atLeast', count: 100_001 });
    expect(logTally({ ...base, counted: over, histogramTotal: 4_200_000 })).toEqual({ kind: 'exact', count: 4_200_000 });
    expect(logTally({ ...base, histogramTotal: 364 })).toEqual({ kind: 'exact', count: 364 });
    // While the new query's histogram is on its way, the one held is the query before's.
    expect(logTally({ ...base, histogramTotal: 364, summarizing: true })).toEqual({ kind: 'atLeast', count: 200 });
  });
  it('reads the logs of a span up to a limit', () => {
    expect(logTally({ ...base, shown: 12, scopeLimit: 5000 })).toEqual({ kind: 'exact', count: 12 });
    expect(logTally({ ...base, shown: 5000, scopeLimit: 5000 })).toEqual({ kind: 'atLeast', count: 5000 });
  });
  it('says which query matched no line', () => {
    expect(logsEmpty('boom', 364, null)).toBe('No log line matches `boom` (364 logs in the case).');
    expect(logsEmpty('', 0, null)).toBe('No logs in this case.');
    expect(logsEmpty('boom', 364, 'span')).toBe('No log lines of this span.');
  });
  it('totals a histogram', () => {
    expect(histogramTotal([[1, 2], [0, 3], []])).toBe(6);
    expect(histogramTotal([])).toBe(0);
  });
});

describe('what the Listen switch received', () => {
  it('says every count in the popover, rejected ones included', () => {
    expect(receivedText({ requests: 1, spans: 18, logs: 1, rejected: 0 })).toBe('1 request · 18 spans · 1 log · 0 rejected');
    expect(receivedText({ requests: 2500, spans: 0, logs: 2, rejected: 3 })).toBe('2\u2009500 requests · 0 spans · 2 logs · 3 rejected');
  });

  it('says nothing yet before a request, and rejected ones only when there are', () => {
    expect(receivedShort({ requests: 0, spans: 0, logs: 0, rejected: 0 })).toBe('nothing yet');
    expect(receivedShort({ requests: 4, spans: 1, logs: 20, rejected: 0 })).toBe('1 span · 20 logs');
    expect(receivedShort({ requests: 1, spans: 0, logs: 0, rejected: 1 })).toBe('0 spans · 0 logs · 1 rejected');
    expect(receivedShort({ requests: 0, spans: 0, logs: 0, rejected: 2 })).toBe('nothing yet · 2 rejected');
  });
});

describe('facet counts', () => {
  it('are exact, or at least their count when only the first matches were counted', () => {
    expect(facetCountText(facetTally(1234, true))).toBe('1\u2009234');
    expect(facetCountText(facetTally(9800, false))).toBe('≥ 9\u2009800');
    expect(tallyOf(facetTally(9800, false), 'line')).toBe('at least 9\u2009800 lines');
    expect(facetCountText({ kind: 'about', count: 12_000 })).toBe('≈ 12\u2009000');
  });

  it('say an estimate, and while the exact ones are counted', () => {
    const estimate = { exact: false, sample: 10_000, counting: true, replacedEstimate: false };
    expect(facetsNote(estimate)).toBe('Estimate from the first 10\u2009000 matches; counting all…');
    expect(facetsNote({ ...estimate, counting: false })).toBe('Estimate from the first 10\u2009000 matches');
    expect(facetsNote({ ...estimate, sample: 1 })).toBe('Estimate from the first 1 match; counting all…');
    expect(facetsNote({ ...estimate, exact: true })).toBeNull();
  });

  it('tell a screen reader of the estimate, then of the exact counts only when they replaced one', () => {
    const estimate = { exact: false, sample: 10_000, counting: true, replacedEstimate: false };
    expect(facetsAnnouncement(estimate)).toBe(
      'Facet counts are estimates from the first 10\u2009000 matches; counting all…',
    );
    expect(facetsAnnouncement({ ...estimate, exact: true, counting: false, replacedEstimate: true })).toBe(
      'Facet counts are now exact.',
    );
    expect(facetsAnnouncement({ ...estimate, counting: false })).toBe(
      'Facet counts are estimates from the first 10\u2009000 matches.',
    );
    expect(facetsAnnouncement({ ...estimate, exact: true, counting: false })).toBe('');
  });
});
