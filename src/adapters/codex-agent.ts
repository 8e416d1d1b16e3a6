// The Agent port for OpenAI's Codex CLI: `codex exec --json`, its JSONL events streamed to the log
// file as they arrive, the end of its turn mapped to success or a typed failure.
import type { Launcher } from './sandbox.js';
import type { Agent, AgentResult, AgentRun } from '../app/ports.js';
import { commonFailure, exitDescription, failureOf, runAgentProcess } from './agent-process.js';
import { apiStatusOf, codexStreamReader, errorDetail, isTransportError } from './codex-stream.js';

export interface CodexSettings {
  /** Program to run: a path or a name looked up on PATH. */
  command: string;
  model?: string;
  /**
   * Unset: no sandbox and no approvals (--dangerously-bypass-approvals-and-sandbox).
   * 'auto-review': escalations are judged by a second model call (--approve-for-me).
   * Anything else is Codex's `approval_policy`; `codex exec` never prompts, so a command that needs
   * approval is refused back to the model rather than waiting.
   */
  approvalMode?: string;
  /** read-only | workspace-write | danger-full-access; unset with approvalMode: workspace-write. */
  sandbox?: string;
  /** Environment the agent starts from (already stripped of what it must not see). */
  baseEnv: Record<string, string>;
  /** Time between SIGTERM and SIGKILL when the agent must be stopped. */
  killGraceMs?: number;
  /** Where the process starts: in the sandbox, or as it is. */
  launcher?: Launcher;
  /** The user's own arguments for the CLI, checked against the loop's (core/agent-args.ts). */
  extraArgs?: string[];
}

const INSTALL = 'install the Codex CLI (npm i -g @openai/codex) or set CODEX_PATH to its path';

export function codexArgs(
  settings: Pick<CodexSettings, 'model' | 'approvalMode' | 'sandbox' | 'extraArgs'>,
  run: Pick<AgentRun, 'prompt' | 'context' | 'env'>,
): string[] {
  return [
    'exec',
    '--json',
    // Worktrees are git repositories, but a session may run anywhere; the check only refuses.
    '--skip-git-repo-check',
    ...(settings.model ? ['--model', settings.model] : []),
    ...permissionArgs(settings, run),
    // Codex has no flag to append to its system prompt; `developer_instructions` becomes a
    // developer message right after its own instructions, which is where Claude gets the context.
    // It replaces a developer_instructions set in the user's config.toml (AGENTS.md still applies).
    '-c',
    `developer_instructions=${tomlString(run.context)}`,
    ...(settings.extraArgs ?? []),
    // Everything after `--` is the prompt, even text that starts with a dash or names a subcommand.
    '--',
    run.prompt,
  ];
}

function permissionArgs(
  settings: Pick<CodexSettings, 'approvalMode' | 'sandbox'>,
  run: Pick<AgentRun, 'env'>,
): string[] {
  const { approvalMode, sandbox } = settings;
  // The default is unattended and unconfined, like Claude's --dangerously-skip-permissions: the
  // session folder lives outside the worktree, and Codex's Linux sandbox needs kernel features
  // (unprivileged user namespaces) that containers and hardened hosts such as Ubuntu 24.04 restrict.
  if (!approvalMode && !sandbox) return ['--dangerously-bypass-approvals-and-sandbox'];
  const args: string[] = [];
  let writes: boolean;
  if (approvalMode === 'auto-review') {
    // The flag picks workspace-write itself. The CLI rejects it with --sandbox; passing both lets
    // that rejection reach the user instead of one setting silently losing.
    args.push('--approve-for-me');
    if (sandbox) args.push('--sandbox', sandbox);
    writes = !sandbox || sandbox === 'workspace-write';
  } else {
    args.push('--sandbox', sandbox ?? 'workspace-write');
    if (approvalMode) args.push('-c', `approval_policy=${tomlString(approvalMode)}`);
    writes = (sandbox ?? 'workspace-write') === 'workspace-write';
  }
  // The agent must write its signal and notes into the session folder, outside the worktree.
  const sessionDir = run.env.SAMOCODE_SESSION_DIR;
  if (writes && sessionDir) args.push('--add-dir', sessionDir);
  return args;
}

/**
 * A TOML basic string, as `-c key=value` parses the value. JSON's escapes are all valid TOML; TOML
 * also wants DEL escaped and cannot express a lone surrogate, which becomes U+FFFD.
 */
export function tomlString(text: string): string {
  const wellFormed = text.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
  return JSON.stringify(wellFormed).replace(/\u007f/g, '\\u007f');
}

export function codexAgent(settings: CodexSettings): Agent {
  return {
    name: 'codex',
    run: (run) => runCodex(settings, run),
  };
}

async function runCodex(settings: CodexSettings, run: AgentRun): Promise<AgentResult> {
  const reader = codexStreamReader();
  const outcome = await runAgentProcess(
    settings.command,
    codexArgs(settings, run),
    { ...settings.baseEnv, ...run.env },
    run,
    (line) => {
      for (const activity of reader.read(line)) run.onActivity?.(activity);
    },
    settings.killGraceMs,
    settings.launcher,
  );
  const read = reader.outcome();
  const { durationMs } = outcome;
  const { stats } = read;
  const fail = failureOf(outcome, stats);
  const common = commonFailure(
    outcome,
    run,
    { command: settings.command, install: INSTALL },
    stats,
  );
  if (common) return common;
  if (outcome.spawnError && !read.started)
    return fail({ kind: 'spawn' }, `could not start "${settings.command}": ${outcome.spawnError}`);
  if (read.ended === 'completed') return { ok: true, durationMs, stats };
  if (read.error !== undefined) {
    const detail = (errorDetail(read.error) || 'no message').slice(0, 500);
    const status = apiStatusOf(read.error);
    if (status !== undefined)
      return fail({ kind: 'api', apiStatus: status }, `API error ${status}: ${detail}`);
    // The model never answered: as retryable as a run that ended without a result.
    if (isTransportError(read.error))
      return fail({ kind: 'no-result' }, `the agent lost its connection to the API: ${detail}`);
    return fail({ kind: 'other' }, `the agent reported an error: ${detail}`);
  }
  // Bad flags or configuration: the CLI says why on stderr and exits before its first event.
  // Trying again cannot help.
  if (
    !read.started &&
    !outcome.signal &&
    outcome.exitCode !== undefined &&
    outcome.exitCode !== 0
  ) {
    const why = outcome.stderrTail
      .split('\n')
      .map((line) => line.trim())
      .find((line) => /^error:/i.test(line));
    return fail(
      { kind: 'other' },
      why
        ? `the agent exited with code ${outcome.exitCode} before starting: ${why.slice(0, 500)}`
        : exitDescription(outcome, ' before starting'),
    );
  }
  return fail({ kind: 'no-result' }, exitDescription(outcome, ' without finishing its turn'));
}
