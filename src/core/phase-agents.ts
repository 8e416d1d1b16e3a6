// Which agent runs which phase: the `agents` setting, one line per phase, such as
//   implementation: claude model=claude-opus-4-5 max-turns=80
//   quality: codex model=gpt-5-codex
// Phases not named run the default agent. Every agent follows the same signal protocol.
import { PHASES, isPhase } from './phases.js';
import type { Phase } from './phases.js';
import { parseAgentArgs } from './agent-args.js';

export const AGENT_KINDS = ['claude', 'codex', 'gemini', 'command'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

export function isAgentKind(value: string): value is AgentKind {
  return (AGENT_KINDS as readonly string[]).includes(value);
}

export interface PhaseAgent {
  kind: AgentKind;
  model?: string;
  maxTurns?: number;
  /** The phase's iteration time limit in seconds, instead of the run's. */
  timeoutSeconds?: number;
  /** Extra arguments for the agent's CLI in this phase, instead of its `<agent>-args`. */
  args?: string[];
}

export type PhaseAgents = Partial<Record<Phase, PhaseAgent>>;

export type PhaseAgentsParse = { ok: true; agents: PhaseAgents } | { ok: false; error: string };

const EXAMPLE =
  'e.g. "implementation: claude model=claude-opus-4-5" or "quality: codex max-turns=30"';

/** Reads the map from lines (or `;`-separated entries); `#` starts a comment. */
export function parsePhaseAgents(text: string): PhaseAgentsParse {
  const agents: PhaseAgents = {};
  const entries = text
    .split(/[\n;]/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean);
  for (const entry of entries) {
    const match = /^([a-z]+)\s*:\s*(\S+)(.*)$/i.exec(entry);
    if (!match)
      return { ok: false, error: `"${entry}" is not "<phase>: <agent> [options]" (${EXAMPLE})` };
    const phase = (match[1] ?? '').toLowerCase();
    const kind = (match[2] ?? '').toLowerCase();
    if (!isPhase(phase))
      return { ok: false, error: `"${phase}" is not a phase (phases: ${PHASES.join(', ')})` };
    if (!isAgentKind(kind))
      return {
        ok: false,
        error: `"${kind}" for phase ${phase} is not an agent (agents: ${AGENT_KINDS.join(', ')})`,
      };
    if (agents[phase]) return { ok: false, error: `phase ${phase} is given an agent twice` };
    const spec = parseAgentSpec(kind, match[3] ?? '', `for phase ${phase}`);
    if ('error' in spec) return { ok: false, error: spec.error };
    agents[phase] = spec;
  }
  return { ok: true, agents };
}

/** An agent's options after its name: model=, max-turns=, timeout=, and args= (the rest). */
function parseAgentSpec(
  kind: AgentKind,
  text: string,
  where: string,
): PhaseAgent | { error: string } {
  const spec: PhaseAgent = { kind };
  // `args=` takes the rest of the entry: the CLI's own words, quoted as a shell would.
  const [options = '', argsText] = text.split(/(?:^|\s)args=/, 2);
  if (argsText !== undefined) {
    if (kind === 'command')
      return {
        error: `args ${where}: the command agent takes its arguments in its command template`,
      };
    const args = parseAgentArgs(kind, argsText, `args ${where}`);
    if (!args.ok) return { error: args.error };
    spec.args = args.args;
  }
  for (const option of options.trim().split(/\s+/).filter(Boolean)) {
    const [key, value] = option.split('=', 2);
    if (key === 'model' && value) spec.model = value;
    else if (key === 'max-turns' && kind !== 'claude')
      return { error: `max-turns ${where}: only claude has a turn limit (${kind} has none)` };
    else if (key === 'max-turns' && value && /^\d+$/.test(value) && Number(value) > 0)
      spec.maxTurns = Number(value);
    else if (key === 'timeout' && value && /^\d+$/.test(value) && Number(value) > 0)
      spec.timeoutSeconds = Number(value);
    else
      return {
        error: `"${option}" ${where} is not an option: use model=<name>, max-turns=<whole number>, timeout=<seconds> or args=<the CLI's arguments> (last)`,
      };
  }
  return spec;
}

export type FallbackAgentsParse = { ok: true; agents: PhaseAgent[] } | { ok: false; error: string };

/**
 * The ordered list of fallback-agents: one per line (or `;`-separated, or `,` between entries
 * without args=), each "<agent> [model=<name>] [max-turns=<n>] [timeout=<s>] [args=…]".
 */
export function parseFallbackAgents(text: string): FallbackAgentsParse {
  const agents: PhaseAgent[] = [];
  const entries = text
    .split(/[\n;]/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .flatMap((line) => (/(?:^|\s)args=/.test(line) ? [line] : line.split(',')))
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [name = '', ...rest] = entry.split(/\s+/);
    const kind = name.toLowerCase();
    if (!isAgentKind(kind))
      return {
        ok: false,
        error: `"${name}" is not an agent (agents: ${AGENT_KINDS.join(', ')}), e.g. "codex model=gpt-5-codex, gemini"`,
      };
    const spec = parseAgentSpec(kind, rest.join(' '), `for fallback ${kind}`);
    if ('error' in spec) return { ok: false, error: spec.error };
    agents.push(spec);
  }
  return { ok: true, agents };
}

/** One line per phase, for logs and the job summary. */
export function describePhaseAgents(agents: PhaseAgents): string {
  return PHASES.filter((p) => agents[p])
    .map((p) => {
      const a = agents[p] as PhaseAgent;
      return `${p}: ${a.kind}${a.model ? ` model=${a.model}` : ''}${a.maxTurns ? ` max-turns=${a.maxTurns}` : ''}${a.timeoutSeconds ? ` timeout=${a.timeoutSeconds}` : ''}${a.args?.length ? ` args=${a.args.join(' ')}` : ''}`;
    })
    .join('; ');
}
