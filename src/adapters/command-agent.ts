// The Agent port for any other CLI: a command template with {prompt} and {context} placeholders,
// run without a shell. Success is exit code 0; the output is logged, and its lines shown as
// activity. Cost and tokens are unknown to this adapter.
import { splitWords } from '../core/agent-args.js';
import type { Launcher } from './sandbox.js';
import type { Agent, AgentRun } from '../app/ports.js';
import { commonFailure, exitDescription, runAgentProcess } from './agent-process.js';

const ACTIVITY_INTERVAL_MS = 1_000;

export interface CommandSettings {
  /** e.g. `mytool exec --json --system {context} {prompt}`; without {prompt} the prompt is appended. */
  template: string;
  baseEnv: Record<string, string>;
  killGraceMs?: number;
  /** Where the process starts: in the sandbox, or as it is. */
  launcher?: Launcher;
}

/** The template's words: quotes keep a word whole; nothing is expanded (no shell). */
export const splitTemplate = splitWords;

export function commandArgs(
  template: string,
  run: Pick<AgentRun, 'prompt' | 'context'>,
): { command: string; args: string[] } {
  const parts = splitTemplate(template);
  const command = parts[0];
  if (!command)
    throw new Error(
      'the agent command is empty: set SAMOCODE_AGENT_COMMAND (or the agent-command input)',
    );
  const fill = (arg: string) =>
    arg.replaceAll('{prompt}', run.prompt).replaceAll('{context}', run.context);
  const args = parts.slice(1).map(fill);
  if (!template.includes('{prompt}')) args.push(run.prompt);
  return { command, args };
}

export function commandAgent(settings: CommandSettings): Agent {
  return {
    name: 'command',
    async run(run) {
      const { command, args } = commandArgs(settings.template, run);
      // Its output is whatever the tool prints, often a lot: the log keeps all of it, the
      // activity view gets at most one line a second.
      let shownAt = -Infinity;
      const outcome = await runAgentProcess(
        command,
        args,
        { ...settings.baseEnv, ...run.env },
        run,
        (line) => {
          const text = line.trim();
          const now = Date.now();
          if (!text || now - shownAt < ACTIVITY_INTERVAL_MS) return;
          shownAt = now;
          run.onActivity?.(text.length > 100 ? `${text.slice(0, 99)}…` : text);
        },
        settings.killGraceMs,
        settings.launcher,
      );
      const common = commonFailure(
        outcome,
        run,
        { command, install: 'install it or fix SAMOCODE_AGENT_COMMAND' },
        {},
      );
      if (common) return common;
      if (outcome.exitCode === 0) return { ok: true, durationMs: outcome.durationMs, stats: {} };
      return {
        ok: false,
        durationMs: outcome.durationMs,
        stats: {},
        // A failing exit may pass on a second try (a flaky tool, a network blip).
        failure: { kind: 'no-result' },
        message: outcome.spawnError
          ? `could not start "${command}": ${outcome.spawnError}`
          : exitDescription(outcome),
      };
    },
  };
}
