import { describe, expect, it } from 'vitest';
import type { FileReport, LoadMessage } from '../api/types';
import {
  baseName,
  loadedIntoText,
  applyLoad,
  formatBytes,
  formatRate,
  formatTimeLeft,
  fractionOf,
  placeOf,
  rateOf,
  secondsLeft,
  type LoadRow,
} from './loadRows';

function report(path: string, extra: Partial<FileReport> = {}): FileReport {
  return { path, format: 'pino', status: 'complete', spans: 0, logs: 10, unparsed: 1, errors: [], ...extra };
}

function run(messages: [LoadMessage, number][]): LoadRow[] {
  return messages.reduce<LoadRow[]>((rows, [message, now]) => applyLoad(rows, message, now), []);
}

describe('applyLoad', () => {
  it('takes a dropped file from waiting through its phases to its counts', () => {
    const path = '/data/app.log';
    const steps: [LoadMessage, number][] = [
      [{ type: 'queued', id: 1, paths: [path] }, 0],
      [{ type: 'ingest', id: 1, event: { kind: 'started', path, bytes_total: 1000 } }, 1000],
    ];
    let rows = run(steps);
    expect(rows.map((row) => [row.state, row.placeholder])).toEqual([['rows', false]]);
    rows = applyLoad(
      rows,
      { type: 'ingest', id: 1, event: { kind: 'progress', path, bytes_read: 500, bytes_total: 1000, records: 40, problems: 1 } },
      2000,
    );
    expect(rateOf(rows[0]!)).toBe(500);
    expect(secondsLeft(rows[0]!)).toBe(1);
    expect(fractionOf(rows[0]!)).toBe(0.5);
    rows = applyLoad(rows, { type: 'ingest', id: 1, event: { kind: 'phase', path, phase: 'indexing', done: 1, total: 4 } }, 2500);
    expect([rows[0]!.state, fractionOf(rows[0]!)]).toEqual(['indexing', 0.25]);
    rows = applyLoad(rows, { type: 'ingest', id: 1, event: { kind: 'phase', path, phase: 'search_index', done: 0, total: 0 } }, 2600);
    expect(fractionOf(rows[0]!)).toBe(null);
    const done = report(path, { errors: [{ line: 7, offset: null, message: 'not JSON' }] });
    rows = applyLoad(rows, { type: 'ingest', id: 1, event: { kind: 'finished', report: done } }, 3000);
    rows = applyLoad(rows, { type: 'finished', id: 1, cancelled: false, reports: [done], error: null }, 3000);
    expect(rows).toHaveLength(1);
    expect([rows[0]!.state, rows[0]!.report?.logs, fractionOf(rows[0]!)]).toEqual(['done', 10, 1]);
    expect(placeOf(rows[0]!.report!.errors[0]!)).toBe('line 7');
  });

  it('gives each file of a dropped folder a row, and drops the folder row at the end', () => {
    const folder = '/data/logs';
    const a = `${folder}/a.log`;
    const b = `${folder}/sub/b.log`;
    const rows = run([
      [{ type: 'queued', id: 2, paths: [folder, '/data/x.json'] }, 0],
      [{ type: 'ingest', id: 2, event: { kind: 'started', path: a, bytes_total: 10 } }, 1],
      [{ type: 'ingest', id: 2, event: { kind: 'finished', report: report(a) } }, 2],
      [{ type: 'ingest', id: 2, event: { kind: 'started', path: b, bytes_total: 10 } }, 3],
    ]);
    expect(rows.map((row) => [row.path, row.state])).toEqual([
      [a, 'done'],
      [b, 'rows'],
      [folder, 'queued'],
      ['/data/x.json', 'queued'],
    ]);
    const missing = report('/data/x.json', { status: 'failed', format: null, logs: 0, errors: [{ line: null, offset: null, message: 'No such file' }] });
    const end = applyLoad(
      rows,
      { type: 'finished', id: 2, cancelled: false, reports: [report(a), report(b), missing], error: null },
      4,
    );
    expect(end.map((row) => [row.path, row.state])).toEqual([
      [a, 'done'],
      [b, 'done'],
      ['/data/x.json', 'failed'],
    ]);
  });

  it('marks what a cancelled load did not reach as cancelled', () => {
    const rows = run([
      [{ type: 'queued', id: 3, paths: ['/a.log', '/b.log'] }, 0],
      [{ type: 'ingest', id: 3, event: { kind: 'started', path: '/a.log', bytes_total: 10 } }, 1],
      [{ type: 'ingest', id: 3, event: { kind: 'finished', report: report('/a.log', { status: 'cancelled' }) } }, 2],
      [{ type: 'finished', id: 3, cancelled: true, reports: [report('/a.log', { status: 'cancelled' })], error: null }, 3],
    ]);
    expect(rows.map((row) => [row.path, row.state])).toEqual([
      ['/a.log', 'cancelled'],
      ['/b.log', 'cancelled'],
    ]);
  });

  it('shows an error of the whole load on its rows', () => {
    const rows = run([
      [{ type: 'queued', id: 4, paths: ['/a.log'] }, 0],
      [{ type: 'ingest', id: 4, event: { kind: 'started', path: '/a.log', bytes_total: 10 } }, 1],
      [{ type: 'finished', id: 4, cancelled: false, reports: [], error: { code: 'database', message: 'disk full' } }, 2],
    ]);
    expect(rows.map((row) => [row.state, row.error])).toEqual([['failed', 'disk full']]);
  });
});

describe('rate and time left', () => {
  it('is unknown until some bytes were read over a measurable time', () => {
    const row = run([
      [{ type: 'queued', id: 1, paths: ['/a'] }, 0],
      [{ type: 'ingest', id: 1, event: { kind: 'started', path: '/a', bytes_total: 10 } }, 0],
    ])[0]!;
    expect([rateOf(row), secondsLeft(row)]).toEqual([null, null]);
  });

  it('formats sizes, rates and times for people', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(250 * 1024 * 1024)).toBe('250 MB');
    expect(formatRate(3 * 1024 * 1024)).toBe('3.0 MB/s');
    expect(formatRate(null)).toBe('—');
    expect(formatTimeLeft(null)).toBe('—');
    expect(formatTimeLeft(0.4)).toBe('< 1 s');
    expect(formatTimeLeft(42.4)).toBe('42 s');
    expect(formatTimeLeft(185)).toBe('3 min 05 s');
    expect(formatTimeLeft(4800)).toBe('1 h 20 min');
  });
});

describe('loadedIntoText', () => {
  const report = (path: string, status: FileReport['status']): FileReport => ({
    path,
    format: 'otlp-json',
    status,
    spans: 1,
    logs: 0,
    unparsed: 0,
    errors: [],
  });

  it('names the file, or counts the files, and the case they went into', () => {
    expect(loadedIntoText([report('/tmp/in/trace.json', 'complete')], '/home/a/incident.weft')).toBe(
      'Loaded trace.json into incident.weft',
    );
    const three = ['a.log', 'b.log', 'c.json'].map((name) => report(`/x/${name}`, 'complete'));
    expect(loadedIntoText(three, 'C:\\cases\\x.weft')).toBe('Loaded 3 files into x.weft');
    const mixed = [report('/x/a.log', 'complete'), report('/x/b.log', 'failed'), report('/x/c', 'already_loaded')];
    expect(loadedIntoText(mixed, '/c.weft')).toBe('Loaded a.log into c.weft');
  });

  it('says nothing when nothing was loaded', () => {
    expect(loadedIntoText([report('/x/a.log', 'failed')], '/c.weft')).toBeNull();
    expect(loadedIntoText([], '/c.weft')).toBeNull();
  });

  it('takes the last component of either kind of path', () => {
    expect(baseName('/a/b/c.weft')).toBe('c.weft');
    expect(baseName('dir/')).toBe('dir');
    expect(baseName('C:\\x\\y.log')).toBe('y.log');
  });
});
