// The CLI beside the original Python loop (`Yuvasee/samocode`), modelled by
// bench/original-loop.py: the same agent (bench/agents/instant.sh, changing one file of the
// repository per iteration as an agent changes code), the same number of iterations, each in a
// fresh repository of its own, interleaved. The CLI runs as a user runs it (`node dist/cli.js run`,
// a process of its own, its worktree and its commit per iteration), with the sandbox off — like for
// like: the original has none — and on, its default. The cost per iteration is the median time
// between two iterations' starts (each side prints a line as an iteration starts; the bench
// timestamps it as it arrives): many samples per run, so a busy moment moves it little. The whole
// run's wall time over its iterations, start-up included, is reported beside it. Two bare loops
// (bench/floors/bare-loop.*) start the same agent and do nothing else, in Python and in Node: the
// least any loop in those languages can spend per iteration, which bounds every ratio here.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GIT_ENV, INSTANT, median, repo, sh, temp } from './support.js';

const CLI = resolve('dist/cli.js');
const MODEL = resolve('bench/original-loop.py');
const BARE_PYTHON = resolve('bench/floors/bare-loop.py');
const BARE_NODE = resolve('bench/floors/bare-loop.mjs');
export const PYTHON = process.env.BENCH_PYTHON ?? 'python3';

/** Why the original cannot be run here (no Python 3.10 or later), or undefined. */
export function originalUnavailable(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import sys; assert sys.version_info >= (3, 10)']);
  return probe.status === 0 ? undefined : `${PYTHON} (3.10 or later) is needed to run the model`;
}

export interface OriginalComparison {
  cli: RunCost[];
  sandboxed: RunCost[];
  original: RunCost[];
  /** The same agent started by loops that do nothing else: what no loop in that language beats. */
  bare: { python: RunCost[]; node: RunCost[] };
  iterations: number;
}

/** A run's cost per iteration: its whole wall time over its iterations, and the steady state. */
export interface RunCost {
  /** Start-up included, as a user pays it. */
  whole: number;
  /** The median time between two iterations' starts: the loop's own cycle, start-up excluded. */
  steady: number;
}

/**
 * Runs a loop to its end, timestamping each line of its output that says an iteration starts
 * (as it arrives: both print it when the iteration starts), and returns its RunCost.
 */
function timedRun(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  iterationStart: RegExp,
  iterations: number,
) {
  return new Promise<RunCost>((done, fail) => {
    const began = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const starts: number[] = [];
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const now = performance.now();
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (iterationStart.test(line)) starts.push(now);
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      const ms = performance.now() - began;
      if (code !== 0) {
        fail(new Error(`${command} ${args[0] ?? ''} exited ${code ?? '?'}: ${stderr.trim()}`));
        return;
      }
      if (starts.length !== iterations) {
        fail(new Error(`${command} printed ${starts.length} iteration starts, not ${iterations}`));
        return;
      }
      done({
        whole: ms / iterations,
        steady: median(starts.slice(1).map((t, i) => t - (starts[i] as number))),
      });
    });
  });
}

const agentEnv = (home: string) => ({
  PATH: process.env.PATH ?? '',
  HOME: home,
  ...GIT_ENV,
  BENCH_TOUCH: 'bench-touch.txt',
  BENCH_STAY: '1000000',
});

/**
 * One CLI run of `iterations` in a fresh repository; checks it ran them all and committed each.
 * `extra` adds to its environment.
 */
async function cliRun(
  iterations: number,
  sandbox: boolean,
  extra: Record<string, string> = {},
): Promise<RunCost> {
  const { root, work } = repo(1);
  const home = join(root, 'home');
  mkdirSync(home);
  const cost = await timedRun(
    process.execPath,
    [CLI, 'run', '--task', 'bench', '--max-iterations', String(iterations), '--json'],
    work,
    {
      ...agentEnv(home),
      SAMOCODE_AGENT: 'claude',
      CLAUDE_PATH: INSTANT,
      SAMOCODE_SANDBOX: String(sandbox),
      SAMOCODE_STALL_TIMEOUT: '0',
      ...extra,
    },
    /"type":"iteration-start"/,
    iterations,
  );
  const commits = Number(sh(work, 'rev-list', '--count', 'samocode/bench'));
  if (commits !== iterations + 1)
    throw new Error(`the CLI committed ${commits - 1} of its ${iterations} iterations`);
  return cost;
}

/** One run of the model of the original, `iterations`, in a fresh repository. */
async function originalRun(iterations: number): Promise<RunCost> {
  const { root, work } = repo(1);
  const home = join(root, 'home');
  mkdirSync(home);
  const session = join(root, 'sessions', 'bench');
  const cost = await timedRun(
    PYTHON,
    [MODEL, work, session, INSTANT, String(iterations)],
    work,
    agentEnv(home),
    / - Iteration \d+ /,
    iterations,
  );
  const rows = readFileSync(join(session, '_signal_history.jsonl'), 'utf8').trim().split('\n');
  if (rows.length !== iterations)
    throw new Error(`the model of the original ran ${rows.length} iterations, not ${iterations}`);
  return cost;
}

/** One run of a bare loop (bench/floors/bare-loop.*) of `iterations`, in a fresh repository. */
async function bareRun(language: 'python' | 'node', iterations: number): Promise<RunCost> {
  const { root, work } = repo(1);
  const home = join(root, 'home');
  mkdirSync(home);
  const session = join(root, 'sessions', 'bench');
  const [command, script] =
    language === 'python' ? [PYTHON, BARE_PYTHON] : [process.execPath, BARE_NODE];
  const cost = await timedRun(
    command,
    [script, session, INSTANT, String(iterations)],
    work,
    agentEnv(home),
    /^iteration \d+$/,
    iterations,
  );
  // The agent ran each time: it appended a line to the file it changes.
  const touched = readFileSync(join(work, 'bench-touch.txt'), 'utf8').trim().split('\n');
  if (touched.length !== iterations)
    throw new Error(`the bare ${language} loop ran the agent ${touched.length} times`);
  return cost;
}

/**
 * `rounds` interleaved rounds of the original, the CLI with the sandbox off and with it on, each
 * `iterations` long (after one unmeasured round of each: caches warm up).
 */
export async function originalComparison(
  rounds: number,
  iterations: number,
  sandbox: boolean,
): Promise<OriginalComparison> {
  const out: OriginalComparison = {
    cli: [],
    sandboxed: [],
    original: [],
    bare: { python: [], node: [] },
    iterations,
  };
  await originalRun(iterations);
  await cliRun(iterations, false);
  await bareRun('python', iterations);
  await bareRun('node', iterations);
  if (sandbox) await cliRun(iterations, true);
  for (let i = 0; i < rounds; i++) {
    out.original.push(await originalRun(iterations));
    out.cli.push(await cliRun(iterations, false));
    out.bare.python.push(await bareRun('python', iterations));
    out.bare.node.push(await bareRun('node', iterations));
    if (sandbox) out.sandboxed.push(await cliRun(iterations, true));
  }
  return out;
}

/**
 * The git processes the CLI starts per iteration, those git starts itself included (auto
 * maintenance): git's own trace of every process, for a run of 8 iterations less one of 4.
 * Returns their number and the commands, e.g. "add, commit".
 */
export async function cliGitProcesses(): Promise<{ perIteration: number; commands: string }> {
  const runs = [];
  for (const iterations of [4, 8]) {
    const trace = join(temp(), 'trace2.json');
    writeFileSync(trace, '');
    await cliRun(iterations, false, { GIT_TRACE2_EVENT: trace });
    const commands = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"event":"start"'))
      .map((line) => {
        const argv = (JSON.parse(line) as { argv: string[] }).argv;
        // The subcommand: the first argument after git's own options (-c name=value, -C dir).
        for (let i = 1; i < argv.length; i++) {
          const arg = argv[i] ?? '';
          if (arg === '-c' || arg === '-C') i++;
          else if (!arg.startsWith('-')) return arg;
        }
        return '?';
      });
    runs.push(commands);
  }
  const [short = [], long = []] = runs;
  const extra = new Map<string, number>();
  for (const c of long) extra.set(c, (extra.get(c) ?? 0) + 1);
  for (const c of short) extra.set(c, (extra.get(c) ?? 0) - 1);
  return {
    perIteration: (long.length - short.length) / 4,
    commands: [...extra]
      .filter(([, n]) => n > 0)
      .map(([c, n]) => `${c} ×${n / 4}`)
      .join(', '),
  };
}
