// The one place that calls the shell: invoke() with every failure as a WeftError,
// and listen() to its events. Command names, arguments, results and event payloads
// are checked against generated/bindings.ts (generated from the Rust types).
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { toWeftError } from './errors';
import type { Commands, Events } from './generated/bindings';

/** The first calls are kept as `weft:<command>` performance measures (sent → answered),
 * which `make measure-app` reads for the startup timeline; later ones are not. */
const MEASURED_CALLS = 200;
let measured = 0;

function measure(command: string, start: number): void {
  if (measured >= MEASURED_CALLS || typeof performance.measure !== 'function') return;
  measured++;
  performance.measure(`weft:${command}`, { start, end: performance.now() });
}

export async function call<C extends keyof Commands>(
  command: C,
  args: Commands[C]['args'],
): Promise<Commands[C]['result']> {
  const start = performance.now();
  try {
    return await invoke<Commands[C]['result']>(command, args);
  } catch (raw) {
    throw toWeftError(raw);
  } finally {
    measure(command, start);
  }
}

/** Calls `handler` with the payload of every `event` the shell emits. */
export function on<E extends keyof Events>(
  event: E,
  handler: (payload: Events[E]) => void,
): Promise<UnlistenFn> {
  return listen<Events[E]>(event, ({ payload }) => handler(payload));
}
