// The sandbox itself, with real bubblewrap: the network reaches only allowed-domains (two servers on
// 127.0.0.1 stand in for an allowed and a forbidden host), a refusal is fast and explained in the
// agent's log, a missing program is reported as such, and the process tree ends with the agent.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandAgent } from '../../src/adapters/command-agent.js';
import { createSandbox, probeSandbox, sandboxEnv } from '../../src/adapters/sandbox.js';
import type { Egress } from '../../src/core/egress.js';
import { listenLocal } from '../support/local-server.js';
import type { LocalServer } from '../support/local-server.js';
import { tempDir } from '../support/temp.js';

let allowed: LocalServer;
let other: LocalServer;
const hits: string[] = [];
beforeAll(async () => {
  const answer = (name: string) =>
    listenLocal(async (req, res) => {
      hits.push(`${name} ${req.url ?? ''}`);
      res.end(`${name} says hello`);
    });
  allowed = await answer('allowed');
  other = await answer('other');
});
afterAll(async () => {
  await allowed.close();
  await other.close();
});

const portOf = (server: LocalServer) => Number(new URL(server.url).port);

function setup(egress: Egress) {
  const root = tempDir('samocode-sandbox-');
  const work = join(root, 'work');
  const session = join(root, 'session');
  mkdirSync(join(work, '.git'), { recursive: true });
  writeFileSync(join(work, '.git', 'config'), '[core]\n\tbare = false\n');
  mkdirSync(session);
  const launcher = createSandbox({
    bwrap: 'bwrap',
    homeDir: join(root, 'private', 'home'),
    tmpDir: join(root, 'private', 'tmp'),
    stateDir: join(root, 'private', 'state'),
    hide: [],
    writable: [],
    // The probe script: the sandbox hides /tmp, where a clone of this repository may live.
    readable: [resolve('test/fixtures')],
    secrets: [],
    egress,
    egressSetting: 'allowed-domains',
    nodePath: process.execPath,
  });
  const logFile = join(session, '_logs', 'one.jsonl');
  const run = async (template: string) => {
    const activities: string[] = [];
    const result = await commandAgent({
      template,
      baseEnv: { PATH: process.env.PATH ?? '' },
      launcher,
    }).run({
      prompt: 'probe',
      context: 'c',
      cwd: work,
      env: { SAMOCODE_SESSION_DIR: session },
      timeoutMs: 30_000,
      logFile,
      onActivity: (a) => activities.push(a),
    });
    return { result, activities, log: existsSync(logFile) ? readFileSync(logFile, 'utf8') : '' };
  };
  return { root, run };
}

const probe = `node ${resolve('test/fixtures/egress-probe.mjs')}`;

describe('the sandbox network', () => {
  it('is available on this machine (CI installs bubblewrap)', async () => {
    expect(await probeSandbox(process.env)).toMatchObject({ ok: true });
  });

  it('reaches an allowed host through its proxy and nothing else, and says why in the log', async () => {
    const t = setup({ kind: 'list', hosts: [`127.0.0.1:${portOf(allowed)}`] });
    hits.length = 0;
    const { result, activities, log } = await t.run(
      `${probe} ${portOf(allowed)} ${portOf(other)} {prompt}`,
    );
    expect(result).toMatchObject({ ok: true });
    const seen = JSON.parse(log.split('\n').find((l) => l.includes('"allowed"')) ?? '{}');
    expect(seen.proxy).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(seen.allowed).toEqual({ status: 200, body: 'allowed says hello' });
    expect(seen.tunnelAllowed).toEqual({ status: 200, body: 'allowed says hello' });
    expect(seen.other.status).toBe(403);
    expect(seen.other.body).toBe(
      `samocode sandbox: 127.0.0.1:${portOf(other)} is not in allowed-domains; the agent may reach only the hosts listed there (add "127.0.0.1" to it, or "*" for no restriction)`,
    );
    expect(seen.tunnelOther).toEqual({ status: 403 });
    // Straight past the proxy: the sandbox's own loopback has nothing, and says so at once.
    expect(seen.directOther.error).toBe('ECONNREFUSED');
    expect(hits.sort()).toEqual(['allowed /hello', 'allowed /tunnelled']);
    const refusals = log
      .split('\n')
      .filter((l) => l.includes('"samocode_sandbox"'))
      .map((l) => JSON.parse(l));
    expect(refusals).toHaveLength(2);
    expect(refusals[0]).toMatchObject({ subtype: 'egress_refused', port: portOf(other) });
    expect(activities).toContain(`refused: 127.0.0.1:${portOf(other)} is not in allowed-domains`);
  });

  it('shares the machine network when allowed-domains is "*"', async () => {
    const t = setup({ kind: 'any' });
    const { log } = await t.run(`${probe} ${portOf(allowed)} ${portOf(other)} {prompt}`);
    const seen = JSON.parse(log.split('\n').find((l) => l.includes('"directOther"')) ?? '{}');
    expect(seen.proxy).toBeNull();
    expect(seen.directOther).toEqual({ connected: true });
  });
});

describe('the sandbox process', () => {
  it('reports a program that does not exist without starting bubblewrap', async () => {
    const t = setup({ kind: 'any' });
    const { result } = await t.run('/no/such/agent {prompt}');
    expect(result).toMatchObject({ ok: false, failure: { kind: 'other' } });
    if (!result.ok)
      expect(result.message).toBe(
        'the agent program "/no/such/agent" was not found: install it or fix SAMOCODE_AGENT_COMMAND',
      );
  });

  it('passes an exit code through, and sees its own processes only', async () => {
    const t = setup({ kind: 'list', hosts: [] });
    const { result, log } = await t.run(`sh -c "ls /proc | grep -c '^[0-9]' ; exit 3" {prompt}`);
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) expect(result.message).toMatch(/exited with code 3/);
    // bubblewrap's init, the relay, the shell and ls: never the test's own processes.
    expect(Number(log.trim())).toBeLessThanOrEqual(5);
  });

  it('never hands the agent a secret value, whatever the variable is called', () => {
    const env = sandboxEnv(
      { A: 'plain', B: 'x-ghs_abcdefghijkl-y', HOME: '/root', SSH_AUTH_SOCK: '/tmp/agent' },
      { secrets: ['ghs_abcdefghijkl', 'short'], homeDir: '/p/home', tmpDir: '/p/tmp' },
    );
    expect(env).toEqual({
      A: 'plain',
      HOME: '/p/home',
      TMPDIR: '/p/tmp',
      TMP: '/p/tmp',
      TEMP: '/p/tmp',
    });
  });
});
