import { describe, expect, it } from 'vitest';
import { fakeLoadApi } from '../api/fakeLoad';
import { LoadStore } from './loads.svelte';

describe('LoadStore', () => {
  it('follows the shell’s events, refreshes the views per file, cancels by load', async () => {
    const api = fakeLoadApi();
    let refreshed = 0;
    let now = 0;
    const handlers = { loaded: () => (refreshed += 1), caseChanged: () => {} };
    const store = new LoadStore(handlers, api, () => now);
    const stop = await store.listen();
    api.drag(true);
    expect(store.dragging).toBe(true);
    api.emit({ type: 'queued', id: 5, paths: ['/a.log'] });
    expect([store.dragging, store.running, store.rows.length]).toEqual([false, true, 1]);
    api.emit({ type: 'ingest', id: 5, event: { kind: 'started', path: '/a.log', bytes_total: 4 } });
    now = 1000;
    api.emit({
      type: 'ingest',
      id: 5,
      event: { kind: 'progress', path: '/a.log', bytes_read: 4, bytes_total: 4, records: 2, problems: 0 },
    });
    await store.cancel(5);
    expect(api.calls.cancel).toEqual([5]);
    const report = { path: '/a.log', format: 'pino', status: 'complete' as const, spans: 0, logs: 2, unparsed: 0, errors: [] };
    api.emit({ type: 'ingest', id: 5, event: { kind: 'finished', report } });
    api.emit({ type: 'finished', id: 5, cancelled: false, reports: [report], error: null });
    // Once for the rows seen while loading, once per file, once for the load.
    expect([store.running, refreshed]).toEqual([false, 3]);
    store.clearFinished();
    expect(store.rows).toEqual([]);
    stop();
    api.drag(true);
    expect(store.dragging).toBe(false);
  });

  it('refreshes the views while rows come in, at most once a second', async () => {
    const api = fakeLoadApi();
    let refreshed = 0;
    let now = 0;
    const store = new LoadStore({ loaded: () => (refreshed += 1), caseChanged: () => {} }, api, () => now);
    await store.listen();
    api.emit({ type: 'queued', id: 1, paths: ['/big.log'] });
    const progress = (records: number) =>
      api.emit({
        type: 'ingest',
        id: 1,
        event: { kind: 'progress', path: '/big.log', bytes_read: records, bytes_total: 100, records, problems: 0 },
      });
    progress(0);
    expect(refreshed).toBe(0);
    now = 100;
    progress(10);
    expect(refreshed).toBe(1);
    for (now = 200; now < 1100; now += 100) progress(now);
    expect(refreshed).toBe(1);
    now = 1100;
    progress(1100);
    expect(refreshed).toBe(2);
  });
});

describe('LoadStore and the command line’s files', () => {
  it('asks the shell for them once it listens, and names the case a load went into', async () => {
    const api = fakeLoadApi();
    api.launchLoad = 1;
    const handlers = { loaded: () => {}, caseChanged: () => {}, casePath: () => '/home/a/incident.weft' };
    const store = new LoadStore(handlers, api, () => 0);
    expect(api.calls.launchFiles).toBe(0);
    await store.listen();
    expect(api.calls.launchFiles).toBe(1);
    api.emit({ type: 'queued', id: 1, paths: ['/tmp/trace.json'] });
    expect(store.loadedNote).toBeNull();
    const report = { path: '/tmp/trace.json', format: 'otlp-json', status: 'complete' as const, spans: 3, logs: 0, unparsed: 0, errors: [] };
    api.emit({ type: 'finished', id: 1, cancelled: false, reports: [report], error: null });
    expect(store.loadedNote).toBe('Loaded trace.json into incident.weft');
    const failed = { ...report, status: 'failed' as const };
    api.emit({ type: 'finished', id: 2, cancelled: false, reports: [failed], error: null });
    expect(store.loadedNote).toBeNull();
  });
});
