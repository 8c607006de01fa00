// Back and Forward through the places the user went to (a trace or span opened, a
// log line shown, a search run), as in a browser: going somewhere new after going
// back drops the places ahead. Moving through history does not record: the window
// goes to the place `back()`/`forward()` return without calling `visit`.
import { samePlace, type Place } from '../model/links';

/** How many places are kept; the oldest go first. */
export const HISTORY_LIMIT = 200;

export class HistoryStore {
  entries = $state.raw<Place[]>([]);
  index = $state(-1);

  get current(): Place | null {
    return this.entries[this.index] ?? null;
  }

  get canBack(): boolean {
    return this.index > 0;
  }

  get canForward(): boolean {
    return this.index < this.entries.length - 1;
  }

  /** Records a place gone to; the same place again (e.g. a span selected twice) is one entry. */
  visit(place: Place): void {
    const current = this.current;
    if (current && samePlace(current, place)) return;
    const kept = this.entries.slice(0, this.index + 1);
    kept.push(place);
    const dropped = Math.max(0, kept.length - HISTORY_LIMIT);
    this.entries = kept.slice(dropped);
    this.index = this.entries.length - 1;
  }

  /** The place before the current one (now current), or null at the start. */
  back(): Place | null {
    if (!this.canBack) return null;
    this.index -= 1;
    return this.current;
  }

  /** The place after the current one (now current), or null at the end. */
  forward(): Place | null {
    if (!this.canForward) return null;
    this.index += 1;
    return this.current;
  }

  /** Another case: nothing to go back to. */
  clear(): void {
    this.entries = [];
    this.index = -1;
  }
}
