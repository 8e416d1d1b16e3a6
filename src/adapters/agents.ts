// Choosing the agent adapter: Claude Code by default, Codex or Gemini CLI, or any CLI through a
// command template — and, with a phase map, a different one (or another model) per phase.
import type { Agent } from '../app/ports.js';
import type { Launcher } from './sandbox.js';
import type { AgentKind, PhaseAgent, PhaseAgents } from '../core/phase-agents.js';
import { PHASES } from '../core/phases.js';
import type { Phase } from '../core/phases.js';
import { claudeCodeAgent } from './claude-code-agent.js';
import { codexAgent } from './codex-agent.js';
import { commandAgent, splitTemplate } from './command-agent.js';
import { geminiAgent } from './gemini-agent.js';

export { AGENT_KINDS } from '../core/phase-agents.js';
export type { AgentKind } from '../core/phase-agents.js';

export interface AgentSettings {
  /** The agent of every phase the phase map does not name. */
  kind: AgentKind;
  /** Each agent's model, where set (each CLI's own default otherwise). */
  models: Partial<Record<Exclude<AgentKind, 'command'>, string>>;
  /** Claude Code's turn limit per iteration. */
  maxTurns?: number;
  /** Each agent's iteration time limit in seconds, where it differs from the run's. */
  timeouts?: Partial<Record<AgentKind, number>>;
  /** Programs to run: paths or names looked up on PATH. */
  paths: { claude: string; codex: string; gemini: string };
  /** Each agent's extra CLI arguments (`claude-args` …); a phase's own `args=` replaces them. */
  args?: Partial<Record<Exclude<AgentKind, 'command'>, string[]>>;
  /** The command template, for kind `command`. */
  command?: string;
  /** Codex's approval policy and sandbox; unset runs unattended with neither. */
  codex?: { approvalMode?: string; sandbox?: string };
  /** Gemini's approval mode; unset is `yolo` (an unattended run cannot answer a prompt). */
  gemini?: { approvalMode?: string };
  phases?: PhaseAgents;
  /** fallback-agents: tried in order when an iteration fails in a way another agent could pass. */
  fallbacks?: PhaseAgent[];
  /** Environment the agent starts from (already stripped of what it must not see). */
  baseEnv: Record<string, string>;
  killGraceMs?: number;
  /** The sandbox every agent process starts in; none when the user turned it off. */
  launcher?: Launcher;
}

export function makeAgent(settings: AgentSettings): Agent {
  const fallback = oneAgent(settings, { kind: settings.kind });
  const byPhase = new Map(
    PHASES.flatMap((phase) => {
      const spec = settings.phases?.[phase];
      return spec ? [[phase, oneAgent(settings, spec)] as const] : [];
    }),
  );
  if (byPhase.size === 0) return fallback;
  const pick = (phase: Phase | undefined) => (phase ? byPhase.get(phase) : undefined) ?? fallback;
  return {
    name: fallback.name,
    run: (run) => pick(run.phase).run(run),
    timeoutFor: (phase) => pick(phase).timeoutFor?.(phase),
  };
}

/** The fallback-agents, each built like a phase's agent. */
export function makeFallbackAgents(settings: AgentSettings): Agent[] {
  return (settings.fallbacks ?? []).map((spec) => oneAgent(settings, spec));
}

/** One adapter; its results say which agent and model ran, for the session's history. */
function oneAgent(settings: AgentSettings, spec: PhaseAgent): Agent {
  const model = spec.model ?? (spec.kind === 'command' ? undefined : settings.models[spec.kind]);
  const maxTurns = spec.maxTurns ?? settings.maxTurns;
  const extraArgs = spec.args ?? (spec.kind === 'command' ? undefined : settings.args?.[spec.kind]);
  const common = {
    ...(extraArgs?.length ? { extraArgs } : {}),
    baseEnv: settings.baseEnv,
    ...(settings.killGraceMs !== undefined ? { killGraceMs: settings.killGraceMs } : {}),
    ...(settings.launcher ? { launcher: settings.launcher } : {}),
    ...(model ? { model } : {}),
  };
  const agent = ((): Agent => {
    switch (spec.kind) {
      case 'claude':
        return claudeCodeAgent({
          ...common,
          command: settings.paths.claude,
          ...(maxTurns ? { maxTurns } : {}),
        });
      case 'codex':
        return codexAgent({ ...common, ...settings.codex, command: settings.paths.codex });
      case 'gemini':
        return geminiAgent({ ...common, ...settings.gemini, command: settings.paths.gemini });
      case 'command':
        return commandAgent({ ...common, template: settings.command ?? '' });
    }
  })();
  const timeoutSeconds = spec.timeoutSeconds ?? settings.timeouts?.[spec.kind];
  return {
    name: agent.name,
    ...(timeoutSeconds ? { timeoutFor: () => timeoutSeconds * 1000 } : {}),
    async run(run) {
      const result = await agent.run(run);
      return {
        ...result,
        stats: { agent: agent.name, ...(model ? { model } : {}), ...result.stats },
      };
    },
  };
}

/** The programs the settings run, to check they exist before a session starts. */
export function agentPrograms(
  settings: AgentSettings,
): Array<{ kind: AgentKind; program: string }> {
  const kinds = new Set<AgentKind>([settings.kind]);
  for (const spec of [...Object.values(settings.phases ?? {}), ...(settings.fallbacks ?? [])])
    kinds.add(spec.kind);
  return [...kinds].map((kind) => ({
    kind,
    program:
      kind === 'command' ? (splitTemplate(settings.command ?? '')[0] ?? '') : settings.paths[kind],
  }));
}

/** The variable or input that names each agent's program, for "not found" messages. */
export const PROGRAM_SETTING: Readonly<Record<AgentKind, string>> = {
  claude: 'CLAUDE_PATH',
  codex: 'CODEX_PATH',
  gemini: 'GEMINI_PATH',
  command: 'SAMOCODE_AGENT_COMMAND',
};
