// The engine's own cost per iteration, in process, with real files, git and processes and an agent
// that returns at once; and the floor of an iteration that commits and pushes: the same git
// commands and the one status request, issued directly.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledPrompts } from '../src/app/prompts.js';
import { runSession } from '../src/app/run-session.js';
import type { ProgressEvent } from '../src/app/run-session.js';
import { startSession } from '../src/app/session-actions.js';
import { claudeCodeAgent } from '../src/adapters/claude-code-agent.js';
import { fsSessionStore } from '../src/adapters/fs-session-store.js';
import { createGit } from '../src/adapters/git-cli.js';
import { githubClient, githubIssues } from '../src/adapters/octokit-github.js';
import { systemClock } from '../src/adapters/system-clock.js';
import { fanOut } from '../src/adapters/telegram-notifier.js';
import { PHASES } from '../src/core/phases.js';
import type { Phase } from '../src/core/phases.js';
import type { FakeGitHub } from '../test/support/fake-github.js';
import { INSTANT, repo, sh, temp } from './support.js';

const BRANCH = 'samocode/1-bench';

function statusComment(github: FakeGitHub, issue: number) {
  github.state.issues.set(issue, {
    number: issue,
    title: 'b',
    body: '',
    state: 'open',
    labels: new Set(),
    user: { login: 'o' },
  });
  const settings = {
    token: github.token,
    apiUrl: github.url,
    owner: github.owner,
    repo: github.repo,
  };
  const issues = githubIssues(githubClient(settings), settings);
  return { issues, id: issues.createComment(issue, 'status') };
}

/**
 * A session in a fresh repository; each `run(n)` runs n more iterations of it and returns their
 * overheads (ms, agent time excluded).
 */
export async function benchSession(options: {
  files: number;
  push: boolean;
  github?: FakeGitHub;
}): Promise<{ run: (iterations: number) => Promise<number[]> }> {
  const { work } = repo(options.files);
  const sessions = join(work, '_sessions');
  const store = fsSessionStore(sessions);
  const git = createGit();
  sh(work, 'checkout', '-q', '-b', BRANCH);
  const state = await startSession({ store, clock: systemClock }, { task: 'bench' });
  // Stay in investigation as long as the run lasts: caps raised for the measurement.
  const caps = Object.fromEntries(PHASES.map((p) => [p, 100_000])) as Record<Phase, number>;
  const status = options.github ? statusComment(options.github, 1) : undefined;
  const statusId = await status?.id;
  const run = async (iterations: number) => {
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
        maxIterations: iterations,
        commit: options.push,
        onProgress: (event: ProgressEvent) => {
          if (event.type !== 'iteration-end') return;
          ends.push(performance.now());
          agentMs.push(event.record.durationMs);
        },
        hooks: {
          save: async (message) => {
            await git.commitAll(work, message);
            await git.push(work, BRANCH);
          },
          ...(status && statusId !== undefined
            ? {
                afterIteration: async () =>
                  status.issues.updateComment(statusId, `status ${Date.now()}`),
              }
            : {}),
        },
      },
    );
    return ends.map(
      (end, i) => end - (i === 0 ? started : (ends[i - 1] as number)) - (agentMs[i] as number),
    );
  };
  return { run };
}

/** Per-iteration overheads (ms, agent time excluded) of one session of `iterations`. */
export async function loopOverheads(options: {
  iterations: number;
  files: number;
  push: boolean;
  github?: FakeGitHub;
}): Promise<number[]> {
  return (await benchSession(options)).run(options.iterations);
}

/**
 * Growth: iterations of a session that has run `long` iterations, each beside an iteration of a
 * fresh session (its first ten), alternately, so that the machine's load weighs on both alike.
 * Returns the old session's overheads and the fresh one's, paired.
 */
export async function growth(long: number): Promise<{ late: number[]; early: number[] }> {
  const old = await benchSession({ files: 1, push: false });
  await old.run(long - 10);
  const fresh = await benchSession({ files: 1, push: false });
  const out = { late: [] as number[], early: [] as number[] };
  for (let i = 0; i < 10; i++) {
    out.late.push(...(await old.run(1)));
    out.early.push(...(await fresh.run(1)));
  }
  return out;
}

const run = (cwd: string, args: string[], input?: string, program = 'git') =>
  new Promise<string>((done, fail) => {
    const child = execFile(program, args, { cwd }, (error, stdout) =>
      error
        ? fail(new Error(`${program} ${args[0] ?? ''} failed: ${error.message}`))
        : done(stdout.trim()),
    );
    // A command that reads nothing may exit before its input is written.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input ?? '');
  });

/** The git commands the adapter runs to commit everything and push it (no secrets configured). */
export const FLOOR_GIT_COMMANDS = 6;

/**
 * The floor of a commit + push + status iteration, `iterations` times: each changes the session's
 * files a little, as an iteration does, then runs the git commands the adapter runs to commit and
 * push (add and commit without auto maintenance, both from one sh; the tip, the commits to send
 * and their changes, push) and sends the one status request, directly.
 */
export async function commitFloor(options: {
  iterations: number;
  files: number;
  github: FakeGitHub;
}): Promise<number[]> {
  const { work } = repo(options.files);
  sh(work, 'checkout', '-q', '-b', BRANCH);
  const session = join(work, '_sessions', 'bench');
  mkdirSync(session, { recursive: true });
  const status = statusComment(options.github, 2);
  const id = await status.id;
  const url = `${options.github.url}/repos/${options.github.owner}/${options.github.repo}/issues/comments/${id}`;
  const times: number[] = [];
  let history = '';
  for (let i = 0; i < options.iterations; i++) {
    const began = performance.now();
    history += `{"iteration":${i},"phase":"investigation","status":"continue"}\n`;
    writeFileSync(join(session, '_history.jsonl'), history);
    writeFileSync(join(session, '_state.json'), JSON.stringify({ iteration: i, at: Date.now() }));
    // add and commit in one process start, as the adapter does (sh forks git cheaply).
    await run(
      work,
      [
        '-c',
        'git add --all && exec git "$@"',
        'sh',
        '-c',
        'maintenance.auto=false',
        'commit',
        '--no-verify',
        '--quiet',
        '-m',
        `samocode: iteration ${i}`,
      ],
      undefined,
      'sh',
    );
    const tip = await run(work, ['rev-parse', '--verify', 'HEAD^{commit}']);
    const commits = await run(work, [
      'rev-list',
      '--reverse',
      '--ignore-missing',
      tip,
      '--not',
      '--remotes=origin',
    ]);
    await run(
      work,
      ['diff-tree', '--stdin', '-r', '--root', '-c', '--no-renames', '-z'],
      `${commits}\n`,
    );
    await run(work, ['push', '--quiet', 'origin', `${tip}:refs/heads/${BRANCH}`]);
    const response = await fetch(url, {
      method: 'PATCH',
      headers: {
        authorization: `token ${options.github.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ body: `status ${Date.now()}` }),
    });
    await response.arrayBuffer();
    times.push(performance.now() - began);
  }
  return times;
}

/**
 * How many git processes the engine starts per iteration that commits and pushes, counted through
 * a `git` on PATH that logs each start (a short session of its own, not timed).
 */
export async function gitProcessesPerIteration(github: FakeGitHub): Promise<number> {
  const dir = join(temp(), 'count');
  mkdirSync(dir);
  const logFile = join(dir, 'log');
  writeFileSync(logFile, '');
  const real = await new Promise<string>((done) =>
    execFile('sh', ['-c', 'command -v git'], (_e, out) => done(out.trim())),
  );
  writeFileSync(join(dir, 'git'), `#!/bin/sh\necho "$1" >> '${logFile}'\nexec '${real}' "$@"\n`, {
    mode: 0o755,
  });
  const path = process.env.PATH;
  // Two sessions, 4 and 8 iterations: the difference leaves out the repository's setup.
  const count = async (iterations: number) => {
    writeFileSync(logFile, '');
    process.env.PATH = `${dir}:${path ?? ''}`;
    try {
      await loopOverheads({ iterations, files: 1, push: true, github });
    } finally {
      process.env.PATH = path;
    }
    return readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).length;
  };
  return ((await count(8)) - (await count(4))) / 4;
}
