// The Services view (issue 16) in the real window on the demo case: the map's
// services and edges are those of `weft map --json`, the RED table's numbers those
// of `weft services --json`; its columns sort; a node lists its operations (as
// `weft operations --service`), an edge opens the trace list of exactly the traces
// holding its spans (as `weft traces` lists them for the same query), and the view
// follows the search box's query.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SHOTS, settled, showView, typeInSearch, waitForRows, weft, weftJson, windowOn, saveScreenshot } from './harness.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'weft-e2e-services-'));
const demoCase = join(tmp, 'demo.weft');
const hostileCase = join(tmp, 'hostile.weft');
/** Service names from a file are untrusted: markup, a quote, a bidi override, ANSI. */
const EVIL = 'evil\u202Eexe<img src=x onerror="document.title=1">';
const PEER = '\u001b[31mred\u001b[0m<b>db</b>';

/** One trace: EVIL's server span calls `web`, whose client span calls the uninstrumented PEER. */
function writeHostileCase() {
  const ns = (ms) => String(1_760_000_000_000_000_000n + BigInt(ms) * 1_000_000n);
  const span = (id, parent, name, kind, start, end, attributes = []) => ({
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: id,
    parentSpanId: parent,
    name,
    kind,
    startTimeUnixNano: ns(start),
    endTimeUnixNano: ns(end),
    attributes,
  });
  const resource = (service, spans) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
    scopeSpans: [{ scope: { name: 'test' }, spans }],
  });
  const file = join(tmp, 'hostile.json');
  writeFileSync(
    file,
    JSON.stringify({
      resourceSpans: [
        resource(EVIL, [span('1111111111111111', '', 'GET "/"', 2, 0, 100), span('2222222222222222', '1111111111111111', 'call web', 3, 10, 90)]),
        resource('web', [
          span('3333333333333333', '2222222222222222', 'serve', 2, 20, 80),
          span('4444444444444444', '3333333333333333', 'query', 3, 30, 60, [{ key: 'peer.service', value: { stringValue: PEER } }]),
        ]),
      ],
    }),
  );
  weft(hostileCase, 'ingest', file);
}

before(() => {
  mkdirSync(SHOTS, { recursive: true });
  weft(demoCase, 'ingest', 'tests/fixtures/demo');
  weft(demoCase, 'slo', 'add', 'payments: POST /v1/charges', '--p95', '300ms', '--errors', '1%');
  writeHostileCase();
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The map as drawn: nodes and edges from their data attributes, sorted. */
function drawnMap(browser) {
  return browser.execute(() => ({
    nodes: [...document.querySelectorAll('[data-testid="map-node"]')]
      .map((node) => ({ name: node.getAttribute('data-name'), virtual: node.getAttribute('data-virtual') === 'true' }))
      .sort((a, b) => (a.name + a.virtual < b.name + b.virtual ? -1 : 1)),
    edges: [...document.querySelectorAll('[data-testid="map-edge"]')].map((edge) => ({
      from: edge.getAttribute('data-from'),
      to: edge.getAttribute('data-to'),
      calls: Number(edge.getAttribute('data-calls')),
      virtual: edge.getAttribute('data-virtual') === 'true',
      label: edge.querySelector('[data-testid="map-edge-label"]').textContent,
    })),
  }));
}

function expectedMap(map) {
  return {
    nodes: map.nodes
      .map(({ name, virtual }) => ({ name, virtual }))
      .sort((a, b) => (a.name + a.virtual < b.name + b.virtual ? -1 : 1)),
    edges: map.edges.map(({ from, to, calls, virtual }) => ({ from, to, calls, virtual })),
  };
}

/** The rows of a RED table: the name and every numeric cell's value. */
function tableRows(browser, testid) {
  return browser.execute(
    (testid) =>
      [...document.querySelectorAll(`[data-testid="${testid}-row"]`)].map((row) => ({
        service: row.getAttribute('data-service'),
        name: row.getAttribute('data-name'),
        ...Object.fromEntries(
          [...row.querySelectorAll('td[data-value]')].map((cell) => [cell.getAttribute('data-column'), Number(cell.getAttribute('data-value'))]),
        ),
        text: row.querySelector('td[data-column="service"]').textContent.trim(),
      })),
    testid,
  );
}

async function waitForMap(browser, nodes) {
  await waitForRows(browser, 'map-node', (count) => count === nodes, { timeoutMsg: `the map did not show ${nodes} nodes` });
  await settled(browser);
}

describe('the Services view on the demo case', () => {
  const app = windowOn(demoCase);
  const { $ } = app;
  const map = weftJson(demoCase, 'map');
  const services = weftJson(demoCase, 'services');

  it('draws the map of weft map --json: its services, virtual peers and edges with calls and p95', async () => {
    assert.ok(map.nodes.some((node) => node.virtual), 'the demo has a virtual peer');
    assert.ok(map.edges.length >= 4);
    await settled(app.browser);
    await showView(app.browser, 'services');
    await waitForMap(app.browser, map.nodes.length);
    const drawn = await drawnMap(app.browser);
    assert.deepEqual(
      { nodes: drawn.nodes, edges: drawn.edges.map(({ label, ...edge }) => edge) },
      expectedMap(map),
    );
    for (const edge of drawn.edges) assert.match(edge.label, new RegExp(`^${edge.calls} calls? · p95 \\S+$`));
    // The busiest node is the largest; a virtual node is drawn as a dashed square.
    const sizes = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="map-node"]')].map((node) => ({
        calls: Number(node.getAttribute('data-calls')),
        radius: Number(node.getAttribute('data-radius')),
        shape: node.querySelector('[data-testid="map-node-shape"]').tagName.toLowerCase(),
        virtual: node.getAttribute('data-virtual') === 'true',
        dash: getComputedStyle(node.querySelector('[data-testid="map-node-shape"]')).strokeDasharray,
      })),
    );
    const busiest = sizes.reduce((a, b) => (b.calls > a.calls ? b : a));
    assert.equal(busiest.radius, Math.max(...sizes.map((size) => size.radius)));
    for (const size of sizes) {
      assert.equal(size.shape, size.virtual ? 'rect' : 'circle');
      assert.equal(size.dash !== 'none' && size.dash !== '', size.virtual, `dashes of a ${size.virtual ? 'virtual' : 'service'} node`);
    }
    // A service with errors is coloured apart from one without.
    const bands = await app.browser.execute(() =>
      Object.fromEntries([...document.querySelectorAll('[data-testid="map-node"]')].map((node) => [node.getAttribute('data-name'), node.getAttribute('data-band')])),
    );
    for (const service of services.filter((row) => map.nodes.some((node) => node.name === row.service && !node.virtual))) {
      assert.equal(bands[service.service] === 'none', service.errors === 0, `band of ${service.service}`);
    }
    await saveScreenshot(app.browser, join(SHOTS, 'services-map.png'));
  });

  it('shows the RED of weft services --json and sorts it by any column', async () => {
    const rows = await tableRows(app.browser, 'service-table');
    const byName = (list) => [...list].sort((a, b) => (a.service < b.service ? -1 : 1));
    assert.deepEqual(
      byName(rows).map(({ text, name, error_rate, ...row }) => row),
      byName(services).map((row) => ({ ...row })),
    );
    for (const row of rows) assert.equal(row.text, row.service);
    // First by calls, largest first (ties by name).
    const order = (list, key, descending) =>
      [...list]
        .sort((a, b) => (descending ? b[key] - a[key] : a[key] - b[key]) || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0))
        .map((row) => row.service);
    assert.deepEqual(rows.map((row) => row.service), order(services, 'calls', true));
    const sortBy = async (column) => {
      await $('service-table').$(`[data-testid="sort-${column}"]`).click();
    };
    const shown = async () => (await tableRows(app.browser, 'service-table')).map((row) => row.service);
    await sortBy('service');
    assert.deepEqual(await shown(), services.map((row) => row.service).sort());
    await sortBy('service');
    assert.deepEqual(await shown(), services.map((row) => row.service).sort().reverse());
    await sortBy('p95_ns');
    assert.deepEqual(await shown(), order(services, 'p95_ns', true));
    assert.equal(await $('service-table').$('th[aria-sort]').getAttribute('aria-sort'), 'descending');
    await sortBy('p95_ns');
    assert.deepEqual(await shown(), order(services, 'p95_ns', false));
    await sortBy('logs_error');
    assert.deepEqual(await shown(), order(services, 'logs_error', true));
  });

  it('lists the operations of a node clicked, with their logs, as weft operations --service gives them', async () => {
    const operations = weftJson(demoCase, 'operations', '--service', 'payments');
    assert.ok(operations.length > 0);
    await app.browser.$('[data-testid="map-node"][data-name="payments"][data-virtual="false"] [data-testid="map-node-shape"]').click();
    await app.browser.waitUntil(
      async () => (await $('operations-of').isExisting()) && (await tableRows(app.browser, 'operation-table')).length === operations.length,
      { timeout: 5000, timeoutMsg: 'the node did not list its operations' },
    );
    const rows = await tableRows(app.browser, 'operation-table');
    assert.deepEqual(
      rows.map(({ service, name, calls, errors, p95_ns, logs, logs_error }) => ({ service, name, calls, errors, p95_ns, logs, logs_error })).sort((a, b) => (a.name < b.name ? -1 : 1)),
      operations.map(({ service, name, calls, errors, p95_ns, logs, logs_error }) => ({ service, name, calls, errors, p95_ns, logs, logs_error })).sort((a, b) => (a.name < b.name ? -1 : 1)),
    );
    // The demo's payments operations have logs joined to their spans.
    assert.ok(operations.some((operation) => operation.logs > 0), JSON.stringify(operations));
    await $('operations-all').click();
    await app.browser.waitUntil(async () => !(await $('operations-of').isExisting()), { timeout: 5000, timeoutMsg: 'All services did not come back' });
  });

  it('opens the trace list of exactly the traces holding an edge clicked: a direct call and a virtual peer', async () => {
    for (const [from, to, query] of [
      ['checkout', 'payments', 'service:payments parent.service:checkout messaging:false'],
      ['payments', 'postgresql', 'service:payments peer:postgresql'],
    ]) {
      const edge = map.edges.find((edge) => edge.from === from && edge.to === to);
      assert.ok(edge, `the demo has ${from} → ${to}`);
      const expected = weftJson(demoCase, 'traces', query, '--limit', '0');
      assert.ok(expected.length > 0, query);
      await showView(app.browser, 'services');
      await waitForMap(app.browser, map.nodes.length);
      await app.browser.$(`[data-testid="map-edge"][data-from="${from}"][data-to="${to}"] [data-testid="map-edge-label"]`).click();
      await app.browser.waitUntil(async () => (await $('app').getAttribute('data-view')) === 'traces', {
        timeout: 5000,
        timeoutMsg: 'the edge did not open the trace list',
      });
      assert.equal(await $('search-input').getValue(), query);
      await waitForRows(app.browser, 'trace-row', (count) => count === expected.length, {
        timeoutMsg: `the trace list did not show the ${expected.length} traces of the edge`,
      });
      const shown = await app.browser.execute(() =>
        [...document.querySelectorAll('[data-testid="trace-row"]')].map((row) => row.getAttribute('data-trace-id')).sort(),
      );
      assert.deepEqual(shown, expected.map((trace) => trace.trace_id).sort());
      // Back to the whole case for the next edge (and the tests after).
      await typeInSearch(app.browser, '');
    }
  });

  it('follows the search box: the map and RED of the query only', async () => {
    const query = 'service:payments';
    const restricted = weftJson(demoCase, 'map', query);
    const red = weftJson(demoCase, 'services', query);
    await typeInSearch(app.browser, query);
    await showView(app.browser, 'services');
    await waitForMap(app.browser, restricted.nodes.length);
    const drawn = await drawnMap(app.browser);
    assert.deepEqual({ nodes: drawn.nodes, edges: drawn.edges.map(({ label, ...edge }) => edge) }, expectedMap(restricted));
    const rows = await tableRows(app.browser, 'service-table');
    assert.deepEqual(
      rows.map(({ service, calls, errors }) => ({ service, calls, errors })).sort((a, b) => (a.service < b.service ? -1 : 1)),
      red.map(({ service, calls, errors }) => ({ service, calls, errors })),
    );
    // A new query while the view shows: it follows.
    await typeInSearch(app.browser, '');
    await waitForMap(app.browser, map.nodes.length);
    assert.equal(await $('app').getAttribute('data-view'), 'services');
  });
  it('draws the time series of each service as weft services --buckets 30 does; a bucket narrows the search to its time', async () => {
    const cli = weftJson(demoCase, 'services', '--buckets', '30');
    await settled(app.browser);
    const drawn = await app.browser.execute(() =>
      Object.fromEntries(
        [...document.querySelectorAll('[data-testid="service-table-row"]')].map((row) => [
          row.getAttribute('data-service'),
          [...row.querySelectorAll('[data-testid="spark-bucket"]')].map((bucket) => Number(bucket.getAttribute('data-calls'))),
        ]),
      ),
    );
    assert.deepEqual(drawn, Object.fromEntries(cli.map((row) => [row.service, row.series.map((point) => point.calls)])));
    // A bucket with calls: the search takes its time range and the view follows it.
    const payments = cli.find((row) => row.service === 'payments');
    const index = payments.series.findIndex((point) => point.calls > 0);
    const bucket = app.browser.$(
      `[data-testid="service-table-row"][data-service="payments"] [data-testid="spark-bucket"][data-index="${index}"] .hit`,
    );
    await bucket.scrollIntoView({ block: 'center' });
    await bucket.click();
    await app.browser.waitUntil(async () => /^after:\S+ before:\S+$/.test(await $('search-input').getValue()), {
      timeout: 5000,
      timeoutMsg: 'the bucket did not narrow the search',
    });
    assert.equal(await $('app').getAttribute('data-view'), 'services');
    const query = await $('search-input').getValue();
    const narrowed = weftJson(demoCase, 'services', query);
    assert.ok(narrowed.find((row) => row.service === 'payments').calls >= payments.series[index].calls);
    await app.browser.waitUntil(
      async () => {
        const rows = await tableRows(app.browser, 'service-table');
        const calls = rows.map((row) => `${row.service}=${row.calls}`).sort();
        return JSON.stringify(calls) === JSON.stringify(narrowed.map((row) => `${row.service}=${row.calls}`).sort());
      },
      { timeout: 10_000, timeoutMsg: `the table did not follow ${query}` },
    );
  });
  it('lists the objectives as weft slo --json evaluates them; a trace of a bad call opens', async () => {
    const [slo] = weftJson(demoCase, 'slo', '--buckets', '30');
    assert.equal(slo.broken, true);
    assert.ok(slo.broken_traces.length > 0);
    const shown = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="slo"]')].map((node) => ({
        broken: node.getAttribute('data-broken') === 'true',
        state: node.querySelector('[data-testid="slo-state"]').textContent,
        calls: node.querySelector('[data-testid="slo-calls"]').textContent,
        bars: [...node.querySelectorAll('[data-testid="spark-bucket"]')].map((bucket) => Number(bucket.getAttribute('data-calls'))),
        traces: [...node.querySelectorAll('[data-testid="slo-trace"]')].map((button) => button.getAttribute('data-trace-id')),
      })),
    );
    assert.deepEqual(shown, [
      {
        broken: true,
        state: 'broken',
        calls: `${slo.good} good, ${slo.bad} bad of ${slo.calls} calls`,
        bars: slo.buckets.map((bucket) => bucket.good + bucket.bad),
        traces: slo.broken_traces,
      },
    ]);
    const trace = app.browser.$(`[data-testid="slo-trace"][data-trace-id="${slo.broken_traces[0]}"]`);
    await trace.scrollIntoView({ block: 'center' });
    await trace.click();
    await app.browser.waitUntil(
      async () => (await $('waterfall').isExisting()) && (await $('waterfall').getAttribute('data-trace-id')) === slo.broken_traces[0],
      { timeout: 10_000, timeoutMsg: 'the trace of a bad call did not open' },
    );
  });
  it('adds an objective in the window, shows its burn as weft slo --json does, refuses a bad one, removes it', async () => {
    await typeInSearch(app.browser, '');
    await showView(app.browser, 'services');
    await waitForMap(app.browser, map.nodes.length);
    const slos = () => app.browser.execute(() => [...document.querySelectorAll('[data-testid="slo"]')].map((node) => Number(node.getAttribute('data-id'))));
    const before = await slos();
    assert.equal(before.length, 1);
    // A bad target: the engine's words, and nothing kept.
    const fill = async (operation, p95, errors) => {
      for (const [testid, value] of [['objective-operation', operation], ['objective-p95', p95], ['objective-errors', errors]]) {
        if (value === '') await $(testid).clearValue();
        else await $(testid).setValue(value);
      }
      await $('objective-add').click();
    };
    await $('objective-form').scrollIntoView({ block: 'center' });
    await fill('frontend: POST /api/checkout', 'fast', '');
    await app.browser.waitUntil(async () => (await $('objective-error').isExisting()), { timeout: 5000, timeoutMsg: 'no message for a bad p95' });
    assert.equal(await $('objective-error').getText(), '`fast` is not a duration (300ms, 1.5s, 2m)');
    assert.deepEqual(await slos(), before);
    // The operation picked as the list offers it.
    const offered = await app.browser.execute(() => [...document.querySelectorAll('#objective-operations option')].map((option) => option.value));
    assert.ok(offered.includes('frontend: POST /api/checkout'), offered.join(' | '));
    await fill('frontend: POST /api/checkout', '500ms', '1%');
    await app.browser.waitUntil(async () => (await slos()).length === 2, { timeout: 5000, timeoutMsg: 'the objective was not added' });
    assert.equal(await $('objective-error').isExisting(), false);
    const cli = weftJson(demoCase, 'slo', '--buckets', '30');
    const added = cli.find((slo) => slo.objective.service === 'frontend' && slo.objective.name === 'POST /api/checkout');
    assert.ok(added, 'weft slo lists the objective the window added');
    assert.deepEqual(added.objective, { id: added.objective.id, service: 'frontend', name: 'POST /api/checkout', p95_ns: 500_000_000, error_rate: 0.01 });
    const shown = await app.browser.execute((id) => {
      const node = document.querySelector(`[data-testid="slo"][data-id="${id}"]`);
      return {
        calls: node.querySelector('[data-testid="slo-calls"]').textContent,
        state: node.querySelector('[data-testid="slo-state"]').textContent,
        latency: node.querySelector('[data-testid="slo-latency-burn"]')?.textContent ?? null,
        errors: node.querySelector('[data-testid="slo-errors-burn"]')?.textContent ?? null,
        bars: [...node.querySelectorAll('[data-testid="spark-bucket"]')].map((bucket) => Number(bucket.getAttribute('data-calls'))),
      };
    }, added.objective.id);
    const percent = (share) => `${Number((share * 100).toFixed(2))}%`;
    const burn = (sli) => (sli.burned === null ? 'over budget (none allowed)' : `${percent(sli.burned)} of budget`);
    assert.deepEqual(shown, {
      calls: `${added.good} good, ${added.bad} bad of ${added.calls} calls`,
      state: added.broken ? 'broken' : 'met',
      latency: `latency: ${burn(added.latency)}`,
      errors: `errors: ${burn(added.errors)}`,
      bars: added.buckets.map((bucket) => bucket.good + bucket.bad),
    });
    await $('objective-form').scrollIntoView({ block: 'center' });
    await saveScreenshot(app.browser, join(SHOTS, 'services-objectives.png'));
    // Removed in the window: gone from the case.
    const remove = app.browser.$(`[data-testid="slo"][data-id="${added.objective.id}"] [data-testid="slo-remove"]`);
    await remove.scrollIntoView({ block: 'center' });
    await remove.click();
    await app.browser.waitUntil(async () => (await slos()).length === 1, { timeout: 5000, timeoutMsg: 'the objective was not removed' });
    assert.deepEqual(weftJson(demoCase, 'slo').map((slo) => slo.objective.id), before);
  });
});

describe('the Services view with hostile service names', () => {
  const app = windowOn(hostileCase);
  const { $ } = app;

  it('shows names as text with their invisible characters marked, and links to them exactly', async () => {
    const map = weftJson(hostileCase, 'map');
    assert.deepEqual(
      map.nodes.map((node) => node.name).sort(),
      [EVIL, PEER, 'web'].sort(),
    );
    await settled(app.browser);
    const title = await app.browser.getTitle();
    await showView(app.browser, 'services');
    await waitForMap(app.browser, 3);
    const shown = await app.browser.execute(() => ({
      labels: [...document.querySelectorAll('[data-testid="map-node"] text')].map((text) => text.textContent).sort(),
      markup: document.querySelectorAll('[data-testid="services-view"] img, [data-testid="services-view"] b').length,
      names: [...document.querySelectorAll('[data-testid="service-table-row"] td[data-column="service"]')].map((cell) => cell.textContent.trim()),
    }));
    assert.equal(shown.markup, 0, 'a name became markup');
    assert.equal(await app.browser.getTitle(), title);
    assert.ok(shown.labels.includes('evil⟨RLO⟩exe<img src=x onerror="document.title=1">'), shown.labels.join(' | '));
    // ANSI colour codes colour the text in the tables; a label drops them.
    assert.ok(shown.labels.includes('red<b>db</b>'), shown.labels.join(' | '));
    assert.ok(shown.names.some((name) => name.startsWith('evil') && name.includes('exe<img')), shown.names.join(' | '));
    // The edge from the hostile service to web: the trace list of web's spans.
    // The operation link quotes the hostile name and the engine reads it back.
    await app.browser.$('[data-testid="map-node"][data-name="web"] [data-testid="map-node-shape"]').click();
    await waitForRows(app.browser, 'operation-table-row', (count) => count === 2);
    await app.browser.$('[data-testid="map-node"][data-virtual="false"]:not([data-name="web"]) [data-testid="map-node-shape"]').click();
    await app.browser.waitUntil(async () => (await $('operation-table').$$('[data-testid="operation-table-row"]')).length === 2 &&
      (await $('operation-table').$('[data-testid="operation-table-row"]').getAttribute('data-service')) === EVIL, {
      timeout: 5000,
      timeoutMsg: 'the hostile node did not list its operations',
    });
    await $('operation-table').$('[data-testid="operation-table-open"]').click();
    await app.browser.waitUntil(async () => (await $('app').getAttribute('data-view')) === 'traces', {
      timeout: 5000,
      timeoutMsg: 'the operation did not open the trace list',
    });
    const query = await $('search-input').getValue();
    assert.ok(query.startsWith('service:"evil\u202Eexe<img src=x onerror=\\"document.title=1\\">" name:'), query);
    assert.ok(query.endsWith(' kind:server') || query.endsWith(' kind:client'), query);
    await settled(app.browser);
    await waitForRows(app.browser, 'trace-row', (count) => count === 1, { timeoutMsg: 'the hostile operation did not find its trace' });
  });

  it('links an edge from a hostile caller and one to a hostile peer to exactly their traces, the names quoted', async () => {
    await typeInSearch(app.browser, '');
    await showView(app.browser, 'services');
    await waitForMap(app.browser, 3);
    for (const [from, to, query] of [
      [EVIL, 'web', `service:web parent.service:"${EVIL.replace(/[\\"]/g, (char) => `\\${char}`)}" messaging:false`],
      ['web', PEER, `service:web peer:"${PEER}"`],
    ]) {
      const expected = weftJson(hostileCase, 'traces', query, '--limit', '0');
      assert.equal(expected.length, 1, query);
      await showView(app.browser, 'services');
      await waitForMap(app.browser, 3);
      const index = await app.browser.execute(
        (from, to) =>
          [...document.querySelectorAll('[data-testid="map-edge"]')].findIndex(
            (edge) => edge.getAttribute('data-from') === from && edge.getAttribute('data-to') === to,
          ),
        from,
        to,
      );
      assert.ok(index >= 0, `no edge ${from} → ${to}`);
      await (await app.browser.$$('[data-testid="map-edge"]'))[index].$('[data-testid="map-edge-label"]').click();
      await app.browser.waitUntil(async () => (await $('app').getAttribute('data-view')) === 'traces', {
        timeout: 5000,
        timeoutMsg: 'the edge did not open the trace list',
      });
      assert.equal(await $('search-input').getValue(), query);
      await settled(app.browser);
      await waitForRows(app.browser, 'trace-row', (count) => count === 1, { timeoutMsg: `the edge ${query} did not find its trace` });
      const shown = await app.browser.execute(() =>
        [...document.querySelectorAll('[data-testid="trace-row"]')].map((row) => row.getAttribute('data-trace-id')),
      );
      assert.deepEqual(shown, expected.map((trace) => trace.trace_id));
      await typeInSearch(app.browser, '');
    }
  });
});
