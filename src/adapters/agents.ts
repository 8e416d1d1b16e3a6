// Choosing the agent adapter: Claude Code by default, or any CLI through a command template.
import type { Agent } from '../app/ports.js';
import { claudeCodeAgent } from './claude-code-agent.js';
import type { ClaudeSettings } from './claude-code-agent.js';
import { commandAgent, splitTemplate } from './command-agent.js';

export const AGENT_KINDS = ['claude', 'command'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

export interface AgentChoice {
  kind: AgentKind;
  claude: ClaudeSettings;
  /** The command template, for kind `command`. */
  command?: string;
}

export function makeAgent(choice: AgentChoice): Agent {
  if (choice.kind === 'command') {
    return commandAgent({ template: choice.command ?? '', baseEnv: choice.claude.baseEnv });
  }
  return claudeCodeAgent(choice.claude);
}

/** The program an agent choice runs, to check it exists before a session starts. */
export function agentProgram(choice: AgentChoice): string {
  return choice.kind === 'command'
    ? (splitTemplate(choice.command ?? '')[0] ?? '')
    : choice.claude.command;
}
