// Before a session starts, the CLI says when the real Claude Code shows no login here, or when its
// API does not answer — instead of an agent that retries silently until its time limit.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliProject } from '../support/cli-project.js';
import { listenLocal } from '../support/local-server.js';

const BLOCKED = {
  phase: 'init',
  signal: { status: 'blocked', reason: 'looked around', needs: 'x' },
};

/** A port on 127.0.0.1 that nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

function asRealClaude(p: ReturnType<typeof cliProject>) {
  // The scripted agent under the real CLI's name: the checks know how `claude` logs in.
  const bin = join(p.root, 'bin');
  mkdirSync(bin);
  symlinkSync(resolve('test/fixtures/scripted-agent.mjs'), join(bin, 'claude'));
  p.env.CLAUDE_PATH = join(bin, 'claude');
}

describe('the agent checked before a session starts', () => {
  it('warns of a missing login and an API that does not answer, then runs', async () => {
    const p = cliProject([BLOCKED]);
    asRealClaude(p);
    const port = await closedPort();
    Object.assign(p.env, { ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` });
    const run = await p.cli('run', '--task', 'Look around');
    expect(run.stderr).toContain(
      'samocode: warning: the claude agent shows no login here (none of ANTHROPIC_API_KEY',
    );
    expect(run.stderr).toContain(
      `samocode: warning: the claude agent's API at http://127.0.0.1:${port} cannot be reached (ECONNREFUSED)`,
    );
    expect(run.stdout).toContain('Blocked: looked around');
  });

  it('says nothing when a key is set and the API answers', async () => {
    const api = await listenLocal((_req, res) => {
      res.writeHead(404).end();
      return Promise.resolve();
    });
    try {
      const p = cliProject([BLOCKED]);
      asRealClaude(p);
      Object.assign(p.env, { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: api.url });
      const run = await p.cli('run', '--task', 'Look around');
      expect(run.stderr).not.toContain('warning: the claude agent');
      expect(run.stdout).toContain('Blocked: looked around');
    } finally {
      await api.close();
    }
  });

  it('finds a login Claude Code keeps in its credentials file', async () => {
    const p = cliProject([BLOCKED]);
    asRealClaude(p);
    mkdirSync(join(p.env.HOME, '.claude'), { recursive: true });
    writeFileSync(join(p.env.HOME, '.claude', '.credentials.json'), '{}');
    Object.assign(p.env, { HTTPS_PROXY: 'http://127.0.0.1:9' });
    const run = await p.cli('run', '--task', 'Look around');
    expect(run.stderr).not.toContain('warning: the claude agent');
  });
});
