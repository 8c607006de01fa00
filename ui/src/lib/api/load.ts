// Loading files and switching cases: the shell's commands for them
// (src-tauri/src/commands.rs) and the events it sends while loads run
// (src-tauri/src/loads.rs, menu.rs). Only this folder calls invoke() or listen().
import type { UnlistenFn } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { call, on } from './call';
import { toWeftError, type WeftError } from './errors';
import type { LoadMessage } from './types';

/** What the loading stores need from the shell; tests pass a fake. */
export interface LoadApi {
  cancelLoad(id: number): Promise<boolean>;
  openFiles(folder: boolean): Promise<void>;
  /** Queues the files named on the command line (once); the id of their load, or null. */
  loadLaunchFiles(): Promise<number | null>;
  /** Every load event, in the order the shell sent them. */
  onLoad(handler: (message: LoadMessage) => void): Promise<UnlistenFn>;
  /** Files dragged over the window (true) or gone / dropped (false). */
  onDragging(handler: (dragging: boolean) => void): Promise<UnlistenFn>;
  /** The open case changed (File → New / Open / Recent). */
  onCaseChanged(handler: (path: string) => void): Promise<UnlistenFn>;
  /** A failure no command returned (a case that would not open). */
  onNotice(handler: (error: WeftError) => void): Promise<UnlistenFn>;
}

async function listenAll(unlistens: Promise<UnlistenFn>[]): Promise<UnlistenFn> {
  const all = await Promise.all(unlistens);
  return () => all.forEach((unlisten) => unlisten());
}

export const loadApi: LoadApi = {
  cancelLoad: (id) => call('cancel_load', { id }),
  openFiles: async (folder) => {
    await call('open_files', { folder });
  },
  loadLaunchFiles: () => call('load_launch_files', {}),
  onLoad: (handler) =>
    listenAll([
      on('load-queued', (payload) => handler({ type: 'queued', ...payload })),
      on('ingest', (payload) => handler({ type: 'ingest', ...payload })),
      on('load-finished', (payload) => handler({ type: 'finished', ...payload })),
    ]),
  onDragging: (handler) =>
    getCurrentWebview().onDragDropEvent(({ payload }) =>
      handler(payload.type === 'enter' || payload.type === 'over'),
    ),
  onCaseChanged: (handler) => on('case-changed', (payload) => handler(payload.path)),
  onNotice: (handler) => on('notice', (payload) => handler(toWeftError(payload))),
};
