// Measures the real app window (release build) under Xvfb through tauri-driver, and
// prints markdown tables: launch to first paint of the demo case, traces of 10k, 100k
// and 1M spans (open, scroll, jump to the end of the waterfall), a 5M-line log view (first rows, paging, memory).
// Run with `make measure-app` (see README "Measuring the app"); it is not a test.
//
// Environment:
//   APP_BIN, WEFT_BIN   the release binaries (default $CARGO_TARGET_DIR or target/, release/)
//   PARTS               comma list of launch,trace,logs (default all three)
//   LAUNCHES            launches of the demo case (default 5)
//   DEMO_CASE           the demo case (default target/demo/demo.weft, made by `make demo`)
//   TRACE_SIZES         spans of the generated traces of part `trace` (default 10000,100000,1000000;
//                       each in bench-data/big-trace-N/case.weft, made with scripts/gen-big-trace.py
//                       and WEFT_BIN when missing)
//   TRACE_CASE          a case to use for the 100k-span trace instead
//   LOGS_CASE           case with the large bench set (default bench-data/large/case.weft;
//                       made from bench-data/large/{traces.jsonl,logs.ndjson} when missing)
//   LOG_PAGES           pages (200 rows) to scroll down and back up in the log view (default 25)
//   LOG_SEARCHES        `|`-separated searches of part `logs` whose rows and counts are timed
//                       (default: a service, a level, a rare word, a phrase, a common word, and
//                       the empty query again; a search for the query shown runs nothing)
//   SEARCH_WAIT         seconds a search may take to be ready before the next one (default 120)
//   SETTLE_MS           ms the window idles, the big trace open, before its memory is read again (default 3000)
//   OPENS               traces of the demo case opened from the trace list, part `open` (default 10)
//   LOG_LAUNCHES        launches of the large case whose startup timeline part `logs` gives (default 3;
//                       the searches and paging run in the last one)
//   LOG_START_ONLY      1: part `logs` measures the launches only (no searches, no paging)
//
// Startup timeline (parts `launch` and `logs`): the app writes its own moments to the file
// named by WEFT_TIMINGS (src-tauri/src/timings.rs: the case opened, the window built, each
// command received and its engine call begun and ended), the page gives its navigation
// start and the UI's marks and measures (ui/src/main.ts, ui/src/lib/api/call.ts: each
// command sent and answered), a MutationObserver the first rows; all are epoch ms.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const TARGET = process.env.CARGO_TARGET_DIR ? resolve(ROOT, process.env.CARGO_TARGET_DIR) : join(ROOT, 'target');
process.env.APP_BIN ??= join(TARGET, 'release', 'weft-app');
process.env.WEFT_BIN ??= join(TARGET, 'release', 'weft');
// The harness checks the binaries when it loads: import it once the paths are set.
const { APP, WEFT, compositingMode, startDriver } = await import('../tests/e2e/harness.mjs');
// webdriverio lives in tests/e2e/node_modules (its ESM entry, as the harness gets it).
const { remote } = await import(pathToFileURL(join(ROOT, 'tests', 'e2e', 'node_modules', 'webdriverio', 'build', 'node.js')).href);

const PARTS = (process.env.PARTS ?? 'launch,open,trace,logs').split(',');
const OPENS = Number(process.env.OPENS ?? 10);
const LAUNCHES = Number(process.env.LAUNCHES ?? 5);
const LOG_PAGES = Number(process.env.LOG_PAGES ?? 25);
const DEMO_CASE = resolve(ROOT, process.env.DEMO_CASE ?? 'target/demo/demo.weft');
const TRACE_CASE = resolve(ROOT, process.env.TRACE_CASE ?? 'bench-data/big-trace-100000/case.weft');
const TRACE_SIZES = (process.env.TRACE_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const LOGS_CASE = resolve(ROOT, process.env.LOGS_CASE ?? 'bench-data/large/case.weft');
const LOG_SEARCHES = (process.env.LOG_SEARCHES ?? 'service:checkout|level:error|failed|"connection pool"|exceeded|').split('|');
const SEARCH_WAIT = Number(process.env.SEARCH_WAIT ?? 120) * 1000;
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 3000);
const LOG_LAUNCHES = Number(process.env.LOG_LAUNCHES ?? 3);
const LOG_START_ONLY = process.env.LOG_START_ONLY === '1';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
// Boot time in epoch ms from /proc/uptime (10 ms steps; /proc/stat's btime is whole seconds).
const BOOT_MS = Date.now() - Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
const say = (text) => process.stderr.write(`[measure ${new Date().toISOString().slice(11, 23)}] ${text}\n`);
const sleep = (ms) => new Promise((wake) => setTimeout(wake, ms));
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const ms = (value) => (value === null || value === undefined || Number.isNaN(value) ? '–' : `${Math.round(value)} ms`);
const mib = (kib) => (kib ? `${(kib / 1024).toFixed(0)} MiB` : '–');

function quantile(values, q) {
  const sorted = values.filter((v) => typeof v === 'number' && !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.ceil(at)] - sorted[low]) * (at - low);
}

// ---- processes -------------------------------------------------------------------------

/** Every process: pid, ppid, comm, start (epoch ms, 10 ms steps). */
function processes() {
  const list = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      list.push({ pid: Number(name), ppid: Number(fields[1]), comm, start: BOOT_MS + (Number(fields[19]) / CLK_TCK) * 1000 });
    } catch {
      // Gone meanwhile.
    }
  }
  return list;
}

/** weft-app started by this script's tauri-driver, and the WebKit processes under it. */
function appProcesses() {
  const all = processes();
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const proc of all) {
      if (!mine.has(proc.pid) && mine.has(proc.ppid)) {
        mine.add(proc.pid);
        grew = true;
      }
    }
  }
  const app = all.filter((proc) => mine.has(proc.pid) && proc.comm === 'weft-app').sort((a, b) => b.start - a.start)[0];
  if (!app) return null;
  const under = new Set([app.pid]);
  grew = true;
  while (grew) {
    grew = false;
    for (const proc of all) {
      if (!under.has(proc.pid) && under.has(proc.ppid)) {
        under.add(proc.pid);
        grew = true;
      }
    }
  }
  const web = all.filter((proc) => under.has(proc.pid) && proc.comm.startsWith('WebKitWebProces'));
  return { app, web };
}

function rssKiB(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m)[1]);
  } catch {
    return null;
  }
}

/** RssAnon, RssFile and RssShmem of `pid` from /proc/PID/status, KiB. */
function rssParts(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm'))?.[1] ?? NaN);
    return { anon: field('RssAnon'), file: field('RssFile'), shmem: field('RssShmem') };
  } catch {
    return null;
  }
}

function memory() {
  const procs = appProcesses();
  if (!procs) return { app: null, web: null };
  const webParts = { anon: 0, file: 0, shmem: 0 };
  for (const proc of procs.web) {
    const parts = rssParts(proc.pid);
    if (parts) for (const key of Object.keys(webParts)) webParts[key] += parts[key];
  }
  return {
    app: rssKiB(procs.app.pid),
    appParts: rssParts(procs.app.pid),
    web: procs.web.reduce((sum, proc) => sum + (rssKiB(proc.pid) ?? 0), 0),
    webParts,
  };
}

/**
 * Runs `work` while reading memory() every `everyMs`: resolves to [work's result, the
 * largest samples] — the most of app + web together (with its parts) and of the web
 * process's anonymous memory.
 */
async function sampledWhile(work, everyMs = 50) {
  const most = { together: null, webAnon: null, samples: 0 };
  let running = true;
  const sampler = (async () => {
    while (running) {
      const mem = memory();
      if (mem.app && mem.web) {
        most.samples++;
        if (!most.together || mem.app + mem.web > most.together.app + most.together.web) most.together = mem;
        if (most.webAnon === null || mem.webParts.anon > most.webAnon) most.webAnon = mem.webParts.anon;
      }
      await sleep(everyMs);
    }
  })();
  try {
    return [await work(), most];
  } finally {
    running = false;
    await sampler;
  }
}

/**
 * With MEASURE_SMAPS=1, the RSS of weft-app (or, `which` 'web', its web process) from /proc/PID/smaps by mapping: file-backed per
 * file, anonymous as the heap, thread stacks and malloc arenas / other anon maps; the
 * largest first, as a markdown list.
 */
function smapsBreakdown(which = 'app') {
  if (!process.env.MEASURE_SMAPS) return null;
  const procs = appProcesses();
  if (!procs) return null;
  const pid = which === 'app' ? procs.app.pid : procs.web[0]?.pid;
  let text;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return null;
  }
  const sums = new Map();
  let name = null;
  for (const line of text.split('\n')) {
    const head = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/);
    if (head) {
      const path = head[1].trim();
      name = path === '' ? 'anon (malloc arenas, mmaps)' : path.startsWith('[stack') ? '[stack]' : path.startsWith('/') ? `file ${path.split('/').pop()}` : path;
      continue;
    }
    const rss = line.match(/^Rss:\s+(\d+)/);
    if (rss && name) sums.set(name, (sums.get(name) ?? 0) + Number(rss[1]));
  }
  const top = [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, 16);
  return top.map(([key, kib]) => `${key} ${(kib / 1024).toFixed(1)} MiB`).join('; ');
}

/** An RSS split (rssParts) as anon / file-backed / shared memory. */
function partsText(parts) {
  return parts ? `${mib(parts.anon)} / ${mib(parts.file)} / ${mib(parts.shmem)}` : '–';
}
/** weft-app's RSS, and the web process's, as anon / file-backed / shared memory. */
const appParts = (mem) => partsText(mem.appParts);
const webParts = (mem) => partsText(mem.webParts);

/** The windowed waterfall's own tally of row requests and rows received (data attributes). */
function rowTally(session) {
  return session.execute(() => {
    const waterfall = document.querySelector('[data-testid="waterfall"]');
    return { requests: Number(waterfall?.getAttribute('data-row-requests') ?? NaN), rows: Number(waterfall?.getAttribute('data-rows-received') ?? NaN) };
  });
}

// ---- windows ---------------------------------------------------------------------------

/** Closes the open window (on a signal, so tauri-driver and the app do not outlive the script). */
let current = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await current?.();
    process.exit(130);
  });
}

/** A session on weft-app with `casePath`; returns it with the wall-clock times around it. */
async function launch(casePath) {
  say(`starting tauri-driver for ${casePath}`);
  const timingsDir = mkdtempSync(join(tmpdir(), 'weft-timings-'));
  const timings = join(timingsDir, 'timings.jsonl');
  const driver = await startDriver({ WEFT_CASE: casePath, WEFT_TIMINGS: timings });
  say('new session');
  const requested = Date.now();
  const session = await remote({
    hostname: '127.0.0.1',
    port: driver.port,
    logLevel: 'silent',
    capabilities: { 'tauri:options': { application: APP, args: [] }, 'wdio:enforceWebDriverClassic': true },
  });
  const sessionAt = Date.now();
  say(`session after ${sessionAt - requested} ms`);
  await session.setTimeout({ script: 600_000 });
  current = async () => {
    await session.deleteSession().catch(() => {});
    await driver.stop();
  };
  const close = async () => {
    await session.deleteSession().catch(() => {});
    await driver.stop();
    rmSync(timingsDir, { recursive: true, force: true });
  };
  return { session, requested, sessionAt, close, timings };
}

/** Polls the page until `selector` is in the DOM (`firstAppearances` of one): { at, before }. */
async function firstAppearance(session, selector, timeout = 300_000) {
  return (await firstAppearances(session, [selector], timeout))[selector];
}

async function waitReady(session, timeout = 600_000) {
  await session.waitUntil(
    () => session.execute(() => document.querySelector('[data-testid="app"]')?.getAttribute('data-ready') === 'true'),
    { timeout, interval: 20, timeoutMsg: 'the window never became ready' },
  );
  return Date.now();
}

/** The page's own navigation and paint times (epoch ms), where WebKit reports them. */
function pageTimes(session) {
  return session.execute(() => {
    const origin = performance.timeOrigin;
    const paint = Object.fromEntries(performance.getEntriesByType('paint').map((entry) => [entry.name, origin + entry.startTime]));
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      origin,
      domContentLoaded: nav ? origin + nav.domContentLoadedEventEnd : null,
      load: nav ? origin + nav.loadEventEnd : null,
      firstPaint: paint['first-paint'] ?? null,
      firstContentfulPaint: paint['first-contentful-paint'] ?? null,
    };
  });
}

// ---- the startup timeline ------------------------------------------------------------

/**
 * Polls the page until every selector is in the DOM. The first poll installs a
 * MutationObserver per selector that notes Date.now() when it appears, so the time is
 * exact unless it was there at the first poll (then `before` is set). Returns
 * { selector: { at, before } }.
 */
async function firstAppearances(session, selectors, timeout = 300_000) {
  const deadline = Date.now() + timeout;
  for (let poll = 0; Date.now() < deadline; poll++) {
    const state = await session.execute((list) => {
      const seen = {};
      for (const sel of list) {
        const key = `__measure_${sel}`;
        if (document.querySelector(sel)) {
          seen[sel] = { at: window[key] ?? Date.now(), before: !(key in window) };
        } else if (!(key in window) && document.body) {
          const observer = new MutationObserver(() => {
            if (window[key] == null && document.querySelector(sel)) {
              window[key] = Date.now();
              observer.disconnect();
            }
          });
          observer.observe(document.body, { childList: true, subtree: true });
          window[key] = null;
        }
      }
      return seen;
    }, selectors);
    if (poll % 200 === 0) say(`waiting for ${selectors.filter((sel) => !state[sel]).join(', ')} (poll ${poll})`);
    if (selectors.every((sel) => state[sel])) return state;
    await sleep(5);
  }
  throw new Error(`${selectors.join(', ')} did not all appear within ${timeout / 1000} s`);
}

/** The page's marks (`weft:*`), its command measures and the bundle's fetch, in epoch ms. */
function pageMoments(session) {
  return session.execute(() => {
    const origin = performance.timeOrigin;
    const marks = {};
    for (const entry of performance.getEntriesByType('mark')) {
      if (entry.name.startsWith('weft:')) marks[entry.name.slice(5)] ??= origin + entry.startTime;
    }
    const calls = performance
      .getEntriesByType('measure')
      .filter((entry) => entry.name.startsWith('weft:'))
      .map((entry) => ({ name: entry.name.slice(5), sent: origin + entry.startTime, answered: origin + entry.startTime + entry.duration }));
    const script = performance.getEntriesByType('resource').find((entry) => /\/assets\/.*\.js$/.test(entry.name));
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      origin,
      marks,
      calls,
      scriptFetched: script ? origin + script.responseEnd : null,
      domContentLoaded: nav ? origin + nav.domContentLoadedEventEnd : null,
    };
  });
}

/** The shell's lines of WEFT_TIMINGS: [{ at_ms, what, name }]. */
function shellMoments(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/** The commands of a start, in the order they were first sent, with the same command's
 * first shell reception and engine call, all in ms from process start. */
function startupTimeline(start, page, shell, rows) {
  const first = (what, name) => shell.find((line) => line.what === what && line.name === name)?.at_ms ?? null;
  const rel = (at) => (at === null || at === undefined ? null : at - start);
  const opened = first('end', 'case-open');
  const caseOpenInApp = Math.max(page.origin, opened ?? page.origin);
  const moments = {
    caseOpenBegin: rel(first('begin', 'case-open')),
    caseOpenEnd: rel(opened),
    windowBegin: rel(first('begin', 'window')),
    windowEnd: rel(first('end', 'window')),
    nav: rel(page.origin),
    scriptFetched: rel(page.scriptFetched),
    script: rel(page.marks.script),
    mounted: rel(page.marks.mounted),
    caseOpenInApp: rel(caseOpenInApp),
  };
  for (const [sel, seen] of Object.entries(rows)) moments[sel] = rel(seen.at);
  // Other `weft:` marks the UI sets (none today; a profiling session adds its own).
  for (const [name, at] of Object.entries(page.marks)) if (name !== 'script' && name !== 'mounted') moments[`mark:${name}`] = rel(at);
  const seenNames = new Set();
  const calls = [];
  for (const call of [...page.calls].sort((a, b) => a.sent - b.sent)) {
    if (seenNames.has(call.name)) continue;
    seenNames.add(call.name);
    // The shell's first reception and engine call of this command at or after it was sent.
    const after = (what) => shell.find((line) => line.what === what && line.name === call.name && line.at_ms >= call.sent - 1)?.at_ms ?? null;
    calls.push({ name: call.name, sent: rel(call.sent), received: rel(after('received')), begin: rel(after('begin')), end: rel(after('end')), answered: rel(call.answered) });
  }
  return { moments, calls, caseOpenInApp: caseOpenInApp - start };
}

/** Markdown tables of startup timelines (p50 over runs; each in ms from process start). */
function timelineTables(title, runs, rowLabels) {
  const p50 = (values) => ms(quantile(values, 0.5));
  const range = (values) => {
    const list = values.filter((v) => typeof v === 'number');
    return list.length ? `${ms(Math.min(...list))} – ${ms(Math.max(...list))}` : '–';
  };
  const moment = (label, key, note = '') => {
    const values = runs.map((run) => run.moments[key]);
    return `| ${label} | ${p50(values)} | ${range(values)} | ${note} |`;
  };
  const since = (label, key, note = '') => {
    const values = runs.map((run) => (run.moments[key] === null || run.moments[key] === undefined ? null : run.moments[key] - run.caseOpenInApp));
    return `| ${label} | ${p50(values)} | ${range(values)} | ${note} |`;
  };
  const lines = [
    `#### ${title}: startup moments (${runs.length} launches; ms from weft-app process start)`,
    '',
    '| moment | p50 | min – max | how |',
    '| --- | --- | --- | --- |',
    moment('case open in the engine: begun', 'caseOpenBegin', 'WEFT_TIMINGS, setup'),
    moment('case open in the engine: done (store, writer turn, read pool)', 'caseOpenEnd', 'WEFT_TIMINGS'),
    moment('window built (begun)', 'windowBegin', 'WEFT_TIMINGS'),
    moment('window built (done)', 'windowEnd', 'WEFT_TIMINGS'),
    moment('page navigation start', 'nav', 'performance.timeOrigin'),
    moment('bundle fetched', 'scriptFetched', 'resource timing responseEnd'),
    moment('bundle evaluated (main.ts runs)', 'script', "mark 'weft:script'"),
    moment('App mounted', 'mounted', "mark 'weft:mounted'"),
    moment('**case open in the app** (later of navigation start and engine open)', 'caseOpenInApp'),
  ];
  const marks = [...new Set(runs.flatMap((run) => Object.keys(run.moments).filter((key) => key.startsWith('mark:'))))];
  for (const key of marks) lines.push(moment(`mark '${key.slice(5)}'`, key, 'performance.mark'));
  for (const [sel, label] of rowLabels) {
    const exact = runs.filter((run) => !run.before[sel]).length;
    lines.push(moment(`**${label}**`, sel, `MutationObserver; exact in ${exact}/${runs.length}`));
  }
  for (const [sel, label] of rowLabels) lines.push(since(`**case open in the app → ${label}**`, sel));
  lines.push('', `#### ${title}: the commands of the start (first call of each, in the order sent; p50, ms from process start)`, '');
  lines.push('| command | sent (UI) | received (shell) | engine begun | engine done | answered (UI) | engine ms | queued before the engine |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  const names = [];
  for (const run of runs) for (const call of run.calls) if (!names.includes(call.name)) names.push(call.name);
  const order = (name) => quantile(runs.map((run) => run.calls.find((call) => call.name === name)?.sent ?? null), 0.5) ?? Infinity;
  names.sort((a, b) => order(a) - order(b));
  for (const name of names) {
    const of = (key) => runs.map((run) => run.calls.find((call) => call.name === name)?.[key] ?? null);
    const diff = (a, b) => runs.map((run) => {
      const call = run.calls.find((c) => c.name === name);
      return call && call[a] !== null && call[b] !== null ? call[a] - call[b] : null;
    });
    lines.push(`| ${name} | ${p50(of('sent'))} | ${p50(of('received'))} | ${p50(of('begin'))} | ${p50(of('end'))} | ${p50(of('answered'))} | ${p50(diff('end', 'begin'))} | ${p50(diff('begin', 'sent'))} |`);
  }
  return lines.join('\n');
}

/** One launch's startup: waits for `rowLabels`' selectors, then reads every moment. */
async function measureStart(window, rowLabels) {
  const procs = appProcesses();
  const rows = await firstAppearances(window.session, rowLabels.map(([sel]) => sel));
  const readyAt = await waitReady(window.session);
  const page = await pageMoments(window.session);
  const start = procs?.app.start ?? null;
  if (start === null) throw new Error('no weft-app process found');
  const timeline = startupTimeline(start, page, shellMoments(window.timings), rows);
  const before = Object.fromEntries(Object.entries(rows).map(([sel, seen]) => [sel, seen.before]));
  return { ...timeline, before, readyAt, start };
}

// ---- 1. launch → first paint of the demo case ------------------------------------------

/** The first rows a start waits for: the trace list's and the log view's (both shown at start). */
const START_ROWS = [
  ['[data-testid="trace-row"]', 'first trace-list row in the DOM'],
  ['[data-testid="log-row"]', 'first log row in the DOM'],
];

async function measureLaunch() {
  if (!existsSync(DEMO_CASE)) throw new Error(`${DEMO_CASE} is missing: run \`make demo\``);
  const runs = [];
  const timelines = [];
  for (let run = 0; run < LAUNCHES; run++) {
    const loadBefore = load();
    const window = await launch(DEMO_CASE);
    try {
      const started = await measureStart(window, START_ROWS);
      const readyAt = started.readyAt;
      const page = await pageTimes(window.session);
      const start = started.start;
      const row = { at: started.moments['[data-testid="trace-row"]'] + start, before: started.before['[data-testid="trace-row"]'] };
      timelines.push(started);
      runs.push({
        load: loadBefore,
        startToNav: start ? page.origin - start : null,
        startToFcp: start && page.firstContentfulPaint ? page.firstContentfulPaint - start : null,
        startToRow: start ? row.at - start : null,
        rowExact: !row.before,
        requestToStart: start ? start - window.requested : null,
        requestToSession: window.sessionAt - window.requested,
        requestToRow: row.at - window.requested,
        requestToReady: readyAt - window.requested,
        rss: memory(),
      });
      process.stderr.write(`launch ${run + 1}: ${JSON.stringify(runs.at(-1))}\n`);
    } finally {
      await window.close();
    }
    await sleep(500);
  }
  const column = (key) => runs.map((r) => r[key]);
  const line = (label, key, note = '') =>
    `| ${label} | ${ms(quantile(column(key), 0.5))} | ${ms(Math.min(...column(key).filter((v) => v !== null)))} | ${ms(Math.max(...column(key).filter((v) => v !== null)))} | ${note} |`;
  const exact = runs.filter((r) => r.rowExact).length;
  return [
    `### Launch → first paint, demo case (${LAUNCHES} launches)`,
    '',
    '| from → to | p50 | min | max | note |',
    '| --- | --- | --- | --- | --- |',
    line('weft-app process start → page navigation start', 'startToNav', 'performance.timeOrigin'),
    line('process start → first contentful paint', 'startToFcp', "performance 'paint' entry"),
    line('**process start → first trace-list row in the DOM**', 'startToRow', `MutationObserver; exact in ${exact}/${runs.length} (else an upper bound)`),
    line('WebDriver new-session request → process start', 'requestToStart', 'tauri-driver + WebKitWebDriver spawn'),
    line('new-session request → session returned', 'requestToSession'),
    line('new-session request → first trace row', 'requestToRow'),
    line('new-session request → data-ready (all first queries done)', 'requestToReady'),
    '',
    `Process start is /proc/<pid>/stat starttime (10 ms steps). RSS after ready: weft-app ${mib(quantile(runs.map((r) => r.rss.app), 0.5))}, WebKit web process ${mib(quantile(runs.map((r) => r.rss.web), 0.5))} (p50). Load average before each launch: ${runs.map((r) => r.load.split(' ')[0]).join(', ')}.`,
    '',
    timelineTables('Demo case', timelines, START_ROWS),
  ].join('\n');
}

// ---- 2. big traces -----------------------------------------------------------------------

/** The case holding one generated trace of `spans` spans (made when missing). */
function ensureTraceCase(spans) {
  const casePath = spans === 100_000 && process.env.TRACE_CASE ? TRACE_CASE : resolve(ROOT, 'bench-data', `big-trace-${spans}`, 'case.weft');
  if (existsSync(casePath)) return casePath;
  const out = resolve(ROOT, 'bench-data', `big-trace-${spans}`);
  process.stderr.write(`making ${casePath}\n`);
  execFileSync('python3', [join(ROOT, 'scripts', 'gen-big-trace.py'), '--out', out, '--spans', String(spans)], { stdio: ['ignore', 'inherit', 'inherit'] });
  execFileSync(WEFT, ['--case', casePath, 'ingest', join(out, 'big-trace.jsonl'), join(out, 'big-trace-logs.ndjson')], { stdio: ['ignore', 'inherit', 'inherit'] });
  return casePath;
}

/** Scrolls `selector` in rAF steps of `step(viewport)` px until the bottom or `frames`; frame gaps in ms. */
function scrollFrames(session, selector, stepPages, frames) {
  return session.executeAsync(
    (sel, pages, most, done) => {
      const viewport = document.querySelector(sel);
      const gaps = [];
      let last = null;
      const started = performance.now();
      let count = 0;
      const frame = (now) => {
        if (last !== null) gaps.push(now - last);
        last = now;
        const bottom = viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - 1;
        if (bottom || count >= most) {
          done({ gaps, frames: count, ms: performance.now() - started, bottom, scrollHeight: viewport.scrollHeight });
          return;
        }
        viewport.scrollTop += viewport.clientHeight * pages;
        count++;
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    },
    selector,
    stepPages,
    frames,
  );
}

/**
 * One trace of `spans` spans: click → first span rows (with their span) in the DOM,
 * scrolling a viewport per frame, the jump to the end (End in the windowed
 * waterfall, else scrollTop to the bottom), and the RSS of weft-app + WebKit.
 */
async function measureTraceOf(spans) {
  const casePath = ensureTraceCase(spans);
  const loadBefore = load();
  const window = await launch(casePath);
  const { session } = window;
  try {
    await firstAppearance(session, '[data-testid="trace-row"]');
    await waitReady(session);
    say(`opening the ${spans}-span trace`);
    const memBefore = memory();
    const smapsBefore = smapsBreakdown();
    const smapsWebBefore = smapsBreakdown('web');
    // Click the (only) trace's first cell; time until span rows are in the DOM and a frame has passed.
    const open = await session.executeAsync((done) => {
      const started = performance.now();
      document.querySelector('[data-testid="trace-row"] td').click();
      let rowsAt = null;
      const check = () => {
        if (rowsAt === null && document.querySelector('[data-testid="span-row"][data-span-id]')) rowsAt = performance.now();
        if (rowsAt !== null) {
          requestAnimationFrame(() =>
            done({
              rows: rowsAt - started,
              painted: performance.now() - started,
              inDom: document.querySelectorAll('[data-testid="span-row"]').length,
              windowed: document.querySelector('[data-testid="waterfall"]')?.getAttribute('data-big') === 'true',
            }),
          );
          return;
        }
        requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
    const clickReadyStart = Date.now();
    await waitReady(session);
    const readyAfter = Date.now() - clickReadyStart + open.painted;
    const summary = await session.execute(() => document.querySelector('[data-testid="waterfall-summary"]')?.textContent.trim());
    const memOpen = memory();
    say('scrolling the waterfall');
    const loadScroll = load();
    const tallyBeforePage = await rowTally(session);
    const page = await scrollFrames(session, '[data-testid="span-rows"]', 1, 600);
    const tallyPage = await rowTally(session);
    // Rows of the view shown at the last frame of that scroll (the labels with a span).
    const shownAfterPage = await session.execute(() => document.querySelectorAll('[data-testid="span-row"][data-span-id]').length);
    await session.execute(() => (document.querySelector('[data-testid="span-rows"]').scrollTop = 0));
    await sleep(300);
    const loadFling = load();
    const tallyBefore = await rowTally(session);
    const memBeforeFling = memory();
    const [fling, flingMost] = await sampledWhile(() => scrollFrames(session, '[data-testid="span-rows"]', 20, 100_000));
    const memFlung = memory();
    const tallyAfter = await rowTally(session);
    await sleep(SETTLE_MS);
    const memFlingSettled = memory();
    await session.execute(() => (document.querySelector('[data-testid="span-rows"]').scrollTop = 0));
    await sleep(500);
    // The jump: End on the span tree of the windowed waterfall (until the last row, with
    // its span, is in the DOM and a frame has passed); the full view has no End key, so
    // its list is scrolled to the bottom.
    const jump = await session.executeAsync((done) => {
      const viewport = document.querySelector('[data-testid="span-rows"]');
      const waterfall = document.querySelector('[data-testid="waterfall"]');
      const total = Number(waterfall?.getAttribute('data-total-rows') ?? NaN);
      const started = performance.now();
      if (waterfall?.getAttribute('data-big') === 'true') {
        const tree = document.querySelector('[data-testid="span-tree"]');
        tree.focus();
        tree.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true, cancelable: true }));
        const check = () => {
          if (document.querySelector(`[data-testid="span-row"][data-row="${total - 1}"][data-span-id]`)) {
            requestAnimationFrame(() => done({ ms: performance.now() - started, how: 'End', rows: document.querySelectorAll('[data-testid="span-row"]').length }));
          } else if (performance.now() - started > 20_000) done({ ms: NaN, how: 'End (never came)', rows: 0 });
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
        return;
      }
      viewport.scrollTop = viewport.scrollHeight;
      requestAnimationFrame(() =>
        requestAnimationFrame(() => done({ ms: performance.now() - started, how: 'scrollTop', rows: document.querySelectorAll('[data-testid="span-row"]').length })),
      );
    });
    const memAfter = memory();
    // The same, the trace still open and the window idle for SETTLE_MS: the rows fetched
    // while flinging are garbage the web process frees within a second or two.
    await sleep(SETTLE_MS);
    const memSettled = memory();
    const smapsAfter = smapsBreakdown();
    const smapsWebAfter = smapsBreakdown('web');
    const stats = (run) => `median ${ms(quantile(run.gaps, 0.5))}, p95 ${ms(quantile(run.gaps, 0.95))}, max ${ms(Math.max(...run.gaps))}`;
    const fps = (run) => (run.gaps.length ? (1000 / (run.gaps.reduce((sum, gap) => sum + gap, 0) / run.gaps.length)).toFixed(0) : '–');
    const together = (mem) => (mem && mem.app && mem.web ? mib(mem.app + mem.web) : '–');
    const memLine = (mem) => `${mib(mem.app)} + ${mib(mem.web)} = ${together(mem)} (web anon/file/shmem ${webParts(mem)})`;
    return [
      `### ${spans.toLocaleString('en')}-span trace (${casePath.replace(`${ROOT}/`, '')}, scripts/gen-big-trace.py)`,
      '',
      '| step | result | load avg |',
      '| --- | --- | --- |',
      `| waterfall | ${summary ?? '?'} (${open.windowed ? 'windowed, canvas' : 'full view'}) | |`,
      `| click trace row → first span rows in the DOM | ${ms(open.rows)} (${open.inDom} rows in the DOM) | ${loadBefore} |`,
      `| click → next frame painted | ${ms(open.painted)} | |`,
      `| click → data-ready (trace logs loaded too) | ≈ ${ms(readyAfter)} | |`,
      `| scroll one viewport per frame, ${page.frames} frames: frame times | ${stats(page)}; ${fps(page)} frames/s; ${tallyPage.requests - tallyBeforePage.requests} row requests, ${tallyPage.rows - tallyBeforePage.rows} rows; rows with their span in view at its end: ${shownAfterPage} | ${loadScroll} |`,
      `| scroll 20 viewports per frame to the end (${fling.scrollHeight} px): time to reach the end | ${ms(fling.ms)} over ${fling.frames} frames (${stats(fling)}) | |`,
      `| jump to the end (${jump.how}) → last row painted | ${ms(jump.ms)} (${jump.rows} rows in the DOM) | ${load()} |`,
      `| RSS weft-app / WebKit web process | before open ${mib(memBefore.app)} / ${mib(memBefore.web)}; opened ${mib(memOpen.app)} / ${mib(memOpen.web)}; after scrolling ${mib(memAfter.app)} / ${mib(memAfter.web)} (together ${together(memAfter)}); idle ${SETTLE_MS / 1000} s later ${mib(memSettled.app)} / ${mib(memSettled.web)} (together ${together(memSettled)}) | |`,
      `| weft-app RSS anon / file / shmem (/proc/PID/status) | before open ${appParts(memBefore)}; opened ${appParts(memOpen)}; after scrolling ${appParts(memAfter)} | |`,
      `| web process RSS anon / file / shmem | before open ${webParts(memBefore)}; opened ${webParts(memOpen)}; after scrolling ${webParts(memAfter)}; idle ${webParts(memSettled)} | |`,
      `| the fling: RSS app + web before / most during (${flingMost.samples} samples, 50 ms) / right after / ${SETTLE_MS / 1000} s later | ${memLine(memBeforeFling)} / ${flingMost.together ? memLine(flingMost.together) : '–'}, web anon at most ${mib(flingMost.webAnon)} / ${memLine(memFlung)} / ${memLine(memFlingSettled)} | ${loadFling} |`,
      `| the fling's row requests and rows received (the waterfall's tally) | ${tallyAfter.requests - tallyBefore.requests} requests, ${tallyAfter.rows - tallyBefore.rows} rows | |`,
      ...(smapsBefore ? ['', `weft-app RSS by mapping before open: ${smapsBefore}`, '', `after scrolling: ${smapsAfter}`] : []),
      ...(smapsWebBefore ? ['', `web process RSS by mapping before open: ${smapsWebBefore}`, '', `after scrolling: ${smapsWebAfter}`] : []),
    ].join('\n');
  } finally {
    await window.close();
  }
}

async function measureTrace() {
  const tables = [];
  for (const spans of TRACE_SIZES) tables.push(await measureTraceOf(spans));
  return tables.join('\n\n');
}

// ---- 3. a 5M-line log view ---------------------------------------------------------------

function ensureLogsCase() {
  if (existsSync(LOGS_CASE)) return;
  const data = join(ROOT, 'bench-data', 'large');
  if (!existsSync(join(data, 'logs.ndjson'))) {
    throw new Error('bench-data/large is missing: python3 ../shared/bench/gen_dataset.py --out bench-data/large --spans 1000000 --logs 5000000 --seed 1');
  }
  process.stderr.write(`making ${LOGS_CASE} (a few minutes)\n`);
  execFileSync(WEFT, ['--case', LOGS_CASE, 'ingest', join(data, 'traces.jsonl'), join(data, 'logs.ndjson')], { stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Scrolls the log rows to one end `pages` times, waiting for each page; per-page ms. */
function pageLogs(session, toBottom, pages) {
  return session.executeAsync(
    (down, most, done) => {
      const viewport = document.querySelector('[data-testid="log-rows"]');
      const view = document.querySelector('[data-testid="log-view"]');
      const times = [];
      const endAttribute = down ? 'data-complete' : 'data-at-start';
      const one = () => {
        if (times.length >= most || view.getAttribute(endAttribute) === 'true') {
          done({ times, end: view.getAttribute(endAttribute) === 'true' });
          return;
        }
        const started = performance.now();
        const firstId = document.querySelector('[data-testid="log-row"]')?.getAttribute('data-log-id');
        viewport.scrollTop = down ? viewport.scrollHeight : 0;
        let sawLoading = false;
        const wait = () => {
          const loading = view.getAttribute('data-loading') === 'true';
          sawLoading ||= loading;
          if (sawLoading && !loading) {
            requestAnimationFrame(() => {
              times.push(performance.now() - started);
              one();
            });
          } else if (performance.now() - started > (sawLoading ? 120_000 : 5000)) {
            done({ times, end: view.getAttribute(endAttribute) === 'true', stuck: firstId });
          } else {
            requestAnimationFrame(wait);
          }
        };
        requestAnimationFrame(wait);
      };
      one();
    },
    toBottom,
    pages,
  );
}

async function search(session, text) {
  const started = Date.now();
  await session.execute((value) => {
    const box = document.querySelector('[data-testid="search-input"]');
    box.value = value;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    document.querySelector('[data-testid="search-run"]').click();
  }, text);
  // The click clears the rows at once; wait for the first row of the new search.
  await session.waitUntil(
    () => session.execute(() => document.querySelector('[data-testid="log-view"]')?.getAttribute('data-loading') !== 'true' && !!document.querySelector('[data-testid="log-row"]')),
    { timeout: 600_000, interval: 10 },
  );
  const rows = Date.now() - started;
  await waitReady(session);
  return { rows, ready: Date.now() - started };
}

/**
 * Runs one search in the log view and times, from the click, what the user sees: the
 * first rows, the line count exact, the facets changed (an estimate, or at once the
 * exact ones), the facets exact, the histogram's total, the trace list's rows, and the
 * window ready (every list settled); with the texts shown. Gives up after `wait` ms.
 */
function timedSearch(session, text, wait) {
  return session.executeAsync(
    (value, most, done) => {
      const q = (sel) => document.querySelector(sel);
      const facetsText = () => q('[data-testid="log-facets"]')?.textContent ?? '';
      const before = { facets: facetsText(), total: q('[data-testid="log-histogram"]')?.getAttribute('data-total') ?? null, traces: q('[data-testid="traces-shown"]')?.textContent };
      const box = q('[data-testid="search-input"]');
      box.value = value;
      box.dispatchEvent(new Event('input', { bubbles: true }));
      const started = performance.now();
      q('[data-testid="search-run"]').click();
      const at = {};
      const seen = {};
      let sawBusy = false;
      let sawLoading = false;
      const mark = (key, yes, note) => {
        if (yes && at[key] === undefined) {
          at[key] = performance.now() - started;
          if (note !== undefined) seen[key] = note;
        }
      };
      const poll = () => {
        const view = q('[data-testid="log-view"]');
        const app = q('[data-testid="app"]');
        const shown = q('[data-testid="logs-shown"]');
        const facets = q('[data-testid="log-facets"]');
        const loading = view?.getAttribute('data-loading') === 'true';
        sawBusy ||= app?.getAttribute('data-ready') !== 'true';
        // The search box may start the search a frame later: rows count once they were cleared.
        sawLoading ||= loading;
        mark('rows', sawLoading && !loading && !!q('[data-testid="log-row"]'), shown?.textContent.trim());
        mark('countExact', at.rows !== undefined && shown?.getAttribute('data-tally') === 'exact', shown?.textContent.trim());
        mark('facets', facets !== null && facetsText() !== before.facets, facets?.getAttribute('data-exact') === 'false' ? `estimate: ${q('[data-testid="facets-note"]')?.textContent ?? ''}` : 'exact');
        mark(
          'facetsExact',
          at.facets !== undefined && facets?.getAttribute('aria-busy') !== 'true' && facets?.getAttribute('data-exact') !== 'false',
        );
        mark('histogram', (q('[data-testid="log-histogram"]')?.getAttribute('data-total') ?? null) !== before.total && q('[data-testid="log-histogram"]') !== null, q('[data-testid="log-histogram"]')?.getAttribute('data-total'));
        mark('traces', q('[data-testid="traces-shown"]')?.textContent !== before.traces, q('[data-testid="traces-shown"]')?.textContent.trim());
        mark('ready', sawBusy && app?.getAttribute('data-ready') === 'true');
        if (at.ready !== undefined || performance.now() - started > most) {
          seen.finalCount = shown?.textContent.trim();
          done({ at, seen });
          return;
        }
        requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
    },
    text,
    wait,
  );
}

async function measureSearches(session) {
  const lines = [
    `| search | first rows | lines shown then | line count exact | facets (first shown) | facets exact | histogram total | trace list count | ready | load avg |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const text of LOG_SEARCHES) {
    const loadAt = load();
    say(`search ${JSON.stringify(text)}`);
    const { at, seen } = await timedSearch(session, text, SEARCH_WAIT);
    const upTo = (key) => (at[key] === undefined ? `> ${SEARCH_WAIT / 1000} s` : ms(at[key]));
    lines.push(
      `| \`${text}\` | ${upTo('rows')} | ${seen.rows ?? '–'} | ${upTo('countExact')} (${seen.countExact ?? seen.finalCount ?? '–'}) | ${upTo('facets')} (${seen.facets ?? '–'}) | ${upTo('facetsExact')} | ${upTo('histogram')} (${seen.histogram ?? 'unchanged'}) | ${upTo('traces')} (${seen.traces ?? 'unchanged'}) | ${upTo('ready')} | ${loadAt} |`,
    );
    // A search left running would slow the next one: wait for the window to settle.
    if (at.ready === undefined) await waitReady(session, SEARCH_WAIT).catch(() => say('not ready: the next search starts anyway'));
  }
  return lines.join('\n');
}

async function measureLogs() {
  ensureLogsCase();
  // Launches whose start alone is measured; the last one goes on with searches and paging.
  const timelines = [];
  const loads = [];
  let window = null;
  for (let run = 0; run < Math.max(1, LOG_LAUNCHES); run++) {
    if (window) {
      await window.close();
      await sleep(500);
    }
    loads.push(load());
    window = await launch(LOGS_CASE);
    timelines.push(await measureStart(window, START_ROWS));
    process.stderr.write(`logs launch ${run + 1}: ${JSON.stringify(timelines.at(-1).moments)}\n`);
  }
  const startTables = [
    `### Large case start (${LOGS_CASE}; load average before each launch: ${loads.map((l) => l.split(' ')[0]).join(', ')})`,
    '',
    timelineTables('Large case', timelines, START_ROWS),
  ].join('\n');
  if (LOG_START_ONLY) {
    await window.close();
    return startTables;
  }
  const loadBefore = loads.at(-1);
  const { session } = window;
  try {
    const procs = appProcesses();
    const last = timelines.at(-1);
    const row = { at: last.moments['[data-testid="log-row"]'] + last.start, before: last.before['[data-testid="log-row"]'] };
    const readyAt = await waitReady(session);
    const memBefore = memory();
    const histogramTotal = await session.execute(() => document.querySelector('[data-testid="log-histogram"]')?.getAttribute('data-total'));
    say('searches');
    const searches = await measureSearches(session);
    const loadDown = load();
    say('paging down');
    const down = await pageLogs(session, true, LOG_PAGES);
    say(`paging up (down: ${JSON.stringify(down)})`);
    const up = await pageLogs(session, false, LOG_PAGES + 5);
    say('to the end');
    const loadJump = load();
    // The end: the log view has no jump-to-end; a search for the last second of logs, then paging.
    say('last log time');
    const lastTs = execFileSync('sqlite3', [LOGS_CASE, 'SELECT max(ts_ns) FROM logs'], { encoding: 'utf8' }).trim();
    const afterIso = new Date(Math.floor(Number(BigInt(lastTs) / 1_000_000n)) - 1000).toISOString();
    say(`search after:${afterIso}`);
    const tail = await search(session, `after:${afterIso}`);
    say('paging to the end');
    const tailDown = await pageLogs(session, true, 200);
    say('clearing the search');
    const back = await search(session, '');
    const memAfter = memory();
    const per = (run) => `${run.times.length} pages, ${ms(run.times.reduce((a, b) => a + b, 0))} total; per page median ${ms(quantile(run.times, 0.5))}, p95 ${ms(quantile(run.times, 0.95))}`;
    return [
      startTables,
      '',
      `### 5M-line log view (bench-data/large: ${histogramTotal} logs in the histogram)`,
      '',
      '| step | result | load avg |',
      '| --- | --- | --- |',
      `| process start → first log row in the DOM | ${ms(procs ? row.at - procs.app.start : null)}${row.before ? ' (upper bound)' : ''} | ${loadBefore} |`,
      `| new-session request → first log row / → data-ready (histogram, facets, traces) | ${ms(row.at - window.requested)} / ${ms(readyAt - window.requested)} | |`,
      `| scroll down ${LOG_PAGES * 200} rows (pages of 200) | ${per(down)} | ${loadDown} |`,
      `| scroll back up to the first row | ${per(up)}; at start: ${up.end} | |`,
      `| search \`after:<last log − 1 s>\` (no jump-to-end in the UI) → first rows / ready | ${ms(tail.rows)} / ${ms(tail.ready)} | ${loadJump} |`,
      `| … then scroll to the last row | ${per(tailDown)}; at end: ${tailDown.end} | |`,
      `| clear the search (back to the start) → first rows / ready | ${ms(back.rows)} / ${ms(back.ready)} | ${load()} |`,
      `| RSS weft-app / WebKit web process | first rows ${mib(memBefore.app)} / ${mib(memBefore.web)}; after all the above ${mib(memAfter.app)} / ${mib(memAfter.web)} | |`,
      '',
      `Searches in the log view (times from the click on Search; "ready": every list and chart settled):`,
      '',
      searches,
    ].join('\n');
  } finally {
    await window.close();
  }
}

/**
 * The demo case: a click on a trace row of the trace list (the "All traces" tab) until
 * that trace's span rows and its logs (in the logs pane below the waterfall) are in
 * the DOM and the next frame has been painted; `OPENS` traces, one after the other.
 */
async function measureOpen() {
  const loadBefore = load();
  const window = await launch(DEMO_CASE);
  const { session } = window;
  try {
    await firstAppearance(session, '[data-testid="trace-row"]');
    await waitReady(session);
    const ids = await session.execute(() =>
      [...document.querySelectorAll('[data-testid="trace-row"]')].map((row) => row.dataset.traceId),
    );
    const opens = [];
    for (const traceId of ids.slice(0, OPENS)) {
      await session.execute(() => document.querySelector('[data-testid="tab-list"]').click());
      await firstAppearance(session, `[data-testid="trace-row"][data-trace-id="${traceId}"]`);
      await waitReady(session);
      say(`opening ${traceId}`);
      const open = await session.executeAsync((id, done) => {
        const started = performance.now();
        document.querySelector(`[data-testid="trace-row"][data-trace-id="${id}"] td`).click();
        let waterfallAt = null;
        let logsAt = null;
        const check = () => {
          const waterfall = document.querySelector('[data-testid="waterfall"]');
          if (waterfallAt === null && waterfall?.textContent.includes(id) && document.querySelector('[data-testid="span-row"]')) {
            waterfallAt = performance.now();
          }
          const chips = [...document.querySelectorAll('[data-testid="logs-pane"] [data-testid="log-chip"]')];
          if (logsAt === null && chips.length > 0 && chips.every((chip) => chip.textContent.trim().startsWith(id.slice(0, 8)))) {
            logsAt = performance.now();
          }
          if (waterfallAt !== null && logsAt !== null) {
            requestAnimationFrame(() =>
              done({ waterfall: waterfallAt - started, logs: logsAt - started, painted: performance.now() - started }),
            );
            return;
          }
          if (performance.now() - started > 30_000) {
            done({ waterfall: waterfallAt, logs: logsAt, painted: null });
            return;
          }
          requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }, traceId);
      opens.push(open);
    }
    const row = (name, key) => {
      const values = opens.map((open) => open[key]);
      return `| ${name} | ${ms(quantile(values, 0.5))} | ${ms(quantile(values, 0.9))} | ${ms(Math.max(...values.filter((v) => v !== null)))} |`;
    };
    return [
      `### Opening a trace of the demo case (${opens.length} traces, one after the other; load avg ${loadBefore})`,
      '',
      '| click on a trace row → | p50 | p90 | max |',
      '| --- | --- | --- | --- |',
      row('its span rows in the waterfall', 'waterfall'),
      row('its logs in the logs pane', 'logs'),
      row('both, and the next frame painted', 'painted'),
    ].join('\n');
  } finally {
    await window.close();
  }
}

const started = performance.now();
const tables = [`## Weft app measurements (${new Date().toISOString()}, ${APP})`, '', `Load average at start: ${load()}; ${(await import('node:os')).cpus().length} cores; WebKit ${compositingMode()}; JavaScriptCore options ${Object.keys(process.env).filter((key) => key.startsWith('JSC_')).map((key) => `${key}=${process.env[key]}`).join(' ') || "the app's (src-tauri/src/js_heap.rs)"}.`];
for (const part of PARTS) {
  const measure = { launch: measureLaunch, open: measureOpen, trace: measureTrace, logs: measureLogs }[part];
  if (!measure) throw new Error(`unknown part ${part}: launch, open, trace or logs`);
  tables.push('', await measure());
}
tables.push('', `(${Math.round((performance.now() - started) / 1000)} s)`);
console.log(tables.join('\n'));
