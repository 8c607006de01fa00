// Facets of a query the kept log counts cannot answer (a word), on more matches than
// the log view first counts them on (`FACET_SAMPLE`, ui/src/lib/stores/logs.svelte.ts):
// the window shows an estimate first — marked "≥", with its note and a polite
// announcement — and then the exact counts in its place, without the facets ever
// leaving the page (issue 19, "Big cases"). The case is made with the real
// `weft ingest` from a generated file, so the expected counts come from the lines.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { settled, typeInSearch, weft, windowOn } from './harness.mjs';

/** Lines in the file; three of four say "timeout", more than the sample of 10 000. */
const LINES = 24_000;
const SAMPLE = 10_000;
const SERVICES = ['alpha', 'beta', 'gamma'];

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-estimate-'));
const casePath = join(tmp, 'estimate.weft');
/** Lines with the word, per service: what the exact facets must say. */
const expected = new Map(SERVICES.map((service) => [service, 0]));

before(() => {
  const lines = Array.from({ length: LINES }, (_, index) => {
    const service = SERVICES[index % SERVICES.length];
    const word = index % 4 !== 3;
    if (word) expected.set(service, expected.get(service) + 1);
    return JSON.stringify({
      level: index % 5 === 0 ? 50 : 30,
      time: 1793700000000 + index * 10,
      msg: word ? `upstream timeout after ${index % 900} ms` : `request ${index} served`,
      service,
    });
  });
  const file = join(tmp, 'many.log');
  writeFileSync(file, `${lines.join('\n')}\n`);
  weft(casePath, 'ingest', file);
});

after(() => rmSync(tmp, { recursive: true, force: true }));

describe('facets counted on the first matches, then on all of them', () => {
  const app = windowOn(casePath);

  it('shows an estimate marked as one, then the exact counts in its place', async () => {
    await settled(app.browser, 30_000);
    // Every change of the facets from here on, as the user (and a screen reader) got it.
    await app.browser.execute(() => {
      const seen = [];
      const look = () => {
        const facets = document.querySelector('[data-testid="log-facets"]');
        if (!facets) {
          seen.push({ present: false });
          return;
        }
        seen.push({
          present: true,
          exact: facets.getAttribute('data-exact'),
          busy: facets.getAttribute('aria-busy'),
          note: facets.querySelector('[data-testid="facets-note"]')?.textContent ?? null,
          status: facets.querySelector('[data-testid="facets-status"]')?.textContent ?? '',
          services: [...facets.querySelectorAll('[data-testid="facet"][data-field="service"]')].map((facet) => ({
            value: facet.getAttribute('data-value'),
            count: Number(facet.querySelector('[data-testid="facet-count"]').getAttribute('data-count')),
            text: facet.querySelector('[data-testid="facet-count"]').textContent.trim(),
            label: facet.querySelector('[data-testid="facet-count"]').getAttribute('aria-label'),
          })),
        });
      };
      window.__facetsSeen = seen;
      new MutationObserver(look).observe(document.querySelector('[data-testid="app"]'), {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
    });
    await typeInSearch(app.browser, 'timeout');
    await app.browser.waitUntil(
      () =>
        app.browser.execute(() => {
          const facets = document.querySelector('[data-testid="log-facets"]');
          return facets?.getAttribute('data-exact') === 'true' && facets.getAttribute('aria-busy') === 'false';
        }),
      { timeout: 30_000, timeoutMsg: 'the exact facets never came' },
    );
    await settled(app.browser, 30_000);
    const seen = await app.browser.execute(() => window.__facetsSeen);

    assert.ok(
      seen.every((state) => state.present),
      'the facets never leave the page while the new ones are counted',
    );
    const firstEstimate = seen.findIndex((state) => state.exact === 'false' && state.services.length > 0);
    assert.ok(firstEstimate >= 0, 'an estimate was shown');
    const estimate = seen[firstEstimate];
    const note = `Estimate from the first 10\u2009000 matches; counting all…`;
    assert.equal(estimate.note, note);
    assert.equal(estimate.status, 'Facet counts are estimates from the first 10\u2009000 matches; counting all…');
    assert.equal(estimate.busy, 'true');
    for (const facet of estimate.services) {
      assert.ok(facet.text.startsWith('≥ '), `${facet.text} is marked as a lower bound`);
      assert.match(facet.label, /^at least [\d\u2009]+ lines?$/);
      assert.ok(facet.count <= expected.get(facet.value), `${facet.value}: ${facet.count} within the exact count`);
    }
    const counted = estimate.services.reduce((sum, facet) => sum + facet.count, 0);
    assert.ok(counted > SAMPLE && counted < LINES, `the estimate counted ${counted} of the first matches`);

    const last = seen.at(-1);
    assert.equal(last.exact, 'true');
    assert.equal(last.note, null, 'no note once exact');
    assert.equal(last.status, 'Facet counts are now exact.');
    assert.deepEqual(
      Object.fromEntries(last.services.map((facet) => [facet.value, facet.count])),
      Object.fromEntries(expected),
    );
    for (const facet of last.services) assert.ok(!facet.text.includes('≥'), `${facet.text} is exact`);
    // Once exact, never an estimate again: the estimate came first, the exact counts last.
    const firstExact = seen.findIndex((state, index) => index > firstEstimate && state.exact === 'true');
    assert.ok(seen.slice(firstExact).every((state) => state.exact === 'true'));
  });
});
