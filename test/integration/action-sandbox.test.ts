// Containment, through the bundled action as the runner runs it: a hostile agent hunts for every
// credential of the job — its environment, all of /proc, .git/config, HOME, the runner's temp with
// its file-command files, the key that signs the commits, every readable file of the workspace and
// of the test's folders — and finds none in the sandbox. The same hunt with `sandbox: false` finds them all, so the hunt is real.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRig } from '../support/action-rig.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { sh, tempDir } from '../support/temp.js';

const marker = `hunt${randomBytes(4).toString('hex')}`;
const token = (name: string) => `${marker}${name}${randomBytes(12).toString('hex')}`;
const secrets = {
  'github-token': token('gh'),
  'push-token': token('push'),
  'webhook-url': `http://127.0.0.1:9/${token('hook')}`,
  ACTIONS_RUNTIME_TOKEN: token('runtime'),
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: token('oidc'),
  ACTIONS_CACHE_URL: `http://127.0.0.1:9/${token('cache')}/`,
  'GITHUB_ENV file': token('envfile'),
  '~/.git-credentials': token('cred'),
  // The comment inside the private key the action signs commits with.
  'signing-key': token('sign'),
};
/** An SSH key whose private part holds the signing-key marker (its comment). */
const signingKey = (() => {
  const file = join(tempDir('samocode-hunt-key-'), 'key');
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    secrets['signing-key'],
    '-f',
    file,
  ]);
  return readFileSync(file, 'utf8');
})();
const valueOf = (name: keyof typeof secrets) => {
  const value = secrets[name];
  return /\/(hunt[0-9a-f]+\w+)\/?$/.exec(value)?.[1] ?? value;
};
const names = Object.keys(secrets) as Array<keyof typeof secrets>;
const byHash = new Map(
  names.map((name) => [createHash('sha256').update(valueOf(name)).digest('hex'), name]),
);
const LOGIN = '{"claudeAiOauth":"the agent\'s own login"}';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub({ token: secrets['github-token'] });
});
afterAll(async () => {
  await fake.close();
});

interface Hunt {
  found: Array<{ where: string; hash: string }>;
  files: number;
  pids: number;
  commands: string[];
  writes: Record<string, boolean>;
  login: string | null;
}

async function hunt(inputs: Record<string, string>): Promise<Hunt & { stdout: string }> {
  const env: Record<string, string> = {
    ACTIONS_RUNTIME_TOKEN: secrets.ACTIONS_RUNTIME_TOKEN,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: secrets.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    ACTIONS_CACHE_URL: secrets.ACTIONS_CACHE_URL,
    HUNT_MARKER: marker,
  };
  const rig = actionRig(fake, {
    env,
    prepare({ dir, workspace, home }) {
      // actions/checkout with persist-credentials: true
      const basic = Buffer.from(`x-access-token:${secrets['github-token']}`).toString('base64');
      sh(workspace, 'git', [
        'config',
        'http.https://github.example/.extraheader',
        `AUTHORIZATION: basic ${basic}`,
      ]);
      // an earlier step's `echo "KEY=$SECRET" >> $GITHUB_ENV`, and the runner user's credentials
      writeFileSync(join(dir, 'set_env_0001'), `DEPLOY_KEY=${secrets['GITHUB_ENV file']}\n`);
      mkdirSync(join(home, '.claude'), { recursive: true });
      writeFileSync(
        join(home, '.git-credentials'),
        `https://x:${secrets['~/.git-credentials']}@github.example\n`,
      );
      writeFileSync(join(home, '.claude', '.credentials.json'), LOGIN);
    },
  });
  // Where it looks: the test's whole folder — HOME, the runner's temp of each run (with the
  // file-command files and the event), the workspace, the origin repository.
  env.HUNT_ROOTS = JSON.stringify([rig.root]);
  rig.setScenario([]);
  rig.openIssue(7, 'Hunt', 'find the tokens');
  const run = await rig.run('issues', rig.labeled(7, 'samocode', { login: 'octo' }), {
    agent: 'command',
    'agent-command': `node ${resolve('test/fixtures/hunter.mjs')} {prompt}`,
    'push-token': secrets['push-token'],
    'webhook-url': secrets['webhook-url'],
    'signing-key': signingKey,
    ...inputs,
  });
  expect(run.outputs.status, run.stdout + run.stderr).toBe('blocked');
  const report = JSON.parse(
    rig.show(run.outputs.branch ?? '', `_sessions/${run.outputs.session ?? ''}/hunt.json`),
  ) as Hunt;
  return { ...report, stdout: run.stdout };
}

const foundNames = (report: Hunt) =>
  [...new Set(report.found.flatMap((f) => byHash.get(f.hash) ?? []))].sort();

describe('the agent sandbox', () => {
  it('hides every credential of the job from a hostile agent, and gives it its own login read-only', async () => {
    const report = await hunt({});
    expect(report.stdout).toContain('Agents run in a sandbox');
    expect(report.files).toBeGreaterThan(10); // it did read the workspace
    expect(foundNames(report)).toEqual([]);
    expect(report.found).toEqual([]);
    // Its own PID namespace: none of the runner's processes, the action's above all.
    expect(report.commands.join('\n')).not.toContain('dist/index.js');
    expect(report.pids).toBeLessThan(6);
    expect(report.writes).toEqual({
      home: true,
      tmp: true,
      workspace: true,
      gitHooks: false,
      gitConfig: false,
      login: false,
    });
    expect(report.login).toBe(LOGIN);
  });

  it('finds them all with sandbox: false (the hunt is real), and warns that it is off', async () => {
    const report = await hunt({ sandbox: 'false' });
    expect(report.stdout).toContain('sandbox: false — the agent runs without a sandbox');
    expect(foundNames(report)).toEqual([...names].sort());
    expect(report.commands.join('\n')).toContain('dist/index.js');
    expect(report.writes.gitHooks).toBe(true);
  });
});
