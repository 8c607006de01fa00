// The window's display settings, remembered in localStorage: the theme (follow
// the OS, light or dark) and how times are shown (UTC, local, or relative to the
// trace on screen). One instance, `settings`, that components read directly, so a
// time deep in a list needs no props threaded down to it. Never touches the DOM:
// Preferences.svelte puts the theme on <html> and tells this store what the OS prefers.
import {
  formatAbsolute,
  formatClock,
  formatRelative,
  formatTime,
  type TimeFormat,
  type TimeZoneMode,
} from '../model/format';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type TimeChoice = 'utc' | 'local' | 'relative';

export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];
export const TIME_CHOICES: readonly TimeChoice[] = ['utc', 'local', 'relative'];

const KEY = 'weft.settings';

interface Saved {
  theme?: unknown;
  zone?: unknown;
  relative?: unknown;
}

export class SettingsStore {
  readonly #storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  readonly #offsetMinutesAt: ((ms: number) => number) | undefined;

  theme = $state<ThemeChoice>('system');
  /** The absolute clock; also what relative times fall back to where there is no trace. */
  zone = $state<TimeZoneMode>('utc');
  /** Times relative to the start of the trace on screen, where there is one. */
  relative = $state(false);
  /** Whether the OS prefers dark (`prefers-color-scheme`, from the GTK theme in WebKitGTK). */
  systemDark = $state(false);
  /** The start (Unix ns) of the trace on screen, the origin of relative times; null: none. */
  traceStartNs = $state<number | null>(null);

  /** The theme in effect: the choice, or the OS's preference for "system". */
  resolvedTheme = $derived<'light' | 'dark'>(
    this.theme === 'system' ? (this.systemDark ? 'dark' : 'light') : this.theme,
  );
  timeChoice = $derived<TimeChoice>(this.relative ? 'relative' : this.zone);

  constructor(
    storage: Pick<Storage, 'getItem' | 'setItem'> | null,
    options: { systemDark?: boolean; offsetMinutesAt?: (ms: number) => number } = {},
  ) {
    this.#storage = storage;
    this.#offsetMinutesAt = options.offsetMinutesAt;
    this.systemDark = options.systemDark ?? false;
    let saved: Saved = {};
    try {
      saved = (JSON.parse(storage?.getItem(KEY) ?? '{}') as Saved | null) ?? {};
    } catch {
      // A damaged entry is as good as none.
    }
    if (THEME_CHOICES.includes(saved.theme as ThemeChoice)) this.theme = saved.theme as ThemeChoice;
    if (saved.zone === 'utc' || saved.zone === 'local') this.zone = saved.zone;
    if (typeof saved.relative === 'boolean') this.relative = saved.relative;
  }

  /** How times are shown now (see `formatTime`). */
  get timeFormat(): TimeFormat {
    return {
      zone: this.zone,
      originNs: this.relative ? this.traceStartNs : null,
      ...(this.#offsetMinutesAt ? { offsetMinutesAt: this.#offsetMinutesAt } : {}),
    };
  }

  setTheme(theme: ThemeChoice): void {
    this.theme = theme;
    this.#save();
  }

  /** Light when dark is in effect, else dark (an explicit choice from then on). */
  toggleTheme(): void {
    this.setTheme(this.resolvedTheme === 'dark' ? 'light' : 'dark');
  }

  /** UTC or local sets the clock and leaves relative times; relative keeps the clock to fall back on. */
  setTime(choice: TimeChoice): void {
    if (choice === 'relative') this.relative = true;
    else {
      this.zone = choice;
      this.relative = false;
    }
    this.#save();
  }

  /** UTC → local → relative → UTC. */
  cycleTime(): void {
    const next = TIME_CHOICES[(TIME_CHOICES.indexOf(this.timeChoice) + 1) % TIME_CHOICES.length]!;
    this.setTime(next);
  }

  /** A point in time as the settings show it (relative only while a trace is on screen). */
  time(ns: number): string {
    return formatTime(ns, this.timeFormat);
  }

  /**
   * A point in a trace given as its offset from the trace's start: the offset
   * itself when times are relative (exact: no round trip through a Unix time,
   * which a double holds only to ~256 ns), else the absolute time.
   */
  traceTime(traceStartNs: number, offsetNs: number): string {
    return this.relative ? formatRelative(offsetNs, 0) : this.absolute(traceStartNs + offsetNs);
  }

  /** A point in time on the absolute clock (trace lists, where no one trace is the origin). */
  absolute(ns: number): string {
    return formatAbsolute(ns, this.timeFormat);
  }

  /** The time of day on the absolute clock, for an axis. */
  clock(ns: number): string {
    return formatClock(ns, this.timeFormat);
  }

  #save(): void {
    try {
      this.#storage?.setItem(KEY, JSON.stringify({ theme: this.theme, zone: this.zone, relative: this.relative }));
    } catch {
      // Storage may be full or refused; the settings still hold for this session.
    }
  }
}

/** The window's settings. */
export const settings = new SettingsStore(browserStorage(), {
  systemDark: globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false,
});

function browserStorage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}
