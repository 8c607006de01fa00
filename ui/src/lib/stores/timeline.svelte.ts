// The time axis that the trace scatter and the log histogram share (issue 23,
// point 3). The range a user picks (a drag, a wheel zoom, a preset) lives in one
// place, the query's `after:` / `before:` terms (`model/timeRange.ts`), so the trace
// list and the log view follow it and Back undoes it. With none picked the axis fits
// the densest range of the query's data (`model/timeFit.ts`) or, after "show all",
// the whole case. This store holds what the axis is computed from: the per-minute
// density of the query's traces and logs (without its picked range, so the charts
// can count what lies outside), and the histogram of the logs on the axis.
import {
  searchApi,
  toWeftError,
  type DensityBucket,
  type Histogram,
  type SearchApi,
  type TimeDensity,
  type WeftError,
} from '../api';
import {
  busiestWindow,
  fitRange,
  lastWindow,
  outside,
  padded,
  wholeRange,
  type Bucket,
  type TimeRange,
} from '../model/timeFit';
import { pickedRange, withoutPickedRange, withTimeRange } from '../model/timeRange';

export const HISTOGRAM_BUCKETS = 120;
const MINUTE = 60e9;
/** How long a wheel zoom waits for the next turn before it becomes the query. */
export const ZOOM_SETTLE_MS = 350;

/** The choices of the time picker. */
export type TimePreset = 'fit' | 'all' | 'busiest-hour' | 'last-15m' | 'last-60m';
export const PRESETS: { preset: TimePreset; label: string; title: string }[] = [
  { preset: 'fit', label: 'Fit', title: 'The densest range of the data (what lies outside is counted at the edges)' },
  { preset: 'all', label: 'All', title: 'The whole case, from its first record to its last' },
  { preset: 'busiest-hour', label: 'Busiest hour', title: 'The hour of the data with the most traces and logs' },
  { preset: 'last-15m', label: 'Last 15 min', title: 'The last 15 minutes of the data' },
  { preset: 'last-60m', label: 'Last 60 min', title: 'The last 60 minutes of the data' },
];

function buckets(list: readonly DensityBucket[]): Bucket[] {
  return list.map((bucket) => ({ at: bucket.start_ns, n: bucket.n }));
}

export class TimelineStore {
  /** The query last loaded (its picked range included). */
  query = $state('');
  density = $state.raw<TimeDensity | null>(null);
  /** The query `density` was read for: until the density of a new query is in, the
   * one shown is the query before's (kept so the charts do not flash empty). */
  densityQuery = $state('');
  /** The logs per bucket and level over `axis`. */
  histogram = $state.raw<Histogram | null>(null);
  /** With no range picked: fit the densest range, or show the whole case. */
  widen = $state<'fit' | 'all'>('fit');
  /** The axis shown while a wheel zoom settles (null: none). */
  preview = $state.raw<TimeRange | null>(null);
  loading = $state(false);
  error = $state.raw<WeftError | null>(null);
  /** The density and histogram are those of an earlier query: the one last run does not parse. */
  stale = $state(false);

  readonly #api: SearchApi;
  /** Runs a query that picks a range (places.go: it is recorded for Back). */
  readonly #go: (query: string) => void;
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(go: (query: string) => void, api: SearchApi = searchApi) {
    this.#go = go;
    this.#api = api;
  }

  /** The range the query picks, if any. */
  get picked(): TimeRange | null {
    return pickedRange(this.query);
  }

  /** Traces and logs together, per minute. */
  get all(): Bucket[] {
    if (!this.density) return [];
    return [...buckets(this.density.traces), ...buckets(this.density.logs)];
  }

  /** The charts' time axis; null when there is nothing to draw (never a 1970 axis). */
  get axis(): TimeRange | null {
    if (this.preview) return this.preview;
    const picked = this.picked;
    if (picked) return picked;
    const width = this.density?.bucket_ns ?? MINUTE;
    const range = this.widen === 'all' ? wholeRange(this.all, width) : fitRange(this.all, width);
    return range ? padded(range) : null;
  }

  /** Every log matching the query, counted by the density, when it counts them all
   * (no range picked: the density is read without it); else null. */
  get logTotal(): number | null {
    if (!this.density || this.picked || this.densityQuery !== this.query) return null;
    return this.density.logs.reduce((sum, bucket) => sum + bucket.n, 0);
  }

  /** Records of one chart's kind before and after the axis. */
  outliers(kind: 'traces' | 'logs'): { before: number; after: number } {
    const axis = this.axis;
    if (!axis || !this.density) return { before: 0, after: 0 };
    return outside(buckets(this.density[kind]), axis);
  }

  /** Loads the density of `query` (without its picked range) and the histogram on the axis. */
  async reload(query: string): Promise<void> {
    const kept = { query: this.query, density: this.density, densityQuery: this.densityQuery, histogram: this.histogram };
    this.query = query;
    this.preview = null;
    const generation = ++this.#generation;
    this.loading = true;
    this.error = null;
    try {
      const density = await this.#api.timeDensity(withoutPickedRange(query));
      if (generation !== this.#generation) return;
      this.density = density;
      this.densityQuery = query;
      this.stale = false;
      await this.#loadHistogram(generation);
    } catch (raw) {
      if (generation !== this.#generation) return;
      this.error = toWeftError(raw);
      if (this.error.code === 'query') {
        // A query that does not parse keeps the charts of the one before, marked stale.
        Object.assign(this, kept);
        this.stale = true;
      } else {
        this.density = null;
        this.histogram = null;
        this.stale = false;
      }
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  async #loadHistogram(generation: number): Promise<void> {
    const axis = this.axis;
    if (!axis) {
      this.histogram = null;
      return;
    }
    const histogram = await this.#api.logHistogram({
      query: withoutPickedRange(this.query),
      buckets: HISTOGRAM_BUCKETS,
      startNs: Math.floor(axis.start),
      endNs: Math.ceil(axis.end),
    });
    if (generation === this.#generation) this.histogram = histogram;
  }

  /** Redraws the histogram for the axis as it is now. */
  async #refresh(): Promise<void> {
    const generation = ++this.#generation;
    this.loading = true;
    try {
      await this.#loadHistogram(generation);
    } catch (raw) {
      if (generation === this.#generation) this.error = toWeftError(raw);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Picks `range`: the query with it as its time terms is run (and recorded). */
  pick(range: TimeRange): void {
    this.#go(withTimeRange(withoutPickedRange(this.query), range.start, range.end));
  }

  /** Fits the axis to the densest range or widens it to the whole case, dropping a
   *  picked range from the query. */
  async widenTo(widen: 'fit' | 'all'): Promise<void> {
    this.widen = widen;
    if (this.picked) this.#go(withoutPickedRange(this.query));
    else await this.#refresh();
  }

  /** Applies a preset of the time picker. */
  async choose(preset: TimePreset): Promise<void> {
    if (preset === 'fit' || preset === 'all') return this.widenTo(preset);
    const width = this.density?.bucket_ns ?? MINUTE;
    const range =
      preset === 'busiest-hour'
        ? busiestWindow(this.all, 60 * MINUTE)
        : lastWindow(this.all, (preset === 'last-15m' ? 15 : 60) * MINUTE, width);
    if (range) this.pick(range);
  }

  /** Shows `range` at once and picks it when the wheel has stopped turning. */
  zoom(range: TimeRange): void {
    this.preview = range;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.preview) this.pick(this.preview);
    }, ZOOM_SETTLE_MS);
  }
}
