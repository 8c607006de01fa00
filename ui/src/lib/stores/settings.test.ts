import { describe, expect, it } from 'vitest';
import { SettingsStore } from './settings.svelte';

const NS = 1_793_700_000_123_456_789; // 2026-11-03 10:00:00.123Z

function memory(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

describe('SettingsStore', () => {
  it('follows the OS theme until a theme is chosen, and remembers the choice', () => {
    const storage = memory();
    const settings = new SettingsStore(storage, { systemDark: true });
    expect(settings.theme).toBe('system');
    expect(settings.resolvedTheme).toBe('dark');
    settings.systemDark = false;
    expect(settings.resolvedTheme).toBe('light');
    settings.toggleTheme();
    expect(settings.theme).toBe('dark');
    settings.systemDark = true;
    settings.setTheme('light');
    expect(settings.resolvedTheme).toBe('light');
    expect(new SettingsStore(storage, { systemDark: true }).resolvedTheme).toBe('light');
  });

  it('shows UTC by default, local on the chosen offset, relative only with a trace', () => {
    const settings = new SettingsStore(memory(), { offsetMinutesAt: () => 60 });
    expect(settings.time(NS)).toBe('2026-11-03 10:00:00.123Z');
    settings.setTime('local');
    expect(settings.time(NS)).toBe('2026-11-03 11:00:00.123+01:00');
    settings.setTime('relative');
    expect(settings.time(NS)).toBe('2026-11-03 11:00:00.123+01:00');
    settings.traceStartNs = NS - 1_500_000;
    expect(settings.time(NS)).toBe('+1.5ms');
    expect(settings.absolute(NS)).toBe('2026-11-03 11:00:00.123+01:00');
    settings.setTime('utc');
    expect(settings.time(NS)).toBe('2026-11-03 10:00:00.123Z');
  });

  it('shows a point of a trace from its offset, exactly when relative', () => {
    const settings = new SettingsStore(memory());
    expect(settings.traceTime(NS, 830)).toBe('2026-11-03 10:00:00.123Z');
    settings.setTime('relative');
    expect(settings.traceTime(NS, 830)).toBe('+830ns');
    expect(settings.clock(NS)).toBe('10:00:00.123Z');
  });

  it('cycles UTC → local → relative and remembers it; a damaged entry is ignored', () => {
    const storage = memory();
    const settings = new SettingsStore(storage);
    settings.cycleTime();
    expect(settings.timeChoice).toBe('local');
    settings.cycleTime();
    expect(settings.timeChoice).toBe('relative');
    expect(new SettingsStore(storage).timeChoice).toBe('relative');
    settings.cycleTime();
    expect(settings.timeChoice).toBe('utc');
    const damaged = new SettingsStore(memory({ 'weft.settings': '{not json' }));
    expect([damaged.theme, damaged.timeChoice]).toEqual(['system', 'utc']);
    const odd = new SettingsStore(memory({ 'weft.settings': '{"theme":"pink","zone":"mars"}' }));
    expect([odd.theme, odd.timeChoice]).toEqual(['system', 'utc']);
  });
});
