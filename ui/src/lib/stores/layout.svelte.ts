// The window's layout: the view the left rail shows (Traces, Logs, Services, Quality, Case,
// Notebook) and, inside
// a trace, the two splits — the logs pane below the waterfall and the span details
// pane to its right — each a share of its container that a splitter drags (pointer
// or arrow keys) and that can be collapsed. Sizes and collapsed panes are remembered
// per case (`model/saved.ts`); the view is not (a case opens on its traces).
import { readSaved, savedKey, windowStorage, writeSaved, type SavedStorage } from '../model/saved';

export type View = 'traces' | 'logs' | 'services' | 'quality' | 'case' | 'notebook';
/** `logs`: the bottom pane's share of the height; `details`: the right pane's of the width. */
export type Split = 'logs' | 'details';

export const MIN_SHARE = 0.1;
export const MAX_SHARE = 0.85;
/** How far an arrow key moves a splitter. */
export const KEY_STEP = 0.05;
export const DEFAULT_SHARES: Record<Split, number> = { logs: 0.4, details: 0.3 };

interface Saved {
  shares: Record<Split, number>;
  collapsed: Record<Split, boolean>;
}

function isSaved(value: unknown): value is Saved {
  if (typeof value !== 'object' || value === null) return false;
  const { shares, collapsed } = value as Partial<Saved>;
  return (
    (['logs', 'details'] as const).every(
      (split) => typeof shares?.[split] === 'number' && typeof collapsed?.[split] === 'boolean',
    )
  );
}

/** `share` within the bounds a pane may take (NaN: the middle). */
export function clampShare(share: number): number {
  if (Number.isNaN(share)) return (MIN_SHARE + MAX_SHARE) / 2;
  return Math.min(MAX_SHARE, Math.max(MIN_SHARE, share));
}

/**
 * The share of a pane at the far end of a container (`start`..`end` along the split)
 * whose splitter the pointer put at `position`.
 */
export function shareAt(position: number, start: number, end: number): number {
  const length = end - start;
  return length <= 0 ? DEFAULT_SHARES.logs : clampShare((end - position) / length);
}

export class LayoutStore {
  view = $state<View>('traces');
  shares = $state<Record<Split, number>>({ ...DEFAULT_SHARES });
  collapsed = $state<Record<Split, boolean>>({ logs: false, details: false });
  readonly #storage: SavedStorage | null;
  #casePath: string | null = null;

  constructor(storage: SavedStorage | null = windowStorage()) {
    this.#storage = storage;
  }

  /** Takes the sizes saved for the case at `casePath` (the defaults when none). */
  useCase(casePath: string): void {
    this.#casePath = casePath;
    const saved = readSaved(this.#storage, savedKey('layout', casePath), isSaved);
    this.shares = {
      logs: clampShare(saved?.shares.logs ?? DEFAULT_SHARES.logs),
      details: clampShare(saved?.shares.details ?? DEFAULT_SHARES.details),
    };
    this.collapsed = { logs: saved?.collapsed.logs ?? false, details: saved?.collapsed.details ?? false };
  }

  /** Sets a pane's share (clamped); a collapsed pane opens. */
  resize(split: Split, share: number): void {
    this.shares = { ...this.shares, [split]: clampShare(share) };
    this.collapsed = { ...this.collapsed, [split]: false };
    this.#save();
  }

  /**
   * A key on a splitter: arrows towards the pane make it bigger, away smaller
   * (`grow` is +1 or -1); Enter collapses or opens it. Whether the key was used.
   */
  key(split: Split, key: string): boolean {
    const towards = split === 'logs' ? 'ArrowUp' : 'ArrowLeft';
    const away = split === 'logs' ? 'ArrowDown' : 'ArrowRight';
    if (key === towards || key === away) {
      const share = this.collapsed[split] ? MIN_SHARE : this.shares[split];
      this.resize(split, share + (key === towards ? KEY_STEP : -KEY_STEP));
    } else if (key === 'Enter') {
      this.toggle(split);
    } else if (key === 'Home' || key === 'End') {
      this.resize(split, key === 'Home' ? MAX_SHARE : MIN_SHARE);
    } else {
      return false;
    }
    return true;
  }

  toggle(split: Split): void {
    this.collapsed = { ...this.collapsed, [split]: !this.collapsed[split] };
    this.#save();
  }

  #save(): void {
    if (this.#casePath === null) return;
    const saved: Saved = { shares: this.shares, collapsed: this.collapsed };
    writeSaved(this.#storage, savedKey('layout', this.#casePath), saved);
  }
}
