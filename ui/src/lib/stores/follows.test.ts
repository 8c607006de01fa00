import { describe, expect, it } from 'vitest';
import type { FollowApi, FollowMessage } from '../api';
import { FollowStore } from './follows.svelte';

function fakeFollowApi() {
  let handler: (message: FollowMessage) => void = () => {};
  const followed = new Set<number>();
  const api: FollowApi = {
    setFollow: async (id, on) => {
      if (on) followed.add(id);
      return [...followed];
    },
    followedSources: async () => [...followed],
    onFollow: async (h) => {
      handler = h;
      return () => {};
    },
  };
  return { api, emit: (message: FollowMessage) => handler(message) };
}

describe('FollowStore', () => {
  it('keeps the news of a follower that started before the switch was answered', async () => {
    const { api, emit } = fakeFollowApi();
    const setFollow = api.setFollow;
    const store = new FollowStore(() => {}, api, () => 0, () => {});
    api.setFollow = async (id, on) => {
      const report = { path: '/a.log', format: 'json-log', status: 'complete' as const, spans: 0, logs: 2, unparsed: 0, errors: [] };
      emit({ type: 'event', source_id: id, event: { event: 'following', report, resumed: true } });
      return setFollow(id, on);
    };
    await store.listen();
    await store.set(7, true);
    expect(store.news[7]).toBe('following');
  });

  it('keeps a follower switched off when it stopped before the switch was answered', async () => {
    const { api, emit } = fakeFollowApi();
    const store = new FollowStore(() => {}, api, () => 0, () => {});
    await store.listen();
    await store.set(7, true);
    expect(store.followed).toEqual([7]);
    // The shell answers with the followers as they were, 7 still stopping; its
    // 'stopped' comes first.
    api.setFollow = async (id) => {
      emit({ type: 'stopped', source_id: id, error: null });
      return [7];
    };
    await store.set(7, false);
    expect(store.followed).toEqual([]);
    // Without a stop during the call, the answer stands.
    api.setFollow = async () => [7];
    await store.set(7, true);
    expect(store.followed).toEqual([7]);
  });

  it('switches following on, tells what came in, refreshes at most once a second and after the last', async () => {
    const { api, emit } = fakeFollowApi();
    let refreshed = 0;
    let now = 0;
    const scheduled: { run: () => void; ms: number }[] = [];
    const store = new FollowStore(() => (refreshed += 1), api, () => now, (run, ms) => scheduled.push({ run, ms }));
    await store.listen();
    await store.set(7, true);
    expect(store.followed).toEqual([7]);
    const report = { path: '/a.log', format: 'json-log', status: 'complete' as const, spans: 0, logs: 2, unparsed: 0, errors: [] };
    emit({ type: 'event', source_id: 7, event: { event: 'following', report, resumed: true } });
    expect([store.news[7], refreshed]).toEqual(['following', 1]);
    const appended = (logs: number) =>
      emit({
        type: 'event',
        source_id: 7,
        event: { event: 'appended', path: '/a.log', source_id: 7, spans: 0, logs, unparsed: 0, offset: 10, problems: [] },
      });
    now = 400;
    appended(1);
    appended(1);
    // Within a second of the last refresh: one refresh when that second is over.
    expect([store.news[7], refreshed, scheduled.map((s) => s.ms)]).toEqual(['following · +1 record', 1, [600]]);
    now = 1000;
    scheduled[0]?.run();
    expect(refreshed).toBe(2);
    now = 2000;
    appended(3);
    expect([store.news[7], refreshed, scheduled.length]).toEqual(['following · +3 records', 3, 1]);
    emit({ type: 'stopped', source_id: 7, error: null });
    expect([store.followed, refreshed]).toEqual([[], 4]);
  });

  it('shows why a follower stopped', async () => {
    const { api, emit } = fakeFollowApi();
    const store = new FollowStore(() => {}, api, () => 0);
    await store.listen();
    await store.set(2, true);
    emit({ type: 'stopped', source_id: 2, error: { code: 'database', message: 'disk full' } });
    expect(store.followed).toEqual([]);
    expect(store.news[2]).toBe('stopped: disk full');
    expect(store.error?.message).toBe('disk full');
  });
});
