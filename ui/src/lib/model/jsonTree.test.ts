import { describe, expect, it } from 'vitest';
import { jsonLines } from './jsonTree';

describe('jsonLines', () => {
  it('flattens objects and arrays with depth, keys and JSON text', () => {
    const lines = jsonLines({ http: { status: 500 }, tags: ['a'], ok: false, body: '<b>x</b>' });
    expect(lines.map((line) => [line.depth, line.key, line.text])).toEqual([
      [0, null, '{4}'],
      [1, 'http', '{1}'],
      [2, 'status', '500'],
      [1, 'tags', '[1]'],
      [2, '0', '"a"'],
      [1, 'ok', 'false'],
      [1, 'body', '"<b>x</b>"'],
    ]);
  });

  it('stops at a line budget and says how much is left', () => {
    const lines = jsonLines(Array.from({ length: 10 }, (_, index) => index), 4);
    expect(lines.map((line) => line.text)).toEqual(['[10]', '0', '1', '2', '… 7 more']);
    expect(jsonLines(null)).toEqual([{ depth: 0, key: null, text: 'null', kind: 'null' }]);
  });

  it('keeps a string value as it is, for the view to show faithfully', () => {
    const [line] = jsonLines('evil\u202Eexe.txt\n\u0007');
    expect(line).toEqual({ depth: 0, key: null, text: '"evil\u202Eexe.txt\\n\\u0007"', kind: 'string', string: 'evil\u202Eexe.txt\n\u0007' });
  });
});
