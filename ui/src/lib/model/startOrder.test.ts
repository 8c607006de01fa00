import { describe, expect, it } from 'vitest';
import { firstThen, nextPaint } from './startOrder';

/** A promise and the function that settles it. */
function later<T = void>(): { promise: Promise<T>; settle: (value: T) => void; fail: (error: unknown) => void } {
  let settle: (value: T) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const promise = new Promise<T>((resolve, reject) => ((settle = resolve), (fail = reject)));
  return { promise, settle, fail };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('firstThen', () => {
  it('starts the rest only after the first has settled and been painted, in their order', async () => {
    const started: string[] = [];
    const page = later();
    const paint = later();
    const never = later();
    const run = firstThen(
      () => (started.push('page'), page.promise),
      [() => started.push('case'), () => started.push('traces'), () => started.push('density')],
      { settled: () => paint.promise, patience: 1000, wait: () => never.promise },
    );
    await tick();
    expect(started).toEqual(['page']);
    page.settle();
    await tick();
    expect(started).toEqual(['page']);
    paint.settle();
    await run;
    expect(started).toEqual(['page', 'case', 'traces', 'density']);
  });

  it('does not wait for one of the rest before starting the next', async () => {
    const started: string[] = [];
    const slow = later();
    await firstThen(async () => {}, [() => (started.push('slow'), slow.promise), () => started.push('next')], { patience: 1000 });
    expect(started).toEqual(['slow', 'next']);
  });

  it('starts the rest when the first fails', async () => {
    const started: string[] = [];
    const page = later();
    const run = firstThen(() => page.promise, [() => started.push('rest')], { patience: 1000, wait: () => later().promise });
    page.fail(new Error('engine gone'));
    await run;
    expect(started).toEqual(['rest']);
  });

  it('starts the rest after its patience when the first takes longer', async () => {
    const started: string[] = [];
    const waited: number[] = [];
    const timer = later();
    const run = firstThen(() => later().promise, [() => started.push('rest')], {
      patience: 750,
      wait: (ms) => (waited.push(ms), timer.promise),
    });
    await tick();
    expect(started).toEqual([]);
    timer.settle();
    await run;
    expect([started, waited]).toEqual([['rest'], [750]]);
  });
});

describe('nextPaint', () => {
  it('resolves from a task queued in the frame callback, after that frame', async () => {
    const order: string[] = [];
    let frameCallback: () => void = () => {};
    let task: () => void = () => {};
    const painted = nextPaint(
      (callback) => ((frameCallback = callback), order.push('frame asked')),
      (callback) => ((task = callback), order.push('task queued')),
    ).then(() => order.push('resolved'));
    expect(order).toEqual(['frame asked']);
    frameCallback();
    await tick();
    expect(order).toEqual(['frame asked', 'task queued']);
    task();
    await painted;
    expect(order).toEqual(['frame asked', 'task queued', 'resolved']);
  });
});
