import { describe, expect, it } from 'vitest';
import type { Vocabulary } from '../api';
import { accept, completionsAt, MAX_SUGGESTIONS } from './completion';

const vocabulary: Vocabulary = {
  fields: [
    { name: 'service', values: [] },
    { name: 'level', values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] },
    { name: 'name', values: [] },
    { name: 'status', values: ['error'] },
    { name: 'link', values: ['span', 'trace', 'orphan', 'unlinked'] },
    { name: 'source', values: [] },
    { name: 'span', values: [] },
    { name: 'attr.', values: [] },
    { name: 'kind', values: ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] },
    { name: 'parent.service', values: [] },
    { name: 'parent.kind', values: ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] },
    { name: 'messaging', values: ['true', 'false'] },
    { name: 'peer', values: [] },
  ],
  services: ['cart', 'checkout', 'payment gateway', 'ledger-cart'],
  attribute_keys: ['http.route', 'http.status_code', 'user.id'],
};

/** The labels offered with the cursor at the `|` of `marked`. */
function offered(marked: string): string[] {
  const cursor = marked.indexOf('|');
  return completionsAt(marked.replace('|', ''), cursor, vocabulary).items.map((item) => item.label);
}

describe('completionsAt', () => {
  it('offers the fields a word starts', () => {
    expect(offered('le|')).toEqual(['level:']);
    expect(offered('s|')).toEqual(['service:', 'status:', 'source:', 'span:']);
    expect(offered('connection reset lin|')).toEqual(['link:']);
    expect(offered('-serv|')).toEqual(['service:']);
  });
  it('offers the terms of a map edge: parent fields, kinds, the services of a parent', () => {
    expect(offered('pa|')).toEqual(['parent.service:', 'parent.kind:']);
    expect(offered('pe|')).toEqual(['peer:']);
    expect(offered('messaging:|')).toEqual(['true', 'false']);
    expect(offered('kind:c|')).toEqual(['client', 'consumer']);
    expect(offered('parent.kind:pro|')).toEqual(['producer']);
    expect(offered('parent.service:ch|')).toEqual(['checkout']);
  });
  it('offers attribute keys after attr.', () => {
    expect(offered('at|')).toEqual(['attr.']);
    expect(offered('attr.|')).toEqual(['attr.http.route', 'attr.http.status_code', 'attr.user.id']);
    expect(offered('attr.http.s|')).toEqual(['attr.http.status_code']);
    expect(offered('attr.id|')).toEqual(['attr.user.id']);
  });
  it('offers levels and the fixed values of a field after its operator', () => {
    expect(offered('level:|')).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
    expect(offered('level>=w|')).toEqual(['warn']);
    expect(offered('severity:e|')).toEqual(['error']);
    expect(offered('status:|')).toEqual(['error']);
    expect(offered('link:o|')).toEqual(['orphan']);
  });
  it('offers the services of the case, prefix matches first', () => {
    expect(offered('service:ca|')).toEqual(['cart', 'ledger-cart']);
    expect(offered('service:|')).toEqual(['cart', 'checkout', 'payment gateway', 'ledger-cart']);
  });
  it('offers nothing for a plain word, a value of a free field, a phrase, a regex or mid-token', () => {
    expect(offered('|')).toEqual([]);
    expect(offered('reset |')).toEqual([]);
    expect(offered('xyz|')).toEqual([]);
    expect(offered('name:che|')).toEqual([]);
    expect(offered('"lev|')).toEqual([]);
    expect(offered('"connection le|')).toEqual([]);
    expect(offered('/lev|')).toEqual([]);
    expect(offered('le|vel')).toEqual([]);
    expect(offered('level:warn|')).toEqual([]);
  });
  it('offers at most MAX_SUGGESTIONS', () => {
    const many = { ...vocabulary, services: Array.from({ length: 30 }, (_, index) => `svc${index}`) };
    expect(completionsAt('service:s', 9, many).items).toHaveLength(MAX_SUGGESTIONS);
  });
});

describe('accept', () => {
  it('replaces the token under the cursor and puts the cursor after it', () => {
    const text = 'boom lev';
    const completion = completionsAt(text, text.length, vocabulary);
    expect(completion.from).toBe(5);
    expect(accept(text, completion, completion.items[0]!)).toEqual({ text: 'boom level:', cursor: 11 });
  });
  it('keeps a negation and adds a space after a value', () => {
    const text = '-level:wa';
    const completion = completionsAt(text, text.length, vocabulary);
    expect(accept(text, completion, completion.items[0]!)).toEqual({ text: '-level:warn ', cursor: 12 });
  });
  it('quotes a value with a space', () => {
    const text = 'service:pay';
    const completion = completionsAt(text, text.length, vocabulary);
    expect(accept(text, completion, completion.items[0]!).text).toBe('service:"payment gateway" ');
  });
  it('keeps the text after the token', () => {
    const text = 'lev boom';
    const completion = completionsAt(text, 3, vocabulary);
    expect(accept(text, completion, completion.items[0]!)).toEqual({ text: 'level: boom', cursor: 6 });
  });
});
