import { describe, expect, it } from 'vitest';
import { isPlainKey, isTextField, matches, parseShortcut, shortcutLabel } from './shortcuts';

const key = (key: string, mods: Partial<Record<'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey', boolean>> = {}) => ({
  key,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
});

describe('parseShortcut', () => {
  it('reads Mod as Ctrl, or as Cmd on macOS', () => {
    expect(parseShortcut('Mod+K', false)).toEqual({ key: 'k', ctrl: true, alt: false, shift: false, meta: false });
    expect(parseShortcut('Mod+K', true)).toEqual({ key: 'k', ctrl: false, alt: false, shift: false, meta: true });
  });

  it('reads modifiers in any case and named keys', () => {
    expect(parseShortcut('alt+shift+ArrowLeft', false)).toEqual({
      key: 'arrowleft',
      ctrl: false,
      alt: true,
      shift: true,
      meta: false,
    });
    expect(parseShortcut('Ctrl+Plus', false).key).toBe('+');
  });

  it('refuses a typo at once', () => {
    expect(() => parseShortcut('Mdo+K', false)).toThrow(/unknown modifier/);
    expect(() => parseShortcut('Mod+', false)).toThrow(/no key/);
  });
});

describe('matches', () => {
  it('needs exactly the modifiers named', () => {
    const shortcut = parseShortcut('Mod+K', false);
    expect(matches(shortcut, key('k', { ctrlKey: true }))).toBe(true);
    expect(matches(shortcut, key('K', { ctrlKey: true }))).toBe(true);
    expect(matches(shortcut, key('k'))).toBe(false);
    expect(matches(shortcut, key('k', { ctrlKey: true, altKey: true }))).toBe(false);
    expect(matches(shortcut, key('k', { ctrlKey: true, shiftKey: true }))).toBe(false);
  });

  it('tells Shift+O from O but takes "?" however the layout reaches it', () => {
    expect(matches(parseShortcut('Mod+Shift+O', false), key('O', { ctrlKey: true, shiftKey: true }))).toBe(true);
    expect(matches(parseShortcut('Mod+O', false), key('O', { ctrlKey: true, shiftKey: true }))).toBe(false);
    expect(matches(parseShortcut('?', false), key('?', { shiftKey: true }))).toBe(true);
    expect(matches(parseShortcut('?', false), key('/'))).toBe(false);
  });
});

describe('isPlainKey and isTextField', () => {
  it('plain keys are the ones that type', () => {
    expect(isPlainKey(parseShortcut('?', false))).toBe(true);
    expect(isPlainKey(parseShortcut('Mod+K', false))).toBe(false);
    expect(isPlainKey(parseShortcut('Home', false))).toBe(false);
  });

  it('knows text fields from other controls', () => {
    expect(isTextField({ tagName: 'INPUT', type: 'search' })).toBe(true);
    expect(isTextField({ tagName: 'INPUT', type: 'checkbox' })).toBe(false);
    expect(isTextField({ tagName: 'TEXTAREA' })).toBe(true);
    expect(isTextField({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(isTextField({ tagName: 'BUTTON' })).toBe(false);
    expect(isTextField(null)).toBe(false);
  });
});

describe('shortcutLabel', () => {
  it('spells shortcuts the platform way', () => {
    expect(shortcutLabel('Mod+Shift+O', false)).toBe('Ctrl+Shift+O');
    expect(shortcutLabel('Mod+Shift+O', true)).toBe('⇧⌘O');
    expect(shortcutLabel('Alt+ArrowLeft', false)).toBe('Alt+←');
    expect(shortcutLabel('?', false)).toBe('?');
    // The context menu's keys (Shift+F10 and the Menu key).
    expect(shortcutLabel('Shift+F10', false)).toBe('Shift+F10');
    expect(shortcutLabel('ContextMenu', false)).toBe('Menu');
  });
});
