// The Agent port for the Claude Code CLI: `claude -p ... --output-format stream-json`, its output
// streamed to the log file as it arrives, its `result` line mapped to success or a typed failure.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { execa } from 'execa';
import type { AgentFailure } from '../core/agent-retry.js';
import type { Agent, AgentResult, AgentRun, AgentStats } from '../app/ports.js';
import { readStreamLine } from './claude-stream.js';
import type { ClaudeResult } from './claude-stream.js';
import { groupAlive, signalGroup, terminateGroup } from './process-group.js';
import { lineSplitter } from './stream-lines.js';

export interface ClaudeSettings {
  /** Program to run: a path or a name looked up on PATH. */
  command: string;
  model?: string;
  maxTurns?: number;
  /** Environment the agent starts from (already stripped of what it must not see). */
  baseEnv: Record<string, string>;
  /** Time between SIGTERM and SIGKILL when the agent must be stopped. */
  killGraceMs?: number;
}

export function claudeArgs(
  settings: ClaudeSettings,
  run: Pick<AgentRun, 'prompt' | 'context'>,
): string[] {
  return [
    '-p',
    run.prompt,
    '--output-format',
    'stream-json',
    '--verbose',
    ...(settings.model ? ['--model', settings.model] : []),
    ...(settings.maxTurns ? ['--max-turns', String(settings.maxTurns)] : []),
    '--dangerously-skip-permissions',
    '--append-system-prompt',
    run.context,
  ];
}

export function claudeCodeAgent(settings: ClaudeSettings): Agent {
  return {
    name: 'claude',
    run: (run) => runClaude(settings, run),
  };
}

async function runClaude(settings: ClaudeSettings, run: AgentRun): Promise<AgentResult> {
  const started = Date.now();
  await mkdir(dirname(run.logFile), { recursive: true });
  const log = createWriteStream(run.logFile, { flags: 'a' });
  let result: ClaudeResult | undefined;
  let stderrTail = '';
  const lines = lineSplitter((line) => {
    const read = readStreamLine(line);
    if (read.result) result = read.result;
    for (const activity of read.activities ?? []) run.onActivity?.(activity);
  });

  const child = execa(settings.command, claudeArgs(settings, run), {
    cwd: run.cwd,
    env: { ...settings.baseEnv, ...run.env },
    extendEnv: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    // Its own process group, so a timeout can end the agent and everything it started.
    detached: true,
    cleanup: false,
  });

  let ended: 'timeout' | 'aborted' | 'stalled' | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (why: 'timeout' | 'aborted' | 'stalled') => {
    if (ended) return;
    ended = why;
    killTimer = terminateGroup(child.pid, settings.killGraceMs ?? 5_000);
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

  let exit: { exitCode?: number; signal?: string; spawnError?: string; missing?: boolean };
  try {
    const done = await child;
    exit = {
      ...(done.exitCode !== undefined ? { exitCode: done.exitCode } : {}),
      ...(done.signal ? { signal: done.signal } : {}),
    };
    const cause = (done as { cause?: unknown }).cause as NodeJS.ErrnoException | undefined;
    if (done.failed && cause?.code) {
      exit.spawnError = cause.message;
      exit.missing = cause.code === 'ENOENT';
    }
  } catch (error) {
    exit = { spawnError: (error as Error).message };
  } finally {
    clearTimeout(timer);
    clearTimeout(stallTimer);
    run.signal?.removeEventListener('abort', onAbort);
    process.off('exit', onExit);
  }
  // Whatever the agent left running in its group (background shells, servers) ends with it.
  if (groupAlive(child.pid)) signalGroup(child.pid, 'SIGKILL');
  if (killTimer) clearTimeout(killTimer);
  lines.end();
  log.end();
  await once(log, 'close').catch(() => undefined);

  const durationMs = Date.now() - started;
  const stats: AgentStats = result?.stats ?? {};
  const fail = (failure: AgentFailure, message: string): AgentResult => ({
    ok: false,
    durationMs,
    stats,
    failure,
    message,
  });
  const seconds = Math.round(run.timeoutMs / 1000);

  if (ended === 'aborted') return fail({ kind: 'aborted' }, 'the run was interrupted');
  if (ended === 'stalled') {
    const quiet = Math.round((run.stallMs ?? 0) / 1000);
    return fail(
      { kind: 'stalled' },
      `the agent printed nothing for ${quiet}s and was stopped as stalled`,
    );
  }
  if (ended === 'timeout')
    return fail(
      { kind: 'timeout' },
      `no result within the iteration time limit of ${seconds}s; the agent was stopped`,
    );
  if (exit.missing) {
    return fail(
      { kind: 'other' },
      `the agent program "${settings.command}" was not found: install Claude Code or set CLAUDE_PATH to its path`,
    );
  }
  if (exit.spawnError && !result)
    return fail({ kind: 'spawn' }, `could not start "${settings.command}": ${exit.spawnError}`);
  if (result && !result.isError) return { ok: true, durationMs, stats };
  if (result) {
    if (result.subtype === 'error_max_turns') {
      return fail(
        { kind: 'max-turns' },
        `the agent used all ${settings.maxTurns !== undefined ? `${settings.maxTurns} ` : ''}turns ` +
          '(--max-turns) without finishing the iteration; raise CLAUDE_MAX_TURNS or split the work',
      );
    }
    const detail = (result.errors?.join('; ') || result.text || result.subtype || 'error').slice(
      0,
      500,
    );
    if (result.apiErrorStatus !== undefined) {
      return fail(
        { kind: 'api', apiStatus: result.apiErrorStatus },
        `API error ${result.apiErrorStatus}: ${detail}`,
      );
    }
    return fail({ kind: 'other' }, `the agent reported an error: ${detail}`);
  }
  const how = exit.signal
    ? `was killed by ${exit.signal}`
    : `exited with code ${exit.exitCode ?? '?'}`;
  const tail = stderrTail.trim().split('\n').slice(-3).join(' ').slice(0, 500);
  return fail({ kind: 'no-result' }, `the agent ${how} without a result${tail ? `: ${tail}` : ''}`);
}
