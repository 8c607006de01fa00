// The frame floor of the real app window (issue 19) and what the windowed waterfall
// costs on top of it, under Xvfb + WebKitGTK through tauri-driver, on the release
// build. Prints markdown tables; not a test. Run under Xvfb as measure-app is:
//
//   PATH="$HOME/.cargo/bin:$PATH" xvfb-run -a -s "-screen 0 1400x900x24" node scripts/measure-frames.mjs
//
// Parts (PARTS, default floor,trace):
//   floor  in the app's own web view (same process, settings and compositor): the
//          requestAnimationFrame interval of an empty page, of a page that fills a
//          canvas the waterfall's size each frame, and of the waterfall's structure
//          without Svelte (a 16 M px spacer scrolled a viewport per frame, a sticky
//          canvas repainted and 33 text labels rewritten each frame; and the same
//          canvas and labels without the scroller, `unscrolled`). The page is
//          emptied with document.body.replaceChildren() (the CSP forbids about:blank).
//   trace  the TRACE_SPANS-span trace (default 1000000; bench-data/big-trace-N/case.weft,
//          made as measure-app makes it) scrolled a viewport per frame: per frame the
//          rAF interval, the scroll handler with Svelte's update (a capturing scroll
//          listener to a listener added after the app's), the rAF callbacks after the
//          driver's (the canvas paint), and the RSS of weft-app + its web process.
// Environment: APP_BIN, WEFT_BIN (default target/release/), FRAMES (default 300),
// TRACE_SPANS, and any WEBKIT_* variable to try (the app inherits the environment).

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const TARGET = process.env.CARGO_TARGET_DIR ? resolve(ROOT, process.env.CARGO_TARGET_DIR) : join(ROOT, 'target');
process.env.APP_BIN ??= join(TARGET, 'release', 'weft-app');
process.env.WEFT_BIN ??= join(TARGET, 'release', 'weft');
const { APP, WEFT, compositingMode, startDriver } = await import('../tests/e2e/harness.mjs');
const { remote } = await import(pathToFileURL(join(ROOT, 'tests', 'e2e', 'node_modules', 'webdriverio', 'build', 'node.js')).href);

const PARTS = (process.env.PARTS ?? 'floor,trace').split(',');
const FRAMES = Number(process.env.FRAMES ?? 300);
const TRACE_SPANS = Number(process.env.TRACE_SPANS ?? 1_000_000);
const say = (text) => process.stderr.write(`[frames ${new Date().toISOString().slice(11, 23)}] ${text}\n`);
const sleep = (ms) => new Promise((wake) => setTimeout(wake, ms));
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function quantile(values, q) {
  const sorted = values.filter((v) => typeof v === 'number' && !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.ceil(at)] - sorted[low]) * (at - low);
}
const f1 = (value) => (value === null ? '–' : value.toFixed(1));
const mean = (values) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

// ---- processes (as measure-app finds them) ---------------------------------------------

function processes() {
  const list = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      list.push({ pid: Number(name), ppid: Number(fields[1]), comm });
    } catch {
      // Gone meanwhile.
    }
  }
  return list;
}

function descendants(all, roots) {
  const mine = new Set(roots);
  for (let grew = true; grew; ) {
    grew = false;
    for (const proc of all) {
      if (!mine.has(proc.pid) && mine.has(proc.ppid)) {
        mine.add(proc.pid);
        grew = true;
      }
    }
  }
  return mine;
}

/** weft-app under this script and the WebKit processes under it, with their RSS parts (KiB). */
function memory() {
  const all = processes();
  const mine = descendants(all, [process.pid]);
  // comm holds the first 15 bytes of the binary's name.
  const comm = APP.split('/').at(-1).slice(0, 15);
  const app = all.find((proc) => mine.has(proc.pid) && proc.comm === comm);
  if (!app) return null;
  const under = descendants(all, [app.pid]);
  const parts = (pid) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const field = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
      return { rss: field('VmRSS'), anon: field('RssAnon'), file: field('RssFile'), shmem: field('RssShmem') };
    } catch {
      return null;
    }
  };
  const web = all.filter((proc) => under.has(proc.pid) && proc.comm.startsWith('WebKitWebProces')).map((proc) => parts(proc.pid));
  const others = all.filter((proc) => under.has(proc.pid) && proc.pid !== app.pid && !proc.comm.startsWith('WebKitWebProces'));
  return {
    app: parts(app.pid),
    web: web.reduce((sum, part) => ({ rss: sum.rss + part.rss, anon: sum.anon + part.anon, file: sum.file + part.file, shmem: sum.shmem + part.shmem }), { rss: 0, anon: 0, file: 0, shmem: 0 }),
    others: others.map((proc) => `${proc.comm} ${Math.round((parts(proc.pid)?.rss ?? 0) / 1024)} MiB`),
  };
}
const mib = (kib) => `${Math.round(kib / 1024)}`;
const memLine = (mem) =>
  mem
    ? `weft-app ${mib(mem.app.rss)} MiB (anon ${mib(mem.app.anon)}, file ${mib(mem.app.file)}) + web ${mib(mem.web.rss)} MiB (anon ${mib(mem.web.anon)}, file ${mib(mem.web.file)}, shmem ${mib(mem.web.shmem)}) = **${mib(mem.app.rss + mem.web.rss)} MiB**${mem.others.length ? `; also ${mem.others.join(', ')}` : ''}`
    : '–';

async function launch(casePath) {
  const driver = await startDriver({ WEFT_CASE: casePath });
  const session = await remote({
    hostname: '127.0.0.1',
    port: driver.port,
    logLevel: 'silent',
    capabilities: { 'tauri:options': { application: APP, args: [] }, 'wdio:enforceWebDriverClassic': true },
  });
  await session.setTimeout({ script: 600_000 });
  await session.waitUntil(() => session.execute(() => document.querySelector('[data-testid="app"]')?.getAttribute('data-ready') === 'true'), {
    timeout: 600_000,
    interval: 50,
  });
  return {
    session,
    close: async () => {
      await session.deleteSession().catch(() => {});
      await driver.stop();
    },
  };
}

function ensureTraceCase(spans) {
  const casePath = resolve(ROOT, 'bench-data', `big-trace-${spans}`, 'case.weft');
  if (existsSync(casePath)) return casePath;
  const out = resolve(ROOT, 'bench-data', `big-trace-${spans}`);
  say(`making ${casePath}`);
  if (!existsSync(join(out, 'big-trace.jsonl'))) {
    execFileSync('python3', [join(ROOT, 'scripts', 'gen-big-trace.py'), '--out', out, '--spans', String(spans)], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  execFileSync(WEFT, ['--case', casePath, 'ingest', join(out, 'big-trace.jsonl'), join(out, 'big-trace-logs.ndjson')], { stdio: ['ignore', 'inherit', 'inherit'] });
  return casePath;
}

// ---- in the page ------------------------------------------------------------------------

/**
 * Runs `frames` frames of one floor scene in the emptied page and returns per frame the
 * rAF interval and the time spent in the scene's own callback (ms).
 */
function floorScene(session, scene, frames) {
  return session.executeAsync(
    (kind, most, done) => {
      document.body.replaceChildren();
      document.body.style.margin = '0';
      const width = Math.min(900, innerWidth);
      const height = Math.min(700, innerHeight);
      let draw = () => {};
      if (kind !== 'blank') {
        const host = document.createElement('div');
        host.style.cssText = '';
        host.style.height = `${height}px`;
        host.style.overflowY = 'auto';
        host.style.position = 'relative';
        document.body.append(host);
        const spacer = document.createElement('div');
        spacer.style.height = kind === 'structure' ? '16000000px' : `${height}px`;
        const labelled = kind === 'structure' || kind === 'unscrolled';
        host.append(spacer);
        const layer = document.createElement('div');
        layer.style.position = 'sticky';
        layer.style.top = '0';
        layer.style.height = `${height}px`;
        layer.style.display = 'grid';
        layer.style.gridTemplateColumns = labelled ? '320px 1fr' : '0 1fr';
        layer.style.overflow = 'hidden';
        spacer.append(layer);
        const labels = document.createElement('div');
        labels.style.position = 'relative';
        labels.style.overflow = 'hidden';
        layer.append(labels);
        const canvas = document.createElement('canvas');
        const canvasWidth = labelled ? width - 320 : width;
        canvas.width = Math.round(canvasWidth * devicePixelRatio);
        canvas.height = Math.round(height * devicePixelRatio);
        canvas.style.width = `${canvasWidth}px`;
        canvas.style.height = `${height}px`;
        canvas.style.display = 'block';
        layer.append(canvas);
        const ctx = canvas.getContext('2d');
        const rows = Math.ceil(height / 22) + 1;
        const nodes = [];
        if (labelled) {
          for (let slot = 0; slot < rows; slot++) {
            const row = document.createElement('div');
            row.style.position = 'absolute';
            row.style.left = '0';
            row.style.right = '0';
            row.style.height = '22px';
            row.style.font = '12.5px sans-serif';
            row.style.whiteSpace = 'nowrap';
            row.append(document.createTextNode(''));
            labels.append(row);
            nodes.push(row);
          }
        }
        let frame = 0;
        draw = () => {
          frame++;
          if (kind === 'structure') host.scrollTop += height;
          const top = kind === 'structure' ? host.scrollTop : frame * height;
          ctx.setTransform(devicePixelRatio, 0, 0, devicePixelRatio, 0, 0);
          ctx.fillStyle = '#fff';
          ctx.fillRect(0, 0, canvasWidth, height);
          for (let lane = 0; lane < rows; lane++) {
            ctx.fillStyle = `hsl(${(lane * 37 + frame) % 360} 60% 50%)`;
            const x = ((lane * 53 + frame * 7) % canvasWidth) * 0.6;
            ctx.fillRect(x, lane * 22 + 5, 40 + ((lane * 13 + frame) % 200), 12);
          }
          for (let slot = 0; slot < nodes.length; slot++) {
            const row = Math.floor(top / 22) + slot;
            nodes[slot].style.transform = `translateY(${slot * 22 - (top % 22)}px)`;
            nodes[slot].firstChild.data = `service-${row % 8}  span name of row ${row}`;
          }
        };
      }
      const gaps = [];
      const own = [];
      let last = null;
      let count = 0;
      const step = (now) => {
        if (last !== null) gaps.push(now - last);
        last = now;
        if (count++ >= most) {
          done({ gaps, own, width, height, ratio: devicePixelRatio });
          return;
        }
        const started = performance.now();
        draw();
        own.push(performance.now() - started);
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    },
    scene,
    frames,
  );
}

/**
 * Scrolls the waterfall a viewport per frame for `frames` frames and returns per frame:
 * the rAF interval, the scroll event's handling (capture at window → a listener added
 * after the app's, i.e. the app's handler and Svelte's flush of its effects), and the
 * rAF callbacks after the driver's (the waterfall's paint), in ms.
 */
function traceScroll(session, frames) {
  return session.executeAsync(
    (most, done) => {
      const viewport = document.querySelector('[data-testid="span-rows"]');
      const samples = [];
      let current = null;
      const capture = (event) => {
        if (event.target === viewport && current) current.scrollAt = performance.now();
      };
      const afterApp = () => {
        if (!current || current.scrollAt === undefined) return;
        current.update = performance.now() - current.scrollAt;
        // Registered after the paint's rAF (requested in the flush): runs after it.
        requestAnimationFrame(() => {
          if (current && current.driverEnd !== undefined) current.paint = performance.now() - current.driverEnd;
        });
      };
      window.addEventListener('scroll', capture, true);
      viewport.addEventListener('scroll', afterApp);
      let last = null;
      let count = 0;
      const rows = () => document.querySelectorAll('[data-testid="span-row"]').length;
      const step = (now) => {
        if (current) samples.push(current);
        current = { gap: last === null ? null : now - last };
        last = now;
        const bottom = viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - 1;
        if (bottom || count++ >= most) {
          window.removeEventListener('scroll', capture, true);
          viewport.removeEventListener('scroll', afterApp);
          done({ samples: samples.slice(1), rows: rows(), height: viewport.clientHeight, bottom });
          return;
        }
        const started = performance.now();
        viewport.scrollTop += viewport.clientHeight;
        current.driverEnd = performance.now();
        current.driver = current.driverEnd - started;
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    },
    frames,
  );
}

// ---- parts ------------------------------------------------------------------------------

const gapLine = (label, gaps, own, note = '') =>
  `| ${label} | ${f1(quantile(gaps, 0.5))} | ${f1(quantile(gaps, 0.95))} | ${f1(1000 / mean(gaps))} | ${own ? `${f1(quantile(own, 0.5))} / ${f1(quantile(own, 0.95))}` : '–'} | ${note} |`;

async function measureFloor() {
  const casePath = ensureTraceCase(10_000);
  const window = await launch(casePath);
  try {
    const mem = memory();
    const lines = [
      `### The frame floor: the app's web view under Xvfb (${FRAMES} frames each; load ${load()})`,
      '',
      '| scene | frame median ms | p95 ms | frames/s | own JS median / p95 ms | note |',
      '| --- | --- | --- | --- | --- | --- |',
    ];
    for (const scene of ['blank', 'canvas', 'unscrolled', 'structure']) {
      say(`floor: ${scene}`);
      const run = await floorScene(window.session, scene, FRAMES);
      const note = {
        blank: 'empty page, an empty rAF loop',
        canvas: `a ${run.width}×${run.height} CSS px canvas (ratio ${run.ratio}) filled and ~33 bars drawn per frame`,
        unscrolled: 'the canvas and 33 text labels rewritten and moved per frame as if scrolled, nothing scrolls',
        structure: 'a 16 M px spacer scrolled a viewport per frame, sticky canvas repainted, 33 text labels rewritten and moved',
      }[scene];
      lines.push(gapLine(scene, run.gaps, scene === 'blank' ? null : run.own, note));
    }
    lines.push('', `RSS of the app on the 10k case at ready: ${memLine(mem)}.`);
    return lines.join('\n');
  } finally {
    await window.close();
  }
}

async function measureTrace() {
  const casePath = ensureTraceCase(TRACE_SPANS);
  const window = await launch(casePath);
  const { session } = window;
  try {
    const idle = memory();
    say(`opening the ${TRACE_SPANS}-span trace`);
    const open = await session.executeAsync((done) => {
      const started = performance.now();
      document.querySelector('[data-testid="trace-row"] td').click();
      const check = () => {
        if (document.querySelector('[data-testid="span-row"][data-span-id]')) {
          const rows = performance.now() - started;
          requestAnimationFrame(() => done({ rows, painted: performance.now() - started, windowed: document.querySelector('[data-testid="waterfall"]')?.getAttribute('data-big') === 'true' }));
        } else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
    await sleep(1500);
    const opened = memory();
    say('scrolling');
    const run = await traceScroll(session, FRAMES);
    const scrolled = memory();
    const samples = run.samples;
    const gaps = samples.map((s) => s.gap).filter((v) => v !== null);
    const update = samples.map((s) => s.update).filter((v) => v !== undefined);
    const paint = samples.map((s) => s.paint).filter((v) => v !== undefined);
    const js = samples.filter((s) => s.update !== undefined && s.paint !== undefined).map((s) => s.update + s.paint + s.driver);
    const rest = samples.filter((s) => s.update !== undefined && s.paint !== undefined && s.gap !== null).map((s) => s.gap - (s.update + s.paint + s.driver));
    const pair = (values) => `${f1(quantile(values, 0.5))} / ${f1(quantile(values, 0.95))}`;
    return [
      `### ${TRACE_SPANS.toLocaleString('en')}-span trace, ${open.windowed ? 'windowed' : 'full'} waterfall (load ${load()})`,
      '',
      `Click → first span rows ${Math.round(open.rows)} ms, → next frame ${Math.round(open.painted)} ms.`,
      '',
      '| per frame, scrolling a viewport per frame | median / p95 ms |',
      '| --- | --- |',
      `| rAF interval (${gaps.length} frames, ${f1(1000 / mean(gaps))} frames/s) | ${pair(gaps)} |`,
      `| scroll event: the app's handler + Svelte's update of the DOM (${update.length} events) | ${pair(update)} |`,
      `| rAF callbacks after the driver's (the canvas paint) | ${pair(paint)} |`,
      `| all of our JS in the frame | ${pair(js)} |`,
      `| the rest of the interval (WebKit style, layout, paint, compositing; waiting) | ${pair(rest)} |`,
      '',
      `Rows in the DOM after scrolling: ${run.rows}. RSS: idle ${memLine(idle)}; trace open ${memLine(opened)}; after scrolling ${memLine(scrolled)}.`,
    ].join('\n');
  } finally {
    await window.close();
  }
}

const tables = [`## Frames (${new Date().toISOString()}, ${APP}; load ${load()}; ${compositingMode()}; env ${Object.keys(process.env).filter((key) => key.startsWith('WEBKIT_') || key.startsWith('JSC_')).map((key) => `${key}=${process.env[key]}`).join(' ') || 'default'})`];
for (const part of PARTS) {
  const measure = { floor: measureFloor, trace: measureTrace }[part];
  if (!measure) throw new Error(`unknown part ${part}: floor or trace`);
  tables.push('', await measure());
}
console.log(tables.join('\n'));
