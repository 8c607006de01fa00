// What the window remembers per case (open tabs, pane sizes): JSON in localStorage
// under a key that names the case's path. A value that is missing, unreadable or of
// another shape reads as nothing, so an old or hand-edited entry never breaks a case.

/** The part of `Storage` this needs (Vitest passes a Map-backed fake). */
export type SavedStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** The storage of the window, or none (tests, a webview without it). */
export function windowStorage(): SavedStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The key of `what` for the case at `casePath`. */
export function savedKey(what: string, casePath: string): string {
  return `weft.${what}:${casePath}`;
}

/** The value saved under `key`, when `valid` accepts it. */
export function readSaved<T>(storage: SavedStorage | null, key: string, valid: (value: unknown) => value is T): T | null {
  try {
    const text = storage?.getItem(key);
    if (!text) return null;
    const value: unknown = JSON.parse(text);
    return valid(value) ? value : null;
  } catch {
    return null;
  }
}

export function writeSaved(storage: SavedStorage | null, key: string, value: unknown): void {
  try {
    storage?.setItem(key, JSON.stringify(value));
  } catch {
    // A full or refused storage only costs the memory of this layout.
  }
}

/** A Map-backed storage for tests. */
export function memoryStorage(): SavedStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (key) => map.get(key) ?? null, setItem: (key, value) => void map.set(key, value) };
}
