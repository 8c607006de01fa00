import { describe, expect, it } from 'vitest';
import { traceIdOf } from './traceIds';

const ID = '5b8efff798038103d269b633813fc60c';

describe('traceIdOf', () => {
  it('reads every spelling of a trace id the engine reads', () => {
    const bytes = String.fromCharCode(...ID.match(/../g)!.map((pair) => parseInt(pair, 16)));
    const base64 = btoa(bytes);
    for (const spelling of [
      ID,
      ID.toUpperCase(),
      `0x${ID}`,
      `${ID.slice(0, 8)}-${ID.slice(8, 12)}-${ID.slice(12, 16)}-${ID.slice(16, 20)}-${ID.slice(20)}`,
      `00-${ID}-eee19b7ec3c1b174-01`,
      base64,
      base64.replace(/=+$/, ''),
      base64.replace(/\+/g, '-').replace(/\//g, '_'),
      `  ${ID}\n`,
    ]) {
      expect(traceIdOf(spelling), spelling).toBe(ID);
    }
  });

  it('takes words, numbers, short hex and the all-zero id for what they are: no trace id', () => {
    for (const text of ['timeout', '504', '1234567890123456', ID.slice(0, 31), `${ID}0`, '0'.repeat(32), 'level>=warn', `trace:${ID}`, 'counterrevolutionaries', 'Counterrevolutionaries']) {
      expect(traceIdOf(text), text).toBe(null);
    }
  });
});
