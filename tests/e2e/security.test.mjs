// The window's defences, read from the files that set them: no markup built from
// strings in the UI, no links made of data, a CSP without inline or remote code, and
// capabilities that grant only the app's own commands. (The e2e hostile-content test
// checks the same in the running window with real payloads.)
// Runs with the e2e tests (`make e2e`) but needs no window.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const UI = join(ROOT, 'ui', 'src');
const SHELL = join(ROOT, 'src-tauri');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const sources = files(UI).filter(
  (path) => /\.(svelte|ts)$/.test(path) && !/\.test\.ts$/.test(path),
);

describe('the UI', () => {
  it('never turns strings into markup or code', () => {
    assert.ok(sources.length > 20);
    const banned = [/\{@html/, /innerHTML/, /outerHTML/, /insertAdjacentHTML/, /document\.write/, /\beval\(/, /new Function\(/];
    const found = sources.flatMap((path) => {
      const text = readFileSync(path, 'utf8');
      return banned.filter((pattern) => pattern.test(text)).map((pattern) => `${path}: ${pattern}`);
    });
    assert.deepEqual(found, []);
  });

  it('makes no links (a URL in a log line is text, never opened in the window)', () => {
    const found = sources.filter((path) => /\bhref\s*=|<a[\s>]|window\.open\(|location\s*=/.test(readFileSync(path, 'utf8')));
    assert.deepEqual(found, []);
  });
});

describe('the shell', () => {
  const conf = JSON.parse(readFileSync(join(SHELL, 'tauri.conf.json'), 'utf8'));

  it('has a CSP without inline, eval or remote sources', () => {
    const csp = conf.app.security.csp;
    const directives = new Map(
      csp.split(';').map((part) => {
        const [name, ...values] = part.trim().split(/\s+/);
        return [name, values];
      }),
    );
    assert.deepEqual(directives.get('default-src'), ["'self'"]);
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.deepEqual(directives.get('base-uri'), ["'none'"]);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*|https?:\/\/(?!ipc\.localhost)/);
    assert.equal(conf.app.security.dangerousDisableAssetCspModification, undefined);
  });

  it('grants the window only the app’s own commands and event listening', () => {
    const capability = JSON.parse(readFileSync(join(SHELL, 'capabilities/main.json'), 'utf8'));
    // The one list of commands, from which the handler and the permissions are made.
    const list = readFileSync(join(SHELL, 'src/command_list.rs'), 'utf8');
    // Any module of the shell (`search::`, `services::`, …) may hold commands.
    const listed = [...list.matchAll(/^\s+[a-z_]+::([a-z_]+)\(/gm)].map((match) => match[1]);
    assert.ok(listed.length > 10);
    const build = readFileSync(join(SHELL, 'build.rs'), 'utf8');
    assert.match(build, /const COMMANDS: &\[&str\] = command_list!\(command_names\);/);
    assert.match(build, /\.commands\(COMMANDS\)/);
    const main = readFileSync(join(SHELL, 'src/main.rs'), 'utf8');
    // The handler made from the list, wrapped only to note when commands arrive (timings.rs).
    assert.match(main, /\.invoke_handler\(timings::received\(command_list!\(handler\)\)\)/);
    assert.doesNotMatch(main, /generate_handler!\[\s*[a-z_]+::/);
    for (const command of listed) {
      assert.ok(capability.permissions.includes(`allow-${command.replaceAll('_', '-')}`), `${command} is granted`);
    }
    const allowed = new Set([
      ...listed.map((command) => `allow-${command.replaceAll('_', '-')}`),
      'core:event:allow-listen',
      'core:event:allow-unlisten',
    ]);
    assert.deepEqual(capability.permissions.filter((permission) => !allowed.has(permission)), []);
    assert.deepEqual(capability.windows, ['main']);
    assert.equal(capability.remote, undefined);
  });
});
