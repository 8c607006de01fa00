// Keyboard shortcuts as text ("Mod+K", "Mod+Shift+O", "?", "/"): parsing, matching a
// key event, and the label shown to people. `Mod` is Cmd on macOS and Ctrl elsewhere.
// No DOM: events and focus targets are read through the few fields used here.

export interface Shortcut {
  key: string;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
  meta: boolean;
}

/** The fields of a KeyboardEvent a shortcut is matched against. */
export type KeyLike = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey'>;

/** Whether `Mod` means Cmd (macOS) rather than Ctrl. */
export const MOD_IS_META =
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform ?? '');

/**
 * "Mod+Shift+O" → its parts. Names are case-insensitive; the last part is the key
 * ("K", "?", "Home", "ArrowLeft", "Plus" for "+"). Throws on an unknown modifier or
 * an empty key, so a typo in a registration fails at once.
 */
export function parseShortcut(text: string, modIsMeta = MOD_IS_META): Shortcut {
  const parts = text.split('+');
  const rawKey = parts.pop()?.trim() ?? '';
  if (rawKey === '') throw new Error(`shortcut "${text}" names no key`);
  const shortcut: Shortcut = { key: normalKey(rawKey), ctrl: false, alt: false, shift: false, meta: false };
  for (const part of parts) {
    const modifier = part.trim().toLowerCase();
    if (modifier === 'mod') shortcut[modIsMeta ? 'meta' : 'ctrl'] = true;
    else if (modifier === 'ctrl' || modifier === 'control') shortcut.ctrl = true;
    else if (modifier === 'alt' || modifier === 'option') shortcut.alt = true;
    else if (modifier === 'shift') shortcut.shift = true;
    else if (modifier === 'meta' || modifier === 'cmd') shortcut.meta = true;
    else throw new Error(`shortcut "${text}": unknown modifier "${part}"`);
  }
  return shortcut;
}

function normalKey(key: string): string {
  if (key.toLowerCase() === 'plus') return '+';
  if (key.toLowerCase() === 'space') return ' ';
  return key.toLowerCase();
}

/**
 * Whether `event` presses `shortcut`. Shift counts for letters and named keys
 * (Shift+O is not O); a symbol like "?" already says whether Shift was down on
 * the layout at hand, so Shift is not compared for it.
 */
export function matches(shortcut: Shortcut, event: KeyLike): boolean {
  if (event.key.toLowerCase() !== shortcut.key) return false;
  const symbol = shortcut.key.length === 1 && !/[a-z0-9]/.test(shortcut.key);
  return (
    event.ctrlKey === shortcut.ctrl &&
    event.altKey === shortcut.alt &&
    event.metaKey === shortcut.meta &&
    (symbol || event.shiftKey === shortcut.shift)
  );
}

/** Whether a shortcut would type into a text field: a single key without Ctrl, Alt or Cmd. */
export function isPlainKey(shortcut: Shortcut): boolean {
  return !shortcut.ctrl && !shortcut.alt && !shortcut.meta && shortcut.key.length === 1;
}

const KEY_LABELS: Record<string, string> = {
  arrowleft: '←',
  arrowright: '→',
  arrowup: '↑',
  arrowdown: '↓',
  ' ': 'Space',
  escape: 'Esc',
  home: 'Home',
  end: 'End',
  enter: 'Enter',
  f10: 'F10',
  contextmenu: 'Menu',
};

/** "Mod+Shift+O" as people read it: "Ctrl+Shift+O" (or "⌘⇧O" on macOS). */
export function shortcutLabel(text: string, modIsMeta = MOD_IS_META): string {
  const shortcut = parseShortcut(text, modIsMeta);
  const key = KEY_LABELS[shortcut.key] ?? (shortcut.key.length === 1 ? shortcut.key.toUpperCase() : shortcut.key);
  if (modIsMeta) {
    return [shortcut.ctrl && '⌃', shortcut.alt && '⌥', shortcut.shift && '⇧', shortcut.meta && '⌘', key]
      .filter(Boolean)
      .join('');
  }
  return [shortcut.ctrl && 'Ctrl', shortcut.alt && 'Alt', shortcut.shift && 'Shift', shortcut.meta && 'Meta', key]
    .filter(Boolean)
    .join('+');
}

/** The fields of an element that say whether it takes typed text. */
export interface FocusLike {
  tagName?: string;
  isContentEditable?: boolean;
  type?: string;
}

const NON_TEXT_INPUTS = new Set(['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset', 'image']);

/** Whether keys pressed with `target` focused are typing (inputs, text areas, selects, editables). */
export function isTextField(target: FocusLike | null | undefined): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName?.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  return tag === 'input' && !NON_TEXT_INPUTS.has((target.type ?? 'text').toLowerCase());
}
