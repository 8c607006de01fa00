import { describe, expect, it } from 'vitest';
import { WeftError, type ListenApi, type ListenCounts, type ListenMessage, type ListenState } from '../api';
import { ListenStore } from './listen.svelte';

const counts = (spans: number, logs: number, requests = 1, rejected = 0): ListenCounts => ({ requests, spans, logs, rejected });

/** The shell's side as the store sees it: what start/stop answer, and the events. */
function fakeListenApi(answer: (http: string | null, grpc: string | null) => ListenState | WeftError) {
  let handler: (message: ListenMessage) => void = () => {};
  const calls: string[] = [];
  let running: ListenState | null = null;
  const api: ListenApi = {
    start: async (http, grpc) => {
      calls.push(`start ${http} ${grpc}`);
      const got = answer(http, grpc);
      if (got instanceof WeftError) throw got;
      running = got;
      return got;
    },
    stop: async () => {
      calls.push('stop');
      const last = running?.counts ?? null;
      running = null;
      return last;
    },
    state: async () => running,
    onListen: async (h) => {
      handler = h;
      return () => {};
    },
  };
  const emit = (message: ListenMessage) => {
    if (message.type === 'counts' && running !== null) running = { ...running, counts: message.counts };
    handler(message);
  };
  return { api, calls, emit, setRunning: (state: ListenState) => (running = state) };
}

const listening = (c = counts(0, 0, 0)): ListenState => ({ http: '127.0.0.1:4318', grpc: '127.0.0.1:4317', case: '/c.weft', counts: c });

describe('ListenStore', () => {
  it('starts on the fields\' addresses, shows the counts and refreshes at most once a second and after the last', async () => {
    const { api, calls, emit } = fakeListenApi(() => listening());
    let refreshed = 0;
    let now = 0;
    const scheduled: { run: () => void; ms: number }[] = [];
    const store = new ListenStore(() => (refreshed += 1), api, () => now, (run, ms) => scheduled.push({ run, ms }));
    await store.listen();
    store.httpText = 'localhost:4318';
    await store.set(true);
    expect([store.on, calls]).toEqual([true, ['start 127.0.0.1:4318 127.0.0.1:4317']]);
    emit({ type: 'counts', ...listening(counts(3, 2)) });
    expect([store.counts, refreshed]).toEqual([counts(3, 2), 1]);
    now = 300;
    emit({ type: 'counts', ...listening(counts(6, 2, 2)) });
    emit({ type: 'counts', ...listening(counts(9, 2, 3)) });
    expect([refreshed, scheduled.map((s) => s.ms)]).toEqual([1, [700]]);
    // A rejected request alone brings no records: nothing to refresh.
    emit({ type: 'counts', ...listening(counts(9, 2, 4, 1)) });
    now = 1000;
    scheduled[0]?.run();
    expect(refreshed).toBe(2);
    emit({ type: 'counts', ...listening(counts(9, 2, 5, 2)) });
    expect(refreshed).toBe(2);
    await store.set(false);
    expect([store.on, store.counts, calls.at(-1)]).toEqual([false, counts(9, 2, 5, 2), 'stop']);
  });

  it('refreshes when the last records came with the stop', async () => {
    const { api, emit } = fakeListenApi(() => listening());
    let refreshed = 0;
    const store = new ListenStore(() => (refreshed += 1), api, () => 0, () => {});
    await store.listen();
    await store.set(true);
    emit({ type: 'stopped', counts: counts(4, 1), error: null });
    expect([store.on, store.counts, refreshed]).toEqual([false, counts(4, 1), 1]);
  });

  it('keeps the switch off and says why when the address is in use or a field is wrong', async () => {
    const { api, calls } = fakeListenApi(() => new WeftError('listen', 'HTTP 127.0.0.1:4318: Address already in use'));
    const store = new ListenStore(() => {}, api, () => 0, () => {});
    await store.listen();
    await store.set(true);
    expect([store.on, store.busy, store.error?.code, store.error?.message]).toEqual([false, false, 'listen', 'HTTP 127.0.0.1:4318: Address already in use']);
    store.grpcText = '0.0.0.0:4317';
    await store.set(true);
    expect([store.on, store.error?.code, calls.length]).toEqual([false, 'bad_input', 1]);
    expect(store.error?.message).toContain('0.0.0.0 is not a loopback address');
  });

  it('shows a receiver that already runs (a reloaded window) and one that failed', async () => {
    const { api, emit, setRunning } = fakeListenApi(() => listening());
    setRunning(listening(counts(5, 5, 2)));
    const store = new ListenStore(() => {}, api, () => 0, () => {});
    await store.listen();
    expect([store.on, store.counts]).toEqual([true, counts(5, 5, 2)]);
    emit({ type: 'stopped', counts: counts(0, 0, 0), error: { code: 'listen', message: 'the case is gone' } });
    expect([store.on, store.error?.message, store.counts]).toEqual([false, 'the case is gone', counts(5, 5, 2)]);
  });
});
