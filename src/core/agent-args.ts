// Extra arguments for an agent's CLI (`claude-args`, `codex-args`, `gemini-args`, `args=` in the
// phase map): tool lists, MCP servers, settings files, permission modes — whatever the CLI takes,
// except what the loop's contract depends on. Words are split like a shell would split quoted
// words, but nothing is expanded or run.
import type { AgentKind } from './phase-agents.js';

export type ArgsAgent = Exclude<AgentKind, 'command'>;

/** Splits on whitespace; "double" and 'single' quotes keep a word whole. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g))
    words.push(m[1] ?? m[2] ?? m[3] ?? '');
  return words;
}

interface Reserved {
  /** Options the loop sets or depends on, each with what to use instead. */
  options: Record<string, string>;
  /** Words that would turn the run into another command. */
  words?: Record<string, string>;
}

const LOOP = 'the loop sets it';
const RESERVED: Readonly<Record<ArgsAgent, Reserved>> = {
  claude: {
    options: {
      '-p': LOOP,
      '--print': LOOP,
      '--output-format': 'the loop reads stream-json',
      '--input-format': LOOP,
      '--system-prompt': 'the session context is the system prompt; use prompt overrides instead',
      '--system-prompt-file':
        'the session context is the system prompt; use prompt overrides instead',
      '--append-system-prompt': 'the loop appends the session context',
      '--append-system-prompt-file': 'the loop appends the session context',
      '-c': 'each iteration starts a fresh conversation',
      '--continue': 'each iteration starts a fresh conversation',
      '-r': 'each iteration starts a fresh conversation',
      '--resume': 'each iteration starts a fresh conversation',
      '--model': 'use the model setting',
      '--max-turns': 'use the max-turns setting',
    },
  },
  codex: {
    options: {
      '--json': 'the loop reads its JSON events',
      '-m': 'use the model setting',
      '--model': 'use the model setting',
      '--': 'the prompt follows it',
    },
    words: {
      resume: 'each iteration starts a fresh conversation',
      developer_instructions: 'the loop gives the session context as developer_instructions',
    },
  },
  gemini: {
    options: {
      '-p': LOOP,
      '--prompt': LOOP,
      '-i': LOOP,
      '--prompt-interactive': LOOP,
      '-o': 'the loop reads stream-json',
      '--output-format': 'the loop reads stream-json',
      '-m': 'use the model setting',
      '--model': 'use the model setting',
      '-y': 'use the gemini-approval-mode setting',
      '--yolo': 'use the gemini-approval-mode setting',
      '--approval-mode': 'use the gemini-approval-mode setting',
    },
  },
};

export type AgentArgsParse = { ok: true; args: string[] } | { ok: false; error: string };

/** The words of `text` for `agent`, or why one of them would break the loop (`setting` names where it came from). */
export function parseAgentArgs(agent: ArgsAgent, text: string, setting: string): AgentArgsParse {
  const args = splitWords(text);
  const reserved = RESERVED[agent];
  for (const arg of args) {
    const option = arg.startsWith('-') ? (arg.split('=', 1)[0] ?? arg) : undefined;
    const why =
      (option !== undefined ? reserved.options[option] : undefined) ??
      Object.entries(reserved.words ?? {}).find(
        ([word]) => arg === word || arg.startsWith(`${word}=`),
      )?.[1];
    if (why)
      return {
        ok: false,
        error: `${setting}: "${arg}" cannot be given to ${agent} (${why})`,
      };
  }
  return { ok: true, args };
}
