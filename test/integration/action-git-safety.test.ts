// What leaves the runner, through the bundled action as the runner runs it: no commit holding a
// secret (raw or encoded, the agent's own commits included) and no change to CI definitions unless
// allowed is ever pushed — not after an iteration, not at the end of the run, not by the post step
// after a killed run — and the session blocks, saying which commit, file and secret (never the
// value). And the action's own git needs no credentials in the checkout: over HTTP, with nothing in
// .git/config, a session starts and pushes with the token the action hands its git processes, and
// no file of the workspace ever holds it.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRig } from '../support/action-rig.js';
import type { ActionResult } from '../support/action-rig.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { startGitHttp } from '../support/git-http.js';
import { sh } from '../support/temp.js';
import { until } from '../support/wait.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
});

const owner = { login: 'octo' };
const next = (phase: string) => ({ status: 'continue', phase });

/** The branches of origin, as `git ls-remote --heads` prints them. */
function originHeads(rig: ReturnType<typeof actionRig>): string {
  return sh(rig.root, 'git', ['ls-remote', '--heads', rig.origin]);
}

function statusComment(issue: number): string {
  return (
    fake.state.comments.find(
      (c) => c.issue === issue && c.body.startsWith('<!-- samocode:status -->'),
    )?.body ?? ''
  );
}

/** The commit of the workspace's local `branch` whose subject starts with `subject`. */
function commitOf(run: ActionResult, branch: string, subject: string): string {
  const line = sh(run.workspace, 'git', ['log', '--format=%H %s', branch])
    .split('\n')
    .find((l) => l.slice(41).startsWith(subject));
  if (!line) throw new Error(`no commit "${subject}" on ${branch}`);
  return line.slice(0, 40);
}

/** Lines of the action's output that hold `value`: only the command that tells the runner to mask it. */
function linesWith(text: string, value: string): string[] {
  return text.split('\n').filter((line) => line.includes(value));
}

/** Every file under `dir` (.git included) whose bytes contain one of `values`. */
function filesHolding(dir: string, values: string[]): string[] {
  const found: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const bytes = readFileSync(path);
        if (values.some((v) => bytes.includes(v))) found.push(path);
      }
    }
  };
  walk(dir);
  return found;
}

// An agent that commits by itself runs outside the sandbox (inside, .git is read-only to it): the
// check before every push is what stands between its commits and origin.
const UNSANDBOXED = { inputs: { sandbox: 'false' } };

describe('a commit holding a secret', () => {
  it('made by the agent itself is never pushed: the session blocks and says where, not what', async () => {
    const rig = actionRig(fake, UNSANDBOXED);
    rig.setScenario([
      {
        phase: 'init',
        gitCommit: {
          message: 'agent: add config',
          files: { 'config.txt': `token=${fake.token}\n` },
          waitForOrigin: true,
        },
        signal: next('investigation'),
      },
    ]);
    rig.openIssue(91, 'Agent commits a token', 'x');
    const run = await rig.run('issues', rig.labeled(91, 'samocode', owner));
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('blocked');
    const branch = run.outputs.branch ?? '';

    // Origin has what it had when the agent committed (the session's start), nothing more.
    const seen = readFileSync(`${rig.scenario}.origin-heads`, 'utf8').trim();
    expect(seen).toContain(`refs/heads/${branch}`);
    expect(originHeads(rig)).toBe(seen);
    expect(rig.log(branch)).toEqual([expect.stringContaining('start session for #91')]);

    // The status comment and the issue's label say blocked, naming commit, file and secret.
    const agentCommit = commitOf(run, branch, 'agent: add config');
    const status = statusComment(91);
    expect(status).toContain(
      `Blocked: could not save the iteration: refusing to push ${branch}: commit ${agentCommit.slice(0, 12)} puts the value of github-token in config.txt`,
    );
    expect(status).toContain('Nothing was pushed');
    expect(status).not.toContain(fake.token);
    expect([...(fake.state.issues.get(91)?.labels ?? [])]).toContain('samocode:blocked');

    // The end of the run and the cleanup tried again, and were refused again.
    expect(run.stdout).toContain(
      'could not save the GitHub state of the session: refusing to push',
    );
    expect(run.stdout).toContain(`kept the local branch ${branch} at`);
    expect(linesWith(run.stdout, fake.token)).toEqual([`::add-mask::${fake.token}`]);
    expect(run.stderr).not.toContain(fake.token);

    // The post step after a run that cleaned up is a no-op, and pushes nothing either.
    const post = await run.post();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toBe('');
    expect(originHeads(rig)).toBe(seen);
  });

  it('is not pushed by the post step after a killed run either', async () => {
    const rig = actionRig(fake, UNSANDBOXED);
    const mark = join(rig.root, 'agent-started');
    rig.setScenario([
      {
        phase: 'init',
        markFile: mark,
        gitCommit: {
          message: 'agent: add config',
          files: { 'config.txt': `token=${fake.token}\n` },
          waitForOrigin: true,
        },
        hangMs: 120_000,
      },
    ]);
    rig.openIssue(92, 'Killed after committing a token', 'x');
    const workspace = join(rig.root, 'run-1', 'workspace');
    const committed = () =>
      existsSync(mark) &&
      sh(workspace, 'git', ['log', '-1', '--format=%s']).startsWith('agent: add config');
    const killed = await rig.run('issues', rig.labeled(92, 'samocode', owner), {}, (child) => {
      void until(committed, "the agent's commit").then(() => child.kill('SIGKILL'));
    });
    expect(killed.exitCode).not.toBe(0);
    const seen = readFileSync(`${rig.scenario}.origin-heads`, 'utf8').trim();
    const branch = rig.branches().find((b) => b.startsWith('samocode/92-')) ?? '';
    expect(originHeads(rig)).toBe(seen);
    const agentCommit = commitOf(killed, branch, 'agent: add config');

    // Without the check the post step would push this unpushed session commit (clean-runner tests).
    const post = await killed.post();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain(
      `kept the local branch ${branch} at ${agentCommit} without pushing it: refusing to push ${branch}: ` +
        `commit ${agentCommit.slice(0, 12)} puts the value of github-token in config.txt`,
    );
    expect(`${post.stdout}${post.stderr}`).not.toContain(fake.token);
    expect(originHeads(rig)).toBe(seen);
    expect(rig.log(branch)).toEqual([expect.stringContaining('start session for #92')]);
  });

  it('is refused in its base64 form too, inside a longer base64 text', async () => {
    const rig = actionRig(fake, { ...UNSANDBOXED, env: { DEPLOY_KEY: 'dk-0123456789-secret' } });
    // "user:" is 5 bytes: the token starts 2 bytes into a 3-byte group of the encoding.
    const basic = Buffer.from(`user:${fake.token}`).toString('base64');
    expect(basic).not.toContain(Buffer.from(fake.token).toString('base64').slice(0, 8));
    rig.setScenario([
      {
        phase: 'init',
        gitCommit: {
          message: 'agent: client',
          files: { 'src/client.ts': `const auth = 'Basic ${basic}';\n` },
          waitForOrigin: true,
        },
        signal: next('investigation'),
      },
    ]);
    rig.openIssue(93, 'Agent commits an encoded token', 'x');
    const run = await rig.run('issues', rig.labeled(93, 'samocode', owner), {
      'secret-env': 'DEPLOY_KEY',
    });
    expect(run.outputs.status).toBe('blocked');
    const branch = run.outputs.branch ?? '';
    const seen = readFileSync(`${rig.scenario}.origin-heads`, 'utf8').trim();
    expect(originHeads(rig)).toBe(seen);
    const agentCommit = commitOf(run, branch, 'agent: client');
    const status = statusComment(93);
    expect(status).toContain(
      `commit ${agentCommit.slice(0, 12)} puts the value of github-token (base64) in src/client.ts`,
    );
    expect(status).not.toContain(fake.token);
    expect(status).not.toContain(basic);
  });

  it('is refused when a secret-env variable is in the commit message, hex-encoded', async () => {
    const key = 'dk-0123456789-secret';
    const rig = actionRig(fake, { ...UNSANDBOXED, env: { DEPLOY_KEY: key } });
    rig.setScenario([
      {
        phase: 'init',
        work: { 'notes.md': 'nothing secret here\n' },
        gitCommit: { message: `agent: notes ${Buffer.from(key).toString('hex')}` },
        signal: next('investigation'),
      },
    ]);
    rig.openIssue(94, 'Secret in a message', 'x');
    const run = await rig.run('issues', rig.labeled(94, 'samocode', owner), {
      'secret-env': 'DEPLOY_KEY',
    });
    expect(run.outputs.status).toBe('blocked');
    const agentCommit = commitOf(run, run.outputs.branch ?? '', 'agent: notes');
    expect(statusComment(94)).toContain(
      `commit ${agentCommit.slice(0, 12)} puts the value of DEPLOY_KEY (hex) in its commit message`,
    );
    expect(rig.log(run.outputs.branch ?? '')).toEqual([
      expect.stringContaining('start session for #94'),
    ]);
  });
});

describe('a commit changing CI definitions', () => {
  const scenario = [
    {
      phase: 'init',
      work: { '.github/workflows/x.yml': 'on: push\njobs: {}\n' },
      signal: next('investigation'),
    },
    {
      phase: 'investigation',
      signal: { status: 'blocked', reason: 'stop here' },
    },
  ];

  it('is refused unless allow-workflow-changes is true, and then pushed', async () => {
    const rig = actionRig(fake);
    rig.setScenario(scenario);
    rig.openIssue(95, 'Agent adds a workflow', 'x');
    const refused = await rig.run('issues', rig.labeled(95, 'samocode', owner), {
      'push-token': 'ghp_pushtoken0123',
    });
    expect(refused.outputs.status).toBe('blocked');
    const branch = refused.outputs.branch ?? '';
    const iteration = commitOf(refused, branch, `samocode: ${refused.outputs.session ?? ''} #1`);
    expect(statusComment(95)).toContain(
      `refusing to push ${branch}: commit ${iteration.slice(0, 12)} adds .github/workflows/x.yml; ` +
        'CI definitions (.github/workflows, .github/actions) change only with the input allow-workflow-changes: true',
    );
    expect(rig.log(branch)).toEqual([expect.stringContaining('start session for #95')]);
    expect(() => rig.show(branch, '.github/workflows/x.yml')).toThrow();

    const allowed = actionRig(fake);
    allowed.setScenario(scenario);
    allowed.openIssue(96, 'Agent adds a workflow, allowed', 'x');
    const pushed = await allowed.run('issues', allowed.labeled(96, 'samocode', owner), {
      'allow-workflow-changes': 'true',
    });
    expect(pushed.outputs.status).toBe('blocked');
    expect(statusComment(96)).toContain('Blocked: stop here');
    expect(allowed.show(pushed.outputs.branch ?? '', '.github/workflows/x.yml')).toBe(
      'on: push\njobs: {}',
    );
  });
});

describe("the action's own git", () => {
  it('starts and pushes a session over HTTP with no credentials in the checkout, and stores none', async () => {
    const rig = actionRig(fake);
    const server = await startGitHttp(rig.root);
    try {
      rig.serveOrigin({ serverUrl: server.url, token: fake.token, persistCredentials: false });
      rig.setScenario([
        { phase: 'init', signal: next('investigation') },
        { phase: 'investigation', signal: next('requirements') },
        {
          phase: 'requirements',
          files: { '_qa.md': '## Q1: Go?\n- A) yes\n- B) no\n\nAnswer:\n' },
          signal: { status: 'waiting', for: 'qa_answers' },
        },
      ]);
      rig.openIssue(97, 'Over HTTP', 'x');
      server.requests.length = 0;
      const run = await rig.run('issues', rig.labeled(97, 'samocode', owner));
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.outputs).toMatchObject({ status: 'waiting', phase: 'requirements' });
      const branch = run.outputs.branch ?? '';
      expect(rig.log(branch).length).toBeGreaterThanOrEqual(4);
      expect(rig.show(branch, `_sessions/${run.outputs.session ?? ''}/_qa.md`)).toContain('Q1');

      // Every request of the action's git (ls-remote, fetch, the lock's and the session's pushes)
      // carried the job's token, though the checkout keeps none.
      const services = server.requests.map((r) => r.service);
      expect(services).toContain('git-receive-pack');
      expect(services).toContain('git-upload-pack');
      expect(server.requests.filter((r) => r.token !== fake.token)).toEqual([]);
      expect(run.stdout).not.toContain('The checkout keeps a git credential');

      // No file of the workspace, .git included, holds the token or its header.
      const header = Buffer.from(`x-access-token:${fake.token}`).toString('base64');
      expect(filesHolding(run.workspace, [fake.token, header])).toEqual([]);
      expect(sh(run.workspace, 'git', ['config', '--local', '--list'])).not.toContain(
        'extraheader',
      );

      // A checkout that keeps its token (persist-credentials: true) still works, with a warning.
      rig.serveOrigin({ serverUrl: server.url, token: fake.token, persistCredentials: true });
      const kept = await rig.run('issue_comment', rig.comment(97, 'Q1: A', owner));
      expect(kept.stdout).toContain(
        '::warning::The checkout keeps a git credential (actions/checkout persists one unless told not to)',
      );
      expect(kept.stdout).toContain('Set `persist-credentials: false` on actions/checkout');
      expect(linesWith(kept.stdout, fake.token)).toEqual([`::add-mask::${fake.token}`]);
    } finally {
      await server.close();
    }
  });
});
