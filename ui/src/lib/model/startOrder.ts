// The order of the window's first calls (issue 19): the log view's first page is
// what a user waits for, so it is asked for alone and the rest — the case's counts
// and sources, the trace list, the charts' density, the marks, the search box's
// vocabulary — only once its rows are shown (or, if it is slow, after `patience`).
// On the 5M-line case the other answers (and the rendering of the trace list and
// charts they bring) otherwise reached the web view together with the page and
// were handled before its rows. Pure scheduling: the calls and the clock are arguments.

/** Waits for the next paint (the rows of the first page on screen); timers are arguments for tests. */
export function nextPaint(
  frame: (callback: () => void) => unknown = (callback) => requestAnimationFrame(() => callback()),
  later: (callback: () => void) => unknown = (callback) => setTimeout(callback, 0),
): Promise<void> {
  // A frame callback runs before that frame's paint; a task queued from it runs after.
  return new Promise((resolve) => void frame(() => void later(resolve)));
}

/**
 * Starts `first`; when it has settled (resolved or failed) and `settled` has resolved
 * — or after `patience` ms whatever `first` does — starts each of `then`, in order,
 * without waiting for one before the next. Resolves when `then` have been started.
 */
export async function firstThen(
  first: () => Promise<unknown>,
  then: readonly (() => unknown)[],
  {
    settled = () => Promise.resolve(),
    patience,
    wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  }: { settled?: () => Promise<void>; patience: number; wait?: (ms: number) => Promise<void> },
): Promise<void> {
  const done = first()
    .catch(() => {})
    .then(settled);
  await Promise.race([done, wait(patience)]);
  for (const start of then) void start();
}
