// Clean runners: self-hosted runners are reused, so a run must leave the workspace as the runner
// handed it over — after a normal run (the action's own `finally`), and after a run killed half-way
// (the post step, run exactly as the runner runs it: `node dist/post.js` with the STATE_ variables
// the main step saved in GITHUB_STATE). The agent misbehaves as real ones do: it sets a credential
// helper and an identity, adds a worktree, a hook, an ignored file and a commit of its own.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRig, parseOutputs } from '../support/action-rig.js';
import { processesMentioning } from '../support/claude-cli.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { gitEnv, repoWithOrigin, sh, tempDir } from '../support/temp.js';
import { guardWorkspace } from '../../src/adapters/workspace-guard.js';
import { until } from '../support/wait.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
});

const person = { login: 'octo' };
const QA = '## Q1: Go?\n- A) yes\n- B) no\n\nAnswer:\n';
const normal = [
  { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
  { phase: 'investigation', signal: { status: 'continue', phase: 'requirements' } },
  {
    phase: 'requirements',
    files: { '_qa.md': QA },
    signal: { status: 'waiting', for: 'qa_answers' },
  },
];

/** Every file under `dir` (outside .git) with a hash of its bytes, sorted. */
function filesUnder(dir: string, skip: (path: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (skip(path)) continue;
      if (entry.isDirectory()) walk(path);
      else {
        const hash = entry.isFile()
          ? createHash('sha1').update(readFileSync(path)).digest('hex').slice(0, 12)
          : 'link';
        out.push(`${relative(dir, path)} ${hash}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** Everything about a checkout that a later job on the runner could notice. */
function workspaceState(ws: string): Record<string, string | string[]> {
  const git = (...args: string[]) => sh(ws, 'git', args).replaceAll(ws, '<workspace>');
  const gitDir = join(ws, '.git');
  return {
    head: readFileSync(join(gitDir, 'HEAD'), 'utf8'),
    headCommit: git('rev-parse', 'HEAD'),
    status: git('status', '--porcelain', '--ignored', '--untracked-files=all'),
    configList: git('config', '--local', '--list'),
    configBytes: readFileSync(join(gitDir, 'config'), 'base64'),
    infoExclude: readFileSync(join(gitDir, 'info', 'exclude'), 'utf8'),
    worktrees: git('worktree', 'list', '--porcelain'),
    branches: git('branch', '--all', '--verbose', '--no-abbrev'),
    refs: git('for-each-ref', '--format=%(refname) %(objectname)'),
    stash: git('stash', 'list'),
    hooks: filesUnder(join(gitDir, 'hooks')),
    files: filesUnder(ws, (path) => path === gitDir),
  };
}

/** The runner's temp folder, minus the workspace that lives in it in this rig. */
function tempEntries(runDir: string): string[] {
  return readdirSync(runDir)
    .filter((name) => name !== 'workspace')
    .sort();
}

/**
 * A rig whose "node" first copies the workspace exactly as the runner hands it to the action (the
 * snapshot "before"), and whose agent leaves things behind before doing its scripted step.
 */
function cleanRig() {
  const tools = tempDir('samocode-clean-');
  const before = join(tools, 'before');
  const state = join(tools, 'github-state');
  writeFileSync(state, '');
  // Node, not sh: sh drops the INPUT_* variables whose names hold a hyphen. The action is loaded in
  // this same process, so killing it kills the action.
  const node = join(tools, 'node.mjs');
  writeFileSync(
    node,
    `#!${process.execPath}
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
const { GITHUB_WORKSPACE, RUNNER_TEMP } = process.env;
const to = join(${JSON.stringify(before)}, basename(RUNNER_TEMP));
mkdirSync(to, { recursive: true });
execFileSync('cp', ['-a', GITHUB_WORKSPACE, join(to, 'workspace')]);
writeFileSync(join(to, 'temp.txt'), readdirSync(RUNNER_TEMP).join('\\n'));
await import(pathToFileURL(process.argv[2]).href);
`,
  );
  const agent = join(tools, 'agent');
  writeFileSync(
    agent,
    `#!/bin/sh
# What agents do to a checkout: identity, credential helper, a worktree, a hook, an ignored file,
# a temp file, a commit of their own. Repeated calls may fail: they are best effort.
printf '%s\\n' "$TMPDIR" >> "$SCRIPTED_AGENT_SCENARIO.tmpdirs"
git config credential.helper store
git config user.name x
git worktree add -q -b agent-scratch "$RUNNER_TEMP/agent-wt" >/dev/null 2>&1 || true
printf '#!/bin/sh\\nexit 0\\n' > .git/hooks/post-commit && chmod +x .git/hooks/post-commit
echo '.env' >> .git/info/exclude && echo 'TOKEN=x' > .env
echo scratch > "$TMPDIR/agent-scratch.txt"
# Once the session's first push is over, so that this commit is the agent's alone and unpushed.
b=$(git symbolic-ref --short HEAD); i=0
while [ -z "$(git ls-remote origin "refs/heads/$b")" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
echo wip > wip.txt && git add wip.txt && git -c user.email=x@example.com commit -q -m 'agent: wip' || true
exec "${process.execPath}" "${resolve('test/fixtures/scripted-agent.mjs')}" "$@"
`,
  );
  chmodSync(node, 0o755);
  chmodSync(agent, 0o755);
  const rig = actionRig(fake, {
    node,
    // Outside the sandbox: inside it, the agent could do none of this (action-sandbox.test.ts).
    inputs: { 'claude-path': agent, sandbox: 'false' },
    env: { GITHUB_STATE: state },
  });
  return {
    rig,
    runDir: (n: number) => join(rig.root, `run-${n}`),
    /** The workspace and temp folder of run `n` as they were when the action started. */
    before: (n: number) => ({
      state: workspaceState(join(before, `run-${n}`, 'workspace')),
      temp: readFileSync(join(before, `run-${n}`, 'temp.txt'), 'utf8')
        .split('\n')
        .filter(Boolean),
    }),
    tmpdirs: () => readFileSync(`${rig.scenario}.tmpdirs`, 'utf8').split('\n').filter(Boolean),
    /** The post step as the runner runs it: the main step's saved state as STATE_ variables. */
    post: async (n: number) => {
      const saved = parseOutputs(readFileSync(state, 'utf8'));
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        HOME: join(rig.root, 'home'),
        GIT_CONFIG_NOSYSTEM: gitEnv.GIT_CONFIG_NOSYSTEM,
        GIT_CONFIG_GLOBAL: gitEnv.GIT_CONFIG_GLOBAL,
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: join(rig.root, `run-${n}`, 'workspace'),
        RUNNER_TEMP: join(rig.root, `run-${n}`),
      };
      for (const [name, value] of Object.entries(saved)) env[`STATE_${name}`] = value;
      const started = Date.now();
      const result = await execa(process.execPath, [resolve('dist/post.js')], {
        cwd: env.GITHUB_WORKSPACE,
        env,
        extendEnv: false,
        reject: false,
      });
      return { ...result, ms: Date.now() - started, saved };
    },
  };
}

describe('the runner workspace after a run', () => {
  it('is as it was after a run that ends at a gate, and the post step is then a no-op', async () => {
    const { rig, runDir, before, tmpdirs, post } = cleanRig();
    rig.setScenario(normal);
    rig.openIssue(81, 'Clean run', 'x');
    const run = await rig.run('issues', rig.labeled(81, 'samocode', person));
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'waiting', phase: 'requirements' });
    // The one warning is the opt-out of the sandbox this rig makes.
    expect(run.stdout.match(/::warning::.*/g)).toEqual([
      expect.stringContaining('::warning::sandbox: false'),
    ]);

    const was = before(1);
    expect(workspaceState(run.workspace)).toEqual(was.state);
    // The runner's temp gained only the session summary the summary-file output names.
    const summary = run.outputs['summary-file'] ?? '';
    expect(dirname(summary)).toBe(runDir(1));
    expect(tempEntries(runDir(1))).toEqual(
      [...was.temp.filter((n) => n !== 'workspace'), basename(summary)].sort(),
    );
    // The agent's temp folder was the action's private one, and it is gone.
    expect(tmpdirs().length).toBeGreaterThan(0);
    for (const dir of tmpdirs()) {
      expect(dir.startsWith(`${runDir(1)}/samocode-`)).toBe(true);
      expect(existsSync(dir)).toBe(false);
    }
    // The work is on origin's session branch.
    const branch = run.outputs.branch ?? '';
    expect(rig.show(branch, `_sessions/${run.outputs.session ?? ''}/_qa.md`)).toBe(QA.trimEnd());
    expect(rig.show(branch, 'wip.txt')).toBe('wip');
    expect(rig.log(branch)).toContain('agent: wip');

    // (c) The post step after a clean run: state saved, nothing to do, exit 0, nothing said.
    const cleaned = await post(1);
    expect(Object.keys(cleaned.saved)).toContain('workspaceGuard');
    expect(cleaned.exitCode).toBe(0);
    expect(cleaned.stdout).toBe('');
    expect(cleaned.stderr).toBe('');
    expect(cleaned.ms).toBeLessThan(2_000);
    expect(workspaceState(run.workspace)).toEqual(was.state);
  });

  it('is as it was after a run killed while the agent works, once the post step ran', async () => {
    const { rig, runDir, before, post } = cleanRig();
    const mark = join(rig.agentDir, 'agent-started');
    rig.setScenario([
      { phase: 'init', markFile: mark, hangMs: 120_000, work: { 'src/half.ts': 'half done\n' } },
      ...normal,
    ]);
    rig.openIssue(82, 'Killed run', 'x');
    const workspace = join(runDir(1), 'workspace');
    const killed = await rig.run('issues', rig.labeled(82, 'samocode', person), {}, (child) => {
      void until(
        () =>
          existsSync(join(workspace, 'src/half.ts')) &&
          rig.branches().some((b) => b.startsWith('samocode/82-')),
        'the agent at work and the session on origin',
      ).then(() => child.kill('SIGKILL'));
    });
    expect(killed.exitCode).not.toBe(0);
    const branch = rig.branches().find((b) => b.startsWith('samocode/82-')) ?? '';

    // The kill left a mess (so the test has teeth): the session branch checked out, the agent's
    // config, worktree and files, the private temp folder, and the agent still running.
    const was = before(1);
    const messy = workspaceState(workspace);
    expect(messy.head).toContain(`refs/heads/${branch}`);
    expect(messy.configList).toContain('credential.helper=store');
    expect(messy.configList).toContain('user.name=x');
    expect(messy.worktrees).toContain('agent-scratch');
    expect(tempEntries(runDir(1))).toContain('agent-wt');
    expect(tempEntries(runDir(1)).some((n) => n.startsWith('samocode-'))).toBe(true);
    expect(processesMentioning(rig.root).length).toBeGreaterThan(0);
    // The agent's own commit is only in the workspace so far.
    expect(rig.log(branch)).not.toContain('agent: wip');

    const cleaned = await post(1);
    console.log(`post step after the kill: ${cleaned.ms} ms`);
    expect(cleaned.exitCode).toBe(0);
    expect(cleaned.stderr).toBe('');
    expect(cleaned.stdout).not.toContain('::warning::');
    expect(cleaned.stdout).toContain(`pushed the unpushed commits of ${branch}`);
    expect(cleaned.stdout).toMatch(/stopped \d+ processes the run left running/);
    expect(processesMentioning(rig.root)).toEqual([]);

    expect(workspaceState(workspace)).toEqual(was.state);
    expect(tempEntries(runDir(1))).toEqual(was.temp.filter((n) => n !== 'workspace'));

    // Nothing the session saved is lost: the start and the agent's commit are on origin.
    const log = rig.log(branch);
    expect(log.some((line) => line.includes('start session for #82'))).toBe(true);
    expect(log).toContain('agent: wip');

    // The next run resumes the session, and cleans up after itself too.
    const again = await rig.run('repository_dispatch', rig.dispatch(82));
    expect(again.stderr).toBe('');
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({ status: 'waiting', phase: 'requirements', branch });
    expect(rig.show(branch, `_sessions/${again.outputs.session ?? ''}/_qa.md`)).toBe(QA.trimEnd());
    expect(rig.log(branch)).toContain('agent: wip');
    expect(workspaceState(again.workspace)).toEqual(before(2).state);
    expect(tempEntries(runDir(2))).toEqual(
      [
        ...before(2).temp.filter((n) => n !== 'workspace'),
        basename(again.outputs['summary-file'] ?? ''),
      ].sort(),
    );
    // A second post step (as if the runner ran it twice) changes nothing.
    expect((await post(1)).stdout).toBe('');
    expect(statSync(workspace).isDirectory()).toBe(true);
  });
});

describe('restoring a workspace: what must never be lost', () => {
  it('pushes or keeps unpushed branches, reapplies uncommitted changes, restores user git files', async () => {
    const root = tempDir();
    const { repo, origin } = repoWithOrigin(root);
    const home = join(root, 'home');
    mkdirSync(home);
    const globalConfig = join(home, '.gitconfig');
    writeFileSync(globalConfig, '[user]\n\tname = Runner\n');
    const saved = { HOME: process.env.HOME, GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL };
    Object.assign(process.env, { HOME: home, GIT_CONFIG_GLOBAL: globalConfig });
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', args, {
        cwd,
        encoding: 'utf8',
        env: { ...process.env, ...gitEnv, GIT_CONFIG_GLOBAL: globalConfig },
      }).trim();
    try {
      // Before the run: a local edit nobody committed.
      writeFileSync(join(repo, 'README.md'), '# project\nlocal edit\n');
      const status = git(repo, 'status', '--porcelain');
      const lines: string[] = [];
      const guard = guardWorkspace({
        workspace: repo,
        branchPrefix: 'samocode/',
        tempRoot: root,
        saveState: () => undefined,
        info: (line) => lines.push(`info: ${line}`),
        warn: (line) => lines.push(`warn: ${line}`),
      });
      await guard.ready;

      // The run: session 1 pushed, then a commit someone else's push made impossible to push;
      // session 2 never pushed; a scratch branch of the agent's own; user-level git changes.
      git(repo, 'stash');
      git(repo, 'checkout', '-q', '-b', 'samocode/1-a');
      git(repo, 'commit', '-q', '--allow-empty', '-m', 'session 1 saved');
      git(repo, 'push', '-q', 'origin', 'HEAD:refs/heads/samocode/1-a');
      const other = join(root, 'other');
      git(root, 'clone', '-q', '-b', 'samocode/1-a', origin, other);
      git(other, 'commit', '-q', '--allow-empty', '-m', 'someone else');
      git(other, 'push', '-q', 'origin', 'HEAD');
      git(repo, 'commit', '-q', '--allow-empty', '-m', 'session 1 not pushable');
      const diverged = git(repo, 'rev-parse', 'HEAD');
      git(repo, 'checkout', '-q', '-b', 'samocode/2-b', 'main');
      git(repo, 'commit', '-q', '--allow-empty', '-m', 'session 2 unpushed');
      const unpushed = git(repo, 'rev-parse', 'HEAD');
      git(repo, 'checkout', '-q', '-b', 'scratch');
      git(repo, 'commit', '-q', '--allow-empty', '-m', 'agent scratch');
      git(repo, 'config', '--global', 'credential.helper', 'store');
      writeFileSync(join(home, '.git-credentials'), 'https://x:token@example.com\n');

      await guard.restore();

      expect(git(repo, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
      expect(git(repo, 'status', '--porcelain')).toBe(status);
      expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe('# project\nlocal edit\n');
      expect(readFileSync(globalConfig, 'utf8')).toBe('[user]\n\tname = Runner\n');
      expect(existsSync(join(home, '.git-credentials'))).toBe(false);
      // Session 2 is on origin now, and gone locally; session 1 and scratch are kept and named.
      expect(git(root, '--git-dir', origin, 'rev-parse', 'samocode/2-b')).toBe(unpushed);
      expect(git(repo, 'branch', '--format=%(refname:short)').split('\n').sort()).toEqual([
        'main',
        'samocode/1-a',
        'scratch',
      ]);
      expect(git(repo, 'rev-parse', 'samocode/1-a')).toBe(diverged);
      expect(lines.filter((l) => l.startsWith('warn: ')).map((l) => l.split(' ')[5])).toEqual([
        'samocode/1-a',
        'scratch',
      ]);
      expect(lines).toContain(
        `info: pushed the unpushed commits of samocode/2-b (${unpushed.slice(0, 12)}) to origin`,
      );
      expect(readdirSync(root).filter((n) => n.startsWith('samocode-'))).toEqual([]);
    } finally {
      Object.assign(process.env, saved);
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    }
  });
});
