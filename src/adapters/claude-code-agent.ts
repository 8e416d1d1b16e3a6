// The Agent port for the Claude Code CLI: `claude -p ... --output-format stream-json`, its output
// streamed to the log file as it arrives, its `result` line mapped to success or a typed failure.
import type { Launcher } from './sandbox.js';
import type { Agent, AgentResult, AgentRun, AgentStats } from '../app/ports.js';
import { readStreamLine } from './claude-stream.js';
import type { ClaudeResult } from './claude-stream.js';
import { commonFailure, exitDescription, failureOf, runAgentProcess } from './agent-process.js';

export interface ClaudeSettings {
  /** Program to run: a path or a name looked up on PATH. */
  command: string;
  model?: string;
  maxTurns?: number;
  /** Environment the agent starts from (already stripped of what it must not see). */
  baseEnv: Record<string, string>;
  /** Time between SIGTERM and SIGKILL when the agent must be stopped. */
  killGraceMs?: number;
  /** Where the process starts: in the sandbox, or as it is. */
  launcher?: Launcher;
  /** The user's own arguments for the CLI, checked against the loop's (core/agent-args.ts). */
  extraArgs?: string[];
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
    // Last: an option that takes several values cannot swallow the prompt.
    ...(settings.extraArgs ?? []),
  ];
}

export function claudeCodeAgent(settings: ClaudeSettings): Agent {
  return {
    name: 'claude',
    run: (run) => runClaude(settings, run),
  };
}

async function runClaude(settings: ClaudeSettings, run: AgentRun): Promise<AgentResult> {
  let result: ClaudeResult | undefined;
  const outcome = await runAgentProcess(
    settings.command,
    claudeArgs(settings, run),
    { ...settings.baseEnv, ...run.env },
    run,
    (line) => {
      const read = readStreamLine(line);
      if (read.result) result = read.result;
      for (const activity of read.activities ?? []) run.onActivity?.(activity);
    },
    settings.killGraceMs,
    settings.launcher,
  );
  const { durationMs } = outcome;
  const stats: AgentStats = result?.stats ?? {};
  const fail = failureOf(outcome, stats);
  const common = commonFailure(
    outcome,
    run,
    { command: settings.command, install: 'install Claude Code or set CLAUDE_PATH to its path' },
    stats,
  );
  if (common) return common;
  if (outcome.spawnError && !result)
    return fail({ kind: 'spawn' }, `could not start "${settings.command}": ${outcome.spawnError}`);
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
  return fail({ kind: 'no-result' }, exitDescription(outcome, ' without a result'));
}
