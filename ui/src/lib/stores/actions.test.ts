import { describe, expect, it, vi } from 'vitest';
import { ActionRegistry, type KeyEventLike } from './actions.svelte';

function keyEvent(key: string, options: Partial<KeyEventLike> = {}): KeyEventLike & { prevented: boolean } {
  const event = {
    key,
    ctrlKey: false,
    altKey: false,
    shiftKey: false,
    metaKey: false,
    defaultPrevented: false,
    target: { tagName: 'BODY' },
    prevented: false,
    preventDefault() {
      event.prevented = true;
    },
    ...options,
  };
  return event;
}

describe('ActionRegistry', () => {
  it('dispatches a shortcut to its action and prevents the default', () => {
    const registry = new ActionRegistry(false);
    const run = vi.fn();
    registry.register([{ id: 'files.open', title: 'Open files…', shortcut: 'Mod+O', run }]);
    const event = keyEvent('o', { ctrlKey: true });
    expect(registry.keydown(event)).toBe(true);
    expect(run).toHaveBeenCalledOnce();
    expect(event.prevented).toBe(true);
    expect(registry.keydown(keyEvent('o'))).toBe(false);
    expect(run).toHaveBeenCalledOnce();
  });

  it('opens the palette with Mod+K (also from a text field) and closes it with Escape', () => {
    const registry = new ActionRegistry(false);
    registry.keydown(keyEvent('k', { ctrlKey: true, target: { tagName: 'INPUT', type: 'search' } }));
    expect(registry.paletteOpen).toBe(true);
    registry.keydown(keyEvent('Escape'));
    expect(registry.paletteOpen).toBe(false);
  });

  it('leaves plain keys to text fields and to components that handled them', () => {
    const registry = new ActionRegistry(false);
    expect(registry.keydown(keyEvent('?', { shiftKey: true, target: { tagName: 'INPUT', type: 'text' } }))).toBe(false);
    expect(registry.keydown(keyEvent('?', { defaultPrevented: true }))).toBe(false);
    expect(registry.shortcutsOpen).toBe(false);
    expect(registry.keydown(keyEvent('?', { shiftKey: true }))).toBe(true);
    expect(registry.shortcutsOpen).toBe(true);
  });

  it('runs nothing disabled, and nothing but the overlays while one is open', () => {
    const registry = new ActionRegistry(false);
    let enabled = false;
    const run = vi.fn();
    registry.register([{ id: 'trace.close', title: 'Close trace', shortcut: 'Mod+W', run, enabled: () => enabled }]);
    const event = keyEvent('w', { ctrlKey: true });
    expect(registry.keydown(event)).toBe(false);
    expect(event.prevented).toBe(false);
    expect(registry.filter('')).not.toContainEqual(expect.objectContaining({ id: 'trace.close' }));
    enabled = true;
    registry.openPalette();
    expect(registry.keydown(keyEvent('w', { ctrlKey: true }))).toBe(false);
    registry.closeOverlays();
    expect(registry.keydown(keyEvent('w', { ctrlKey: true }))).toBe(true);
    expect(run).toHaveBeenCalledOnce();
  });

  it('refuses an id or a shortcut already taken, and unregisters', () => {
    const registry = new ActionRegistry(false);
    const stop = registry.register([{ id: 'a', title: 'A', shortcut: 'Alt+A', run: () => {} }]);
    expect(() => registry.register([{ id: 'a', title: 'A again', run: () => {} }])).toThrow(/twice/);
    expect(() => registry.register([{ id: 'b', title: 'B', shortcut: 'alt+a', run: () => {} }])).toThrow(/taken by "a"/);
    expect(() => registry.register([{ id: 'c', title: 'C', shortcut: 'Mod+K', run: () => {} }])).toThrow(/palette.open/);
    stop();
    expect(registry.actions.map((action) => action.id)).toEqual(['palette.open', 'shortcuts.show']);
    registry.register([{ id: 'b', title: 'B', shortcut: 'Alt+A', run: () => {} }]);
  });

  it('filters by title, fuzzily, and runs what the palette picked', () => {
    const registry = new ActionRegistry(false);
    const run = vi.fn();
    registry.register([
      { id: 'files.open', title: 'Open files…', run: () => {} },
      { id: 'folder.open', title: 'Open folder…', run },
      { id: 'theme.toggle', title: 'Theme: toggle light / dark', run: () => {} },
    ]);
    expect(registry.filter('opfold').map((action) => action.id)).toEqual(['folder.open']);
    expect(registry.filter('theme').map((action) => action.id)).toEqual(['theme.toggle']);
    registry.openPalette();
    expect(registry.run('folder.open')).toBe(true);
    expect(run).toHaveBeenCalledOnce();
    expect(registry.paletteOpen).toBe(false);
    expect(registry.run('nothing')).toBe(false);
  });
});
