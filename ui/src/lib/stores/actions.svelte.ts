// The actions of the window by name: what the command palette lists and runs, what
// the shortcuts overlay shows, and what the one global keydown handler dispatches.
// Each part of the window registers its actions here (App.svelte does, in one
// block); nothing else binds global keys. Never touches the DOM: the handler is
// given the event by CommandPalette.svelte's <svelte:window>.
import { fuzzyFilter } from '../model/fuzzy';
import {
  MOD_IS_META,
  isPlainKey,
  isTextField,
  matches,
  parseShortcut,
  type FocusLike,
  type KeyLike,
  type Shortcut,
} from '../model/shortcuts';

export interface Action {
  /** Stable name, e.g. "theme.toggle"; unique in the registry. */
  id: string;
  /** What the palette shows and filters on, e.g. "Theme: toggle light / dark". */
  title: string;
  /** e.g. "Mod+K", "?", "Mod+Shift+O" (see model/shortcuts.ts); none: palette only. */
  shortcut?: string;
  /** Heading in the shortcuts overlay. */
  group?: string;
  run: () => void | Promise<unknown>;
  /** Whether it can run now (default: always); disabled actions are not listed or dispatched. */
  enabled?: () => boolean;
}

/** The fields of a keydown event the dispatcher reads and writes. */
export interface KeyEventLike extends KeyLike {
  defaultPrevented: boolean;
  target: EventTarget | FocusLike | null;
  preventDefault(): void;
}

export class ActionRegistry {
  /** Every registered action, in registration order. */
  actions = $state.raw<readonly Action[]>([]);
  paletteOpen = $state(false);
  shortcutsOpen = $state(false);

  readonly #modIsMeta: boolean;
  readonly #shortcuts = new Map<string, Shortcut>();

  constructor(modIsMeta = MOD_IS_META) {
    this.#modIsMeta = modIsMeta;
    this.register([
      {
        id: 'palette.open',
        title: 'Command palette',
        shortcut: 'Mod+K',
        group: 'General',
        run: () => this.openPalette(),
      },
      {
        id: 'shortcuts.show',
        title: 'Keyboard shortcuts',
        shortcut: '?',
        group: 'General',
        run: () => this.showShortcuts(),
      },
    ]);
  }

  /**
   * Adds `actions`; returns the function that removes them again. Throws on an id
   * or a shortcut already taken, or a shortcut that does not parse.
   */
  register(actions: readonly Action[]): () => void {
    const parsed = new Map<string, Shortcut>();
    for (const action of actions) {
      if (this.actions.some((known) => known.id === action.id) || parsed.has(action.id)) {
        throw new Error(`action "${action.id}" is registered twice`);
      }
      if (action.shortcut === undefined) continue;
      const shortcut = parseShortcut(action.shortcut, this.#modIsMeta);
      const taken = [...this.#shortcuts.entries(), ...parsed.entries()].find(
        ([, other]) => sameShortcut(other, shortcut),
      );
      if (taken) throw new Error(`shortcut ${action.shortcut} of "${action.id}" is taken by "${taken[0]}"`);
      parsed.set(action.id, shortcut);
    }
    for (const [id, shortcut] of parsed) this.#shortcuts.set(id, shortcut);
    this.actions = [...this.actions, ...actions];
    const ids = new Set(actions.map((action) => action.id));
    return () => {
      for (const id of ids) this.#shortcuts.delete(id);
      this.actions = this.actions.filter((action) => !ids.has(action.id));
    };
  }

  isEnabled(action: Action): boolean {
    return action.enabled?.() ?? true;
  }

  /** The enabled actions matching `query` (fuzzy, on the title), best first. */
  filter(query: string): Action[] {
    return fuzzyFilter(
      query,
      this.actions.filter((action) => this.isEnabled(action)),
      (action) => action.title,
    );
  }

  /** Runs the action `id` if it exists and is enabled (closing the overlays first). */
  run(id: string): boolean {
    const action = this.actions.find((candidate) => candidate.id === id);
    if (!action || !this.isEnabled(action)) return false;
    this.paletteOpen = false;
    this.shortcutsOpen = false;
    void Promise.resolve(action.run()).catch((error: unknown) => console.error(`action ${id}:`, error));
    return true;
  }

  openPalette(): void {
    this.shortcutsOpen = false;
    this.paletteOpen = true;
  }

  showShortcuts(): void {
    this.paletteOpen = false;
    this.shortcutsOpen = true;
  }

  closeOverlays(): void {
    this.paletteOpen = false;
    this.shortcutsOpen = false;
  }

  /**
   * The window's one keydown handler. A key a component already handled
   * (`defaultPrevented`) is left alone, and so is a plain key (no Ctrl/Alt/Cmd)
   * typed in a text field. While an overlay is open only Escape and the overlays'
   * own shortcuts act. Returns whether the key ran an action (its default is then
   * prevented).
   */
  keydown(event: KeyEventLike): boolean {
    if (event.defaultPrevented) return false;
    const overlay = this.paletteOpen || this.shortcutsOpen;
    if (overlay && event.key === 'Escape') {
      event.preventDefault();
      this.closeOverlays();
      return true;
    }
    const typing = isTextField(event.target as FocusLike | null);
    for (const action of this.actions) {
      const shortcut = this.#shortcuts.get(action.id);
      if (!shortcut || !matches(shortcut, event)) continue;
      if (typing && isPlainKey(shortcut)) return false;
      if (overlay && !action.id.startsWith('palette.') && !action.id.startsWith('shortcuts.')) return false;
      if (!this.isEnabled(action)) return false;
      event.preventDefault();
      if (overlay && action.id === 'palette.open' && this.paletteOpen) this.closeOverlays();
      else this.run(action.id);
      return true;
    }
    return false;
  }
}

function sameShortcut(a: Shortcut, b: Shortcut): boolean {
  return a.key === b.key && a.ctrl === b.ctrl && a.alt === b.alt && a.shift === b.shift && a.meta === b.meta;
}
