// Running one agent process for an iteration, whatever the agent: its own process group, output
// streamed to the log file as it arrives (and to a line reader), the time limit, stall detection,
// interruption, and nothing of its process tree left behind. Adapters map the outcome.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { AgentFailure } from '../core/agent-retry.js';
import type { AgentResult, AgentRun, AgentStats } from '../app/ports.js';
import { groupAlive, signalGroup, terminateGroup } from './process-group.js';
import { lineSplitter } from './stream-lines.js';
import type { Launcher } from './sandbox.js';

export interface ProcessOutcome {
  durationMs: number;
  /** Set when the orchestrator ended the process. */
  ended?: 'timeout' | 'aborted' | 'stalled';
  exitCode?: number;
  signal?: string;
  /** The program does not exist. */
  missing?: boolean;
  spawnError?: string;
  stderrTail: string;
}

export async function runAgentProcess(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  run: AgentRun,
  onLine: (line: string) => void,
  killGraceMs = 5_000,
  launcher?: Launcher,
): Promise<ProcessOutcome> {
  const started = Date.now();
  await mkdir(dirname(run.logFile), { recursive: true });
  // In a sandbox, the process started is bubblewrap, which runs the agent inside.
  const launch = launcher ? await launcher.launch(command, args, env, run) : undefined;
  if (launcher && !launch)
    return { durationMs: Date.now() - started, missing: true, stderrTail: '' };
  try {
    return await runProcess(launch ?? { command, args, env }, run, onLine, killGraceMs, started);
  } finally {
    await launch?.release();
  }
}

async function runProcess(
  { command, args, env }: { command: string; args: readonly string[]; env: Record<string, string> },
  run: AgentRun,
  onLine: (line: string) => void,
  killGraceMs: number,
  started: number,
): Promise<ProcessOutcome> {
  const log = createWriteStream(run.logFile, { flags: 'a' });
  const lines = lineSplitter(onLine);
  let stderrTail = '';

  // node:child_process rather than execa: one start per iteration, and execa's own work cost a few
  // milliseconds each time. Only `env` reaches the agent (none of this process's environment).
  const child = spawn(command, [...args], {
    cwd: run.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a timeout can end the agent and everything it started.
    detached: true,
  });
  const exited = new Promise<
    { code: number | null; signal: NodeJS.Signals | null } | { error: NodeJS.ErrnoException }
  >((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ error }));
  });

  if (child.pid !== undefined) run.onStart?.(child.pid);

  let ended: ProcessOutcome['ended'];
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (why: NonNullable<ProcessOutcome['ended']>) => {
    if (ended) return;
    ended = why;
    killTimer = terminateGroup(child.pid, killGraceMs);
  };
  const timer = setTimeout(() => stop('timeout'), run.timeoutMs);
  // An agent that prints nothing for this long is stuck (a hung API call, a wedged tool).
  let stallTimer: NodeJS.Timeout | undefined;
  const watchStall = () => {
    if (!run.stallMs) return;
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => stop('stalled'), run.stallMs);
  };
  watchStall();
  const onAbort = () => stop('aborted');
  run.signal?.addEventListener('abort', onAbort, { once: true });
  if (run.signal?.aborted) onAbort();
  // If this process is told to stop, the agent's group must not outlive it.
  const onExit = () => signalGroup(child.pid, 'SIGKILL');
  process.once('exit', onExit);

  child.stdout?.on('data', (chunk: Buffer) => {
    watchStall();
    lines.push(chunk);
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4_000);
  });

  const outcome: Omit<ProcessOutcome, 'durationMs' | 'stderrTail'> = {};
  try {
    const done = await exited;
    if ('error' in done) {
      outcome.spawnError = done.error.message;
      outcome.missing = done.error.code === 'ENOENT';
    } else {
      if (done.code !== null) outcome.exitCode = done.code;
      if (done.signal) outcome.signal = done.signal;
    }
  } finally {
    clearTimeout(timer);
    clearTimeout(stallTimer);
    run.signal?.removeEventListener('abort', onAbort);
    process.off('exit', onExit);
  }
  // Whatever the agent left running in its group (background shells, servers) ends with it, and
  // with them the last holders of its output pipes.
  if (groupAlive(child.pid)) signalGroup(child.pid, 'SIGKILL');
  if (killTimer) clearTimeout(killTimer);
  await drained([child.stdout, child.stderr], OUTPUT_DRAIN_MS);
  lines.end();
  log.end();
  await once(log, 'close').catch(() => undefined);
  return { ...outcome, ...(ended ? { ended } : {}), durationMs: Date.now() - started, stderrTail };
}

/** How long the agent's output may keep arriving after it exited (a holder outside its group). */
const OUTPUT_DRAIN_MS = 2_000;

/** Waits until the streams end (everything written was read), at most `ms`; then drops them. */
async function drained(streams: (Readable | null)[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  const ends = streams.map((stream) =>
    !stream || stream.readableEnded || stream.destroyed
      ? Promise.resolve()
      : once(stream, 'close').then(
          () => undefined,
          () => undefined,
        ),
  );
  await Promise.race([Promise.all(ends), late]);
  clearTimeout(timer);
  for (const stream of streams) stream?.destroy();
}

/** A failed result of one agent process, with what it reported before it failed. */
export function failureOf(
  outcome: ProcessOutcome,
  stats: AgentStats,
): (failure: AgentFailure, message: string) => AgentResult {
  return (failure, message) => ({
    ok: false,
    durationMs: outcome.durationMs,
    stats,
    failure,
    message,
  });
}

/** The failures every adapter reports the same way: stopped by us, or never started. */
export function commonFailure(
  outcome: ProcessOutcome,
  run: AgentRun,
  program: { command: string; install: string },
  stats: AgentStats,
): AgentResult | undefined {
  const fail = failureOf(outcome, stats);
  if (outcome.ended === 'aborted') return fail({ kind: 'aborted' }, 'the run was interrupted');
  if (outcome.ended === 'stalled') {
    const quiet = Math.round((run.stallMs ?? 0) / 1000);
    return fail(
      { kind: 'stalled' },
      `the agent printed nothing for ${quiet}s and was stopped as stalled`,
    );
  }
  if (outcome.ended === 'timeout') {
    const seconds = Math.round(run.timeoutMs / 1000);
    return fail(
      { kind: 'timeout' },
      `no result within the iteration time limit of ${seconds}s; the agent was stopped`,
    );
  }
  if (outcome.missing) {
    return fail(
      { kind: 'other' },
      `the agent program "${program.command}" was not found: ${program.install}`,
    );
  }
  return undefined;
}

export function exitDescription(outcome: ProcessOutcome, what = ''): string {
  const how = outcome.signal
    ? `was killed by ${outcome.signal}`
    : `exited with code ${outcome.exitCode ?? '?'}`;
  const tail = outcome.stderrTail.trim().split('\n').slice(-3).join(' ').slice(0, 500);
  return `the agent ${how}${what}${tail ? `: ${tail}` : ''}`;
}
