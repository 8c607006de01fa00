// The Listen switch (issue 20): the shell's commands for its OTLP receiver
// (src-tauri/src/listen.rs) and the events it sends. Only this folder calls invoke() or listen().
import type { UnlistenFn } from '@tauri-apps/api/event';
import { call, on } from './call';
import type { ListenCounts, ListenMessage, ListenState } from './types';

/** What the listen store needs from the shell; tests pass a fake. */
export interface ListenApi {
  /** Starts the receiver on the open case (null: that protocol off); resolves to what it listens on. */
  start(http: string | null, grpc: string | null): Promise<ListenState>;
  /** Stops it; resolves to its last counts (null: it was not listening). */
  stop(): Promise<ListenCounts | null>;
  /** What it listens on now, if it does. */
  state(): Promise<ListenState | null>;
  /** Its counts as they change, and its stop. */
  onListen(handler: (message: ListenMessage) => void): Promise<UnlistenFn>;
}

export const listenApi: ListenApi = {
  start: (http, grpc) => call('start_listening', { http, grpc }),
  stop: () => call('stop_listening', {}),
  state: () => call('listen_state', {}),
  onListen: async (handler) => {
    const all = await Promise.all([
      on('listen', (payload) => handler({ type: 'counts', ...payload })),
      on('listen-stopped', (payload) => handler({ type: 'stopped', ...payload })),
    ]);
    return () => all.forEach((unlisten) => unlisten());
  },
};
