// Following sources: the shell's commands for it (src-tauri/src/follows.rs) and
// the events its followers send. Only this folder calls invoke() or listen().
import type { UnlistenFn } from '@tauri-apps/api/event';
import { call, on } from './call';
import type { FollowMessage } from './types';

/** What the follow store needs from the shell; tests pass a fake. */
export interface FollowApi {
  /** Follows source `sourceId`'s file or stops; resolves to the sources followed. */
  setFollow(sourceId: number, on: boolean): Promise<number[]>;
  followedSources(): Promise<number[]>;
  /** Every follower event, in the order the shell sent them. */
  onFollow(handler: (message: FollowMessage) => void): Promise<UnlistenFn>;
}

export const followApi: FollowApi = {
  setFollow: (sourceId, switchOn) => call('set_follow', { sourceId, on: switchOn }),
  followedSources: () => call('followed_sources', {}),
  onFollow: async (handler) => {
    const all = await Promise.all([
      on('follow', (payload) => handler({ type: 'event', ...payload })),
      on('follow-stopped', (payload) => handler({ type: 'stopped', ...payload })),
    ]);
    return () => all.forEach((unlisten) => unlisten());
  },
};
