// The pace of the views' refresh while records arrive (followed files, the Listen
// switch): now, or — within `intervalMs` of the last refresh — once that interval is over,
// never more than one waiting.

export type Schedule = (run: () => void, ms: number) => void;

export class RefreshPacer {
  #lastRefresh = -Infinity;
  #pending = false;

  constructor(
    private readonly refresh: () => void,
    private readonly intervalMs: number,
    private readonly now: () => number,
    private readonly schedule: Schedule,
  ) {}

  /** Refreshes now, or once the interval since the last refresh is over. */
  soon(): void {
    const wait = this.#lastRefresh + this.intervalMs - this.now();
    if (wait <= 0) {
      this.immediately();
    } else if (!this.#pending) {
      this.#pending = true;
      this.schedule(() => {
        this.#pending = false;
        this.immediately();
      }, wait);
    }
  }

  /** Refreshes now (the last batch, a finished file). */
  immediately(): void {
    this.#lastRefresh = this.now();
    this.refresh();
  }
}
