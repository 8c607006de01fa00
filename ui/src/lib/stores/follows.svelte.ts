// Which sources are followed, a line of news per followed source, and the refresh
// of the views while followed files grow (at most once a second). Holds state only;
// SourcesTable renders it.
import { followApi, toWeftError, type FollowApi, type FollowMessage, type WeftError } from '../api';
import { RefreshPacer, type Schedule } from '../model/refreshPacer';

/** Least time between two refreshes of the views while followed files grow. */
export const REFRESH_WHILE_FOLLOWING_MS = 1000;

export class FollowStore {
  followed = $state.raw<number[]>([]);
  /** Per source row: what its follower said last ("following", "+3 logs", …). */
  news = $state.raw<Record<number, string>>({});
  error = $state.raw<WeftError | null>(null);

  readonly #api: FollowApi;
  readonly #pacer: RefreshPacer;
  /** Followers that said they stopped, counted per source (see `set`). */
  readonly #stops = new Map<number, number>();

  constructor(
    onchange: () => void,
    api: FollowApi = followApi,
    now: () => number = () => Date.now(),
    schedule: Schedule = (run, ms) => void setTimeout(run, ms),
  ) {
    this.#api = api;
    this.#pacer = new RefreshPacer(onchange, REFRESH_WHILE_FOLLOWING_MS, now, schedule);
  }

  /** Starts listening to the shell and reads who is followed; returns the stop. */
  async listen(): Promise<() => void> {
    const stop = await this.#api.onFollow((message) => this.apply(message));
    try {
      this.followed = await this.#api.followedSources();
    } catch (raw) {
      this.error = toWeftError(raw);
    }
    return stop;
  }

  async set(sourceId: number, on: boolean): Promise<void> {
    this.error = null;
    // Said before the call: the follower's first event may come before the call's
    // answer, and must not be overwritten by it.
    this.#say(sourceId, on ? 'starting…' : 'stopping…');
    const stopsBefore = this.#stops.get(sourceId) ?? 0;
    try {
      const followed = await this.#api.setFollow(sourceId, on);
      // The answer lists the followers when the shell answered: one switched off is
      // still there, stopping. If it said it stopped before the answer came here, the
      // answer is older than that and must not switch it on again.
      const stoppedSince = (this.#stops.get(sourceId) ?? 0) !== stopsBefore;
      this.followed = stoppedSince ? followed.filter((followed) => followed !== sourceId) : followed;
    } catch (raw) {
      this.error = toWeftError(raw);
      this.#say(sourceId, '');
    }
  }

  apply(message: FollowMessage): void {
    const id = message.source_id;
    if (message.type === 'stopped') {
      this.#stops.set(id, (this.#stops.get(id) ?? 0) + 1);
      this.followed = this.followed.filter((followed) => followed !== id);
      this.#say(id, message.error ? `stopped: ${message.error.message}` : '');
      if (message.error) this.error = toWeftError(message.error);
      this.#pacer.immediately();
      return;
    }
    const event = message.event;
    switch (event.event) {
      case 'following':
        this.#say(id, 'following');
        this.#pacer.immediately();
        break;
      case 'appended': {
        const records = event.spans + event.logs;
        this.#say(id, `following · +${records} record${records === 1 ? '' : 's'}`);
        this.#pacer.soon();
        break;
      }
      case 'not_followable':
        this.#say(id, 'loaded once: not a line-oriented format');
        this.#pacer.immediately();
        break;
      case 'restarted':
        this.#say(id, `following · ${event.reason}: new content is a new source`);
        this.#pacer.immediately();
        break;
      case 'unreadable':
        this.#say(id, `waiting: ${event.message}`);
        break;
      default:
        break;
    }
  }

  #say(id: number, text: string): void {
    this.news = { ...this.news, [id]: text };
  }
}
