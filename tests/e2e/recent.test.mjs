// The open case is remembered: a launch records it in the app's config folder
// (recent-cases.json), and a launch without --case and without WEFT_CASE opens it.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { weft, withWindow } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-recent-'));
const config = join(tmp, 'config');
const casePath = join(tmp, 'remembered.weft');
const recentFile = join(config, 'dev.weft.app', 'recent-cases.json');

after(() => rmSync(tmp, { recursive: true, force: true }));

async function openedCase(env) {
  return withWindow({ XDG_CONFIG_HOME: config, ...env }, [], (session) =>
    session.$('[data-testid="case-path"]').getText(),
  );
}

describe('the case open last time', () => {
  it('is remembered, and opened again when no case is named', async () => {
    weft(casePath, 'ingest', 'tests/fixtures/demo/inventory.log');
    assert.equal(existsSync(recentFile), false);
    assert.equal(await openedCase({ WEFT_CASE: casePath }), casePath);
    const recent = JSON.parse(readFileSync(recentFile, 'utf8'));
    assert.deepEqual(recent.cases, [casePath]);
    assert.equal(await openedCase({ WEFT_CASE: '' }), casePath);
  });
});
