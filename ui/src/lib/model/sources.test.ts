import { describe, expect, it } from 'vitest';
import { isReceived, quoteValue, readAs, unparsedQuery, zipkinNote } from './sources';

describe('unparsedQuery', () => {
  it('lists the unparsed lines of one source by its path, quoted', () => {
    expect(unparsedQuery('/logs/app.log')).toBe('source:"/logs/app.log" unparsed:true');
    expect(unparsedQuery('/logs/my app.log')).toBe('source:"/logs/my app.log" unparsed:true');
  });

  it('escapes quotes and backslashes as the engine reads them', () => {
    expect(quoteValue('C:\\logs\\"a".log')).toBe('"C:\\\\logs\\\\\\"a\\".log"');
  });
});

describe('readAs', () => {
  it('names the dialect of a JSON log, else the format', () => {
    expect(readAs({ format: 'json-log', dialect: 'clef' })).toBe('clef');
    expect(readAs({ format: 'zipkin-json', dialect: null })).toBe('zipkin-json');
    expect(readAs({ format: null, dialect: null })).toBe('—');
  });
});

describe('zipkinNote', () => {
  it('says nothing for other formats or when the counts agree', () => {
    expect(zipkinNote({ spans: 8, zipkin: null })).toBe(null);
    expect(zipkinNote({ spans: 8, zipkin: { stored: 8, shared_apart: 0 } })).toBe(null);
  });

  it('gives the repeated records and the shared halves in the case’s numbers', () => {
    const note = zipkinNote({ spans: 1041, zipkin: { stored: 957, shared_apart: 294 } })!;
    expect(note).toContain('1\u2009041 span records, 957 spans in the trace list');
    expect(note).toContain('84 repeated a span already loaded');
    expect(note).toContain('294 are server halves of shared spans');
    expect(zipkinNote({ spans: 4, zipkin: { stored: 4, shared_apart: 1 } })).toBe(
      '1 is a server half of shared spans (the same id as the client span that called it), kept apart as spans of their own.',
    );
  });
});

describe('isReceived', () => {
  it('tells a receiver session from a file', () => {
    expect(isReceived({ format: 'otlp-http' })).toBe(true);
    expect(isReceived({ format: 'otlp-grpc' })).toBe(true);
    expect(isReceived({ format: 'otlp-json' })).toBe(false);
    expect(isReceived({ format: null })).toBe(false);
  });
});
