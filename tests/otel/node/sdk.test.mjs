// Issue 20: real clients nobody here wrote. The OpenTelemetry Node SDK (emit.mjs: NodeSDK,
// the OTLP/HTTP JSON and protobuf exporters for traces and logs, pino through
// @opentelemetry/instrumentation-pino) exports to the real `weft receive` on a temp case;
// after the SDK shut down (flushed) and the receiver stopped, `weft traces|trace|logs|sources
// --json` must show exactly what the SDK recorded it exported, logs joined to their spans.
//
//   make otel-node-test      (needs target/debug/weft: `cargo build --bin weft`)
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..', '..');
const WEFT = process.env.WEFT_BIN
  ? resolve(process.env.WEFT_BIN)
  : join(process.env.CARGO_TARGET_DIR ? resolve(ROOT, process.env.CARGO_TARGET_DIR) : join(ROOT, 'target'), 'debug', 'weft');
if (!existsSync(WEFT)) throw new Error(`${WEFT} is missing: run \`cargo build --bin weft\` first`);

/** A port no one listens on now (the receiver binds it a moment later). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolveAccepts) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolveAccepts(true);
    });
    socket.once('error', () => resolveAccepts(false));
  });
}

/** `weft --case CASE --json ARGS…`, its ns times kept exact (as decimal text: JSON numbers lose them). */
function weftJson(casePath, ...args) {
  const text = execFileSync(WEFT, ['--case', casePath, '--json', ...args], { encoding: 'utf8' });
  return JSON.parse(text.replace(/("[a-z_]*_ns":)(-?\d+)/g, '$1"$2"'));
}

function groupBy(items, keyOf) {
  const groups = new Map();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
}

/** Runs emit.mjs (the instrumented service) against `url`; resolves to what the SDK exported. */
function emit(url, protocol, service, pinoFile) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [join(HERE, 'emit.mjs'), '--url', url, '--protocol', protocol, '--service', service, '--pino', pinoFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`emit.mjs ${protocol} exited ${code}: ${err}`));
      else resolveRun(JSON.parse(out));
    });
  });
}

describe('the OpenTelemetry Node SDK exporting to weft receive', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-otel-node-'));
  const casePath = join(dir, 'case.weft');
  const sent = { spans: [], logs: [] };
  let receiver;
  let receiverErr = '';
  let httpPort;

  before(async () => {
    httpPort = await freePort();
    const grpcPort = await freePort();
    receiver = spawn(WEFT, ['--case', casePath, 'receive', '--http', `127.0.0.1:${httpPort}`, '--grpc', `127.0.0.1:${grpcPort}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    receiver.stderr.on('data', (chunk) => (receiverErr += chunk));
    const exited = new Promise((resolveExit) => receiver.once('exit', resolveExit));
    const deadline = Date.now() + 30_000;
    while (!(await accepts(httpPort))) {
      if (receiver.exitCode !== null || Date.now() > deadline) throw new Error(`weft receive did not listen: ${receiverErr}`);
      await new Promise((wait) => setTimeout(wait, 100));
    }
    const url = `http://127.0.0.1:${httpPort}`;
    for (const protocol of ['json', 'proto']) {
      const got = await emit(url, protocol, `node-${protocol}`, join(dir, `pino-${protocol}.log`));
      sent.spans.push(...got.spans);
      sent.logs.push(...got.logs);
    }
    // Ctrl-C: the receiver ends its sources and exits 0.
    receiver.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 0, `weft receive exited ${code}: ${receiverErr}`);
  });

  after(() => {
    if (receiver && receiver.exitCode === null) receiver.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('sent what the test means to check: nested spans with errors, logs inside and outside spans', () => {
    assert.equal(sent.spans.length, 2 * 3 * 3, 'two services × three traces × three spans');
    assert.ok(sent.spans.some((span) => span.parent_span_id !== null));
    assert.ok(sent.spans.some((span) => span.status === 'error'));
    assert.ok(sent.spans.some((span) => span.events.length > 0));
    assert.equal(sent.logs.filter((log) => log.trace_id === null).length, 2, 'one log outside any span per service');
    assert.equal(sent.logs.length, 2 * (3 * 3 + 1));
    // The pino instrumentation also wrote the ids into the pino lines.
    const lines = readFileSync(join(dir, 'pino-json.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    assert.ok(lines.length === 6 && lines.every((line) => /^[0-9a-f]{32}$/.test(line.trace_id)));
  });

  it('lists exactly the traces sent, with their span, error and log counts', () => {
    const listed = weftJson(casePath, 'traces', '--limit', '1000');
    const byTrace = groupBy(sent.spans, (span) => span.trace_id);
    assert.deepEqual(listed.map((row) => row.trace_id).sort(), [...byTrace.keys()].sort());
    for (const row of listed) {
      const spans = byTrace.get(row.trace_id);
      const root = spans.find((span) => span.parent_span_id === null);
      assert.equal(row.spans, spans.length);
      assert.equal(row.errors, spans.filter((span) => span.status === 'error').length);
      assert.equal(row.logs, sent.logs.filter((log) => log.trace_id === row.trace_id).length);
      assert.equal(row.root_name, root.name);
      assert.equal(row.root_service, root.service);
      assert.equal(row.start_ns, root.start_ns);
    }
  });

  it('holds every span field by field, with its logs joined to it', () => {
    const byTrace = groupBy(sent.spans, (span) => span.trace_id);
    for (const [traceId, spans] of byTrace) {
      const stored = weftJson(casePath, 'trace', traceId);
      assert.deepEqual(stored.trace_logs, [], 'every log of the trace names one of its spans');
      assert.equal(stored.spans.length, spans.length);
      for (const want of spans) {
        const got = stored.spans.find((span) => span.span_id === want.span_id);
        assert.ok(got, `span ${want.span_id} of ${traceId}`);
        const fields = ['parent_span_id', 'name', 'kind', 'service', 'start_ns', 'end_ns', 'status', 'status_message', 'attributes', 'events', 'resource'];
        for (const field of fields) assert.deepEqual(got[field], want[field], `${want.name}: ${field}`);
        assert.deepEqual([got.scope.name, got.scope.version], [want.scope.name, want.scope.version]);
        const logsOfSpan = sent.logs.filter((log) => log.span_id === want.span_id).map((log) => log.body).sort();
        assert.deepEqual(got.logs.map((log) => log.body).sort(), logsOfSpan, `logs of ${want.name}`);
        assert.ok(got.logs.every((log) => log.link === 'span'));
      }
    }
  });

  it('holds every log record as sent, joined when it names a span', () => {
    const stored = weftJson(casePath, 'logs', '--limit', '1000');
    assert.equal(stored.length, sent.logs.length);
    const key = (log) => `${log.ts_ns} ${log.body} ${log.span_id}`;
    const byKey = new Map(stored.map((log) => [key(log), log]));
    for (const want of sent.logs) {
      const got = byKey.get(key(want));
      assert.ok(got, `log "${want.body}" at ${want.ts_ns}`);
      for (const field of ['severity', 'severity_text', 'service', 'trace_id', 'span_id', 'attributes']) {
        assert.deepEqual(got[field], want[field], `"${want.body}": ${field}`);
      }
      assert.equal(got.link, want.span_id === null ? 'unlinked' : 'span');
    }
  });

  it('shows each receiver session as an otlp-http source with its peer', () => {
    const sources = weftJson(casePath, 'sources');
    assert.ok(sources.length >= 1);
    for (const source of sources) {
      assert.match(JSON.stringify(source), /otlp-http/);
      assert.match(source.path, /127\.0\.0\.1/);
      assert.equal(source.status, 'complete');
    }
    assert.equal(sources.reduce((sum, source) => sum + source.spans, 0), sent.spans.length);
    assert.equal(sources.reduce((sum, source) => sum + source.logs, 0), sent.logs.length);
  });
});
