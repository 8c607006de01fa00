// A load killed mid-way (SIGKILL of the real CLI) leaves no half source: the app,
// opening that case, says a load was interrupted and offers resume or remove;
// resume loads the file again and ends with every line once.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WEFT, weftJson, windowOn, showView } from './harness.mjs';

const LINES = 100_000;
const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-interrupted-'));
const casePath = join(tmp, 'interrupted.weft');
const logPath = join(tmp, 'big.log');

/** Starts `weft ingest` on the big file and kills it once rows are in but it is not done. */
async function interruptedLoad() {
  const child = spawn(WEFT, ['--case', casePath, 'ingest', logPath], { stdio: 'ignore' });
  const exited = new Promise((done) => child.on('exit', done));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    let stats = null;
    try {
      stats = weftJson(casePath, 'stats');
    } catch {
      // the case is being created
    }
    const sources = stats ? weftJson(casePath, 'sources') : [];
    if (sources.some((source) => source.status === 'complete')) break;
    if (stats && stats.logs > 0 && sources.some((source) => source.status === 'loading')) {
      child.kill('SIGKILL');
      await exited;
      return true;
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  child.kill('SIGKILL');
  await exited;
  return false;
}

before(() => {
  const lines = [];
  for (let n = 0; n < LINES; n += 1) {
    lines.push(JSON.stringify({ level: 30, time: 1717200000000 + n, pid: 1, name: 'batch', msg: `row ${n}` }));
  }
  writeFileSync(logPath, `${lines.join('\n')}\n`);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('a load interrupted by a crash', () => {
  const app = windowOn(casePath, {
    beforeOpen: async () => {
      assert.equal(await interruptedLoad(), true, 'the load finished before it could be killed');
    },
  });
  const { $ } = app;

  it('is shown as interrupted, with nothing of it in the case', async () => {
    await $('interrupted-notice').waitForDisplayed({ timeout: 20_000 });
    assert.match(await $('interrupted-notice').getText(), /interrupted/);
    // The notice's link shows the sources (the Case view).
    await $('show-sources').click();
    assert.equal(await $('source-status').getText(), 'interrupted');
    assert.equal(weftJson(casePath, 'stats').logs, 0);
  });

  it('is loaded again by resume, every line once', async () => {
    await $('source-resume').click();
    await app.browser.waitUntil(
      async () => weftJson(casePath, 'sources').some((source) => source.status === 'complete'),
      { timeout: 120_000, timeoutMsg: 'the resumed load did not complete' },
    );
    assert.equal(weftJson(casePath, 'stats').logs, LINES);
    assert.equal(weftJson(casePath, 'sources').length, 1);
    await app.browser.waitUntil(async () => !(await $('interrupted-notice').isExisting()), {
      timeout: 20_000,
      timeoutMsg: 'the notice stayed',
    });
  });
});
