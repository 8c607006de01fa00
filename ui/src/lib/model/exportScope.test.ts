import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, exportedSentence, scopeChoices } from './exportScope';

describe('scopeChoices', () => {
  it('offers the open trace first, then the search, then the whole case', () => {
    const choices = scopeChoices('4bf92f3577b34da6a3ce929d0e0e4736', ' service:checkout ');
    expect(choices.map((choice) => choice.kind)).toEqual(['trace', 'search', 'case']);
    expect(choices.map((choice) => choice.args)).toEqual([{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }, { query: 'service:checkout' }, {}]);
  });

  it('offers only the whole case with no trace open and an empty search box', () => {
    expect(scopeChoices(null, '   ').map((choice) => choice.kind)).toEqual(['case']);
  });
});

describe('exportedSentence', () => {
  it('counts spans and logs with their nouns', () => {
    expect(exportedSentence({ spans: 12, logs: 1 })).toBe('Exported 12 spans and 1 log to');
    expect(exportedSentence({ spans: 1, logs: 0 })).toBe('Exported 1 span and 0 logs to');
  });

  it('lists the three formats of weft export', () => {
    expect(EXPORT_FORMATS.map((entry) => entry.format)).toEqual(['otlp-json', 'otlp-jsonl', 'otlp-proto']);
  });
});
