// A fake of the loading commands and events for tests of stores: messages are
// pushed by the test with `emit`; calls are recorded.
import type { LoadApi } from './load';
import type { LoadMessage } from './types';

export function fakeLoadApi(): LoadApi & {
  emit(message: LoadMessage): void;
  drag(dragging: boolean): void;
  calls: { cancel: number[]; launchFiles: number };
  /** The id `loadLaunchFiles` answers (null: no files were named). */
  launchLoad: number | null;
} {
  let onLoad: ((message: LoadMessage) => void) | null = null;
  let onDragging: ((dragging: boolean) => void) | null = null;
  const calls = { cancel: [] as number[], launchFiles: 0 };
  return {
    calls,
    launchLoad: null,
    emit: (message) => onLoad?.(message),
    drag: (dragging) => onDragging?.(dragging),
    cancelLoad: async (id) => {
      calls.cancel.push(id);
      return true;
    },
    openFiles: async () => {},
    async loadLaunchFiles() {
      calls.launchFiles += 1;
      return this.launchLoad;
    },
    onLoad: async (handler) => {
      onLoad = handler;
      return () => (onLoad = null);
    },
    onDragging: async (handler) => {
      onDragging = handler;
      return () => (onDragging = null);
    },
    onCaseChanged: async () => () => {},
    onNotice: async () => () => {},
  };
}
