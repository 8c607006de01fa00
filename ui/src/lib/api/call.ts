// The one place that calls the shell: invoke() with every failure as a WeftError.
import { invoke } from '@tauri-apps/api/core';
import { toWeftError } from './errors';

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toWeftError(raw);
  }
}
