// Following a file in the real window: a log file loaded by the CLI is followed
// with the switch on its source row; lines appended to the file (one written in
// two parts) show up in the log view without anything else being done, and the
// CLI counts them once; switching off stops it.

import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { logBodies, weft, weftJson, windowOn, showView } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-follow-'));
const casePath = join(tmp, 'follow.weft');
const logPath = join(tmp, 'checkout.log');
const line = (n, msg) =>
  `${JSON.stringify({ level: 30, time: 1717200000000 + n, pid: 1, name: 'checkout', msg })}\n`;

before(() => {
  writeFileSync(logPath, line(0, 'first line') + line(1, 'second line'));
  weft(casePath, 'ingest', logPath);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('following a file that is still being written', () => {
  const app = windowOn(casePath);
  const { $ } = app;
  const bodies = () => logBodies(app.browser);

  it('shows appended lines once the switch is on', async () => {
    await app.browser.waitUntil(async () => (await bodies()).includes('second line'), { timeout: 20_000 });
    await showView(app.browser, 'case');
    await $('source-follow').click();
    await app.browser.waitUntil(async () => (await $('source-follow-news').getText()) === 'following', {
      timeout: 20_000,
      timeoutMsg: 'the follower did not start',
    });
    await showView(app.browser, 'logs');
    appendFileSync(logPath, line(2, 'third line'));
    // A line written in two parts is loaded once it is whole.
    appendFileSync(logPath, line(3, 'fourth line').slice(0, 30));
    await app.browser.waitUntil(async () => (await bodies()).includes('third line'), {
      timeout: 20_000,
      timeoutMsg: `the appended line did not show: ${JSON.stringify(await bodies())}`,
    });
    assert.equal((await bodies()).includes('fourth line'), false);
    appendFileSync(logPath, line(3, 'fourth line').slice(30));
    await app.browser.waitUntil(async () => (await bodies()).includes('fourth line'), { timeout: 20_000 });
    await showView(app.browser, 'case');
    assert.equal((await $('source-follow').isSelected()), true);
  });

  it('has loaded every line once', async () => {
    const stats = weftJson(casePath, 'stats');
    assert.equal(stats.logs, 4);
    const sources = weftJson(casePath, 'sources');
    assert.equal(sources.length, 1, JSON.stringify(sources));
  });

  it('stops when switched off', async () => {
    await $('source-follow').click();
    await app.browser.waitUntil(async () => !(await $('source-follow').isSelected()), { timeout: 20_000 });
    appendFileSync(logPath, line(4, 'fifth line'));
    await new Promise((done) => setTimeout(done, 1500));
    assert.equal(weftJson(casePath, 'stats').logs, 4);
  });
});
