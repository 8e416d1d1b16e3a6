// The Agent port for Google's Gemini CLI: `gemini --prompt=… --output-format stream-json`, its
// output streamed to the log file as it arrives, its `result` line mapped to success or a typed
// failure.
import { existsSync } from 'node:fs';
import type { Launcher } from './sandbox.js';
import type { Agent, AgentResult, AgentRun, AgentStats } from '../app/ports.js';
import { apiErrorStatus, readGeminiLine } from './gemini-stream.js';
import type { GeminiResult } from './gemini-stream.js';
import { commonFailure, exitDescription, failureOf, runAgentProcess } from './agent-process.js';

export interface GeminiSettings {
  /** Program to run: a path or a name looked up on PATH. */
  command: string;
  model?: string;
  /** `yolo` unless set: anything that asks for approval would stop an unattended run. */
  approvalMode?: string;
  /** Environment the agent starts from (already stripped of what it must not see). */
  baseEnv: Record<string, string>;
  /** Time between SIGTERM and SIGKILL when the agent must be stopped. */
  killGraceMs?: number;
  /** Where the process starts: in the sandbox, or as it is. */
  launcher?: Launcher;
  /** The user's own arguments for the CLI, checked against the loop's (core/agent-args.ts). */
  extraArgs?: string[];
}

export const GEMINI_INSTALL =
  'install the Gemini CLI (npm i -g @google/gemini-cli) or set GEMINI_PATH to its path';

// Exit codes of the CLI's fatal setup errors (auth 41, input 42, sandbox 44, config 52, untrusted
// folder 55): they end the run before any result line and another try would fail the same way.
const SETUP_EXIT_CODES = new Set([41, 42, 44, 52, 55]);

export function geminiArgs(
  settings: GeminiSettings,
  run: Pick<AgentRun, 'prompt' | 'context'> & Partial<Pick<AgentRun, 'env'>>,
): string[] {
  // The CLI has no flag that adds to its system prompt: GEMINI_SYSTEM_MD replaces the built-in
  // one (tool rules included) and GEMINI.md files would have to be written into the user's tree.
  // So the session facts lead the prompt itself. Leading with them also keeps a prompt from ever
  // starting with `/`, which the CLI would run as a slash command.
  const prompt = run.context.trim() ? `${run.context.trim()}\n\n---\n\n${run.prompt}` : run.prompt;
  // The file tools refuse paths outside the workspace, and the session folder lives outside the
  // worktree; the CLI stops with an error if an included folder does not exist.
  const sessionDir = run.env?.SAMOCODE_SESSION_DIR;
  const include = sessionDir && existsSync(sessionDir) ? ['--include-directories', sessionDir] : [];
  return [
    // `=` keeps a prompt that starts with `-` from being read as an option.
    `--prompt=${prompt}`,
    '--output-format',
    'stream-json',
    ...(settings.model ? ['--model', settings.model] : []),
    `--approval-mode=${settings.approvalMode || 'yolo'}`,
    // Without trust the CLI silently drops yolo back to asking, or exits in a folder it has not
    // seen; the run is unattended either way.
    '--skip-trust',
    ...include,
    ...(settings.extraArgs ?? []),
  ];
}

export function geminiAgent(settings: GeminiSettings): Agent {
  return {
    name: 'gemini',
    run: (run) => runGemini(settings, run),
  };
}

async function runGemini(settings: GeminiSettings, run: AgentRun): Promise<AgentResult> {
  let result: GeminiResult | undefined;
  let sessionId: string | undefined;
  let lastError: string | undefined;
  const outcome = await runAgentProcess(
    settings.command,
    geminiArgs(settings, run),
    { ...settings.baseEnv, ...run.env },
    run,
    (line) => {
      const read = readGeminiLine(line);
      if (read.sessionId) sessionId = read.sessionId;
      if (read.error) lastError = read.error;
      if (read.result) result = read.result;
      for (const activity of read.activities ?? []) run.onActivity?.(activity);
    },
    settings.killGraceMs,
    settings.launcher,
  );
  const { durationMs } = outcome;
  const stats: AgentStats = { ...result?.stats, ...(sessionId ? { sessionId } : {}) };
  const fail = failureOf(outcome, stats);
  const common = commonFailure(
    outcome,
    run,
    { command: settings.command, install: GEMINI_INSTALL },
    stats,
  );
  if (common) return common;
  if (outcome.spawnError && !result)
    return fail({ kind: 'spawn' }, `could not start "${settings.command}": ${outcome.spawnError}`);
  if (result && !result.isError) return { ok: true, durationMs, stats };
  if (result) {
    // An invalid model stream ends with a bare error result; its reason came as an error event.
    const detail = (result.errorMessage ?? lastError ?? 'error').slice(0, 500);
    if (result.errorType === 'FatalTurnLimitedError') {
      return fail(
        { kind: 'max-turns' },
        `the agent used all its turns (model.maxSessionTurns in the Gemini settings) without ` +
          `finishing the iteration: ${detail}`,
      );
    }
    const status = apiErrorStatus(detail, outcome.exitCode);
    if (status !== undefined)
      return fail({ kind: 'api', apiStatus: status }, `API error ${status}: ${detail}`);
    if (detail.startsWith('[API Error')) return fail({ kind: 'api' }, detail);
    return fail({ kind: 'other' }, `the agent reported an error: ${detail}`);
  }
  if (outcome.exitCode !== undefined && SETUP_EXIT_CODES.has(outcome.exitCode))
    return fail({ kind: 'other' }, exitDescription(outcome, ' before it started'));
  return fail({ kind: 'no-result' }, exitDescription(outcome, ' without a result'));
}
