import { describe, expect, it } from 'vitest';
import { WeftError, toWeftError } from './errors';

describe('toWeftError', () => {
  it('keeps the code and message the shell sent', () => {
    const error = toWeftError({ code: 'case_unavailable', message: 'cannot open case /x.weft' });
    expect(error).toBeInstanceOf(WeftError);
    expect(error.code).toBe('case_unavailable');
    expect(error.message).toBe('cannot open case /x.weft');
  });

  it('keeps the column of a query error', () => {
    const error = toWeftError({ code: 'query', message: 'column 3: bad', column: 3 });
    expect([error.code, error.column]).toEqual(['query', 3]);
    expect(toWeftError({ code: 'database', message: 'x' }).column).toBe(null);
  });

  it('treats refusals and thrown errors as ipc failures', () => {
    expect(toWeftError('Command list_logs not allowed by ACL').code).toBe('ipc');
    expect(toWeftError(new TypeError('no __TAURI_INTERNALS__')).message).toBe(
      'no __TAURI_INTERNALS__',
    );
    expect(toWeftError({ code: 'surprise', message: 'x' }).code).toBe('ipc');
  });

  it('returns a WeftError unchanged', () => {
    const error = new WeftError('database', 'disk I/O error');
    expect(toWeftError(error)).toBe(error);
  });
});
