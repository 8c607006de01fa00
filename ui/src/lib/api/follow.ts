// Following sources: the shell's commands for it (src-tauri/src/follows.rs) and
// the events its followers send. Only this folder calls invoke() or listen().
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { call } from './call';
import type { FollowMessage, FollowEventWire } from './types';

/** What the follow store needs from the shell; tests pass a fake. */
export interface FollowApi {
  /** Follows source `sourceId`'s file or stops; resolves to the sources followed. */
  setFollow(sourceId: number, on: boolean): Promise<number[]>;
  followedSources(): Promise<number[]>;
  /** Every follower event, in the order the shell sent them. */
  onFollow(handler: (message: FollowMessage) => void): Promise<UnlistenFn>;
}

export const followApi: FollowApi = {
  setFollow: (sourceId, on) => call<number[]>('set_follow', { sourceId, on }),
  followedSources: () => call<number[]>('followed_sources'),
  onFollow: async (handler) => {
    const all = await Promise.all([
      listen<{ source_id: number; event: FollowEventWire }>('follow', ({ payload }) =>
        handler({ type: 'event', ...payload }),
      ),
      listen<{ source_id: number; error: { code: string; message: string } | null }>(
        'follow-stopped',
        ({ payload }) => handler({ type: 'stopped', ...payload }),
      ),
    ]);
    return () => all.forEach((unlisten) => unlisten());
  },
};
