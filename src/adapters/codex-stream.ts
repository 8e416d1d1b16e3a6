// Reading the Codex CLI's `codex exec --json` events: how the turn ended, its token usage and
// thread id, and a short description of each command or file change for progress views.
import type { AgentStats } from '../app/ports.js';
import { describeTool } from './claude-stream.js';

export interface CodexOutcome {
  /** The CLI printed an event: it accepted its flags and configuration and started a thread. */
  started: boolean;
  /** How the last turn ended; undefined when the stream stopped before that. */
  ended?: 'completed' | 'failed';
  /** Why the turn failed, or the last error event when the stream stopped without a turn end. */
  error?: string;
  stats: AgentStats;
}

export interface CodexStreamReader {
  /** Reads one line; returns descriptions of the tool calls it starts. */
  read(line: string): string[];
  outcome(): CodexOutcome;
}

export function codexStreamReader(): CodexStreamReader {
  const stats: AgentStats = {};
  let started = false;
  let ended: CodexOutcome['ended'];
  let failure: string | undefined;
  let lastError: string | undefined;
  // Items are described when they start; one reported only on completion is described then.
  const seen = new Set<string>();

  const addUsage = (usage: unknown) => {
    if (!usage || typeof usage !== 'object') return;
    const u = usage as Record<string, unknown>;
    // Responses API counts: input_tokens already includes the cached part, output the reasoning.
    if (isCount(u.input_tokens)) stats.inputTokens = (stats.inputTokens ?? 0) + u.input_tokens;
    if (isCount(u.output_tokens)) stats.outputTokens = (stats.outputTokens ?? 0) + u.output_tokens;
  };

  return {
    read(line) {
      if (!line.startsWith('{')) return [];
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return [];
      }
      started = true;
      switch (event.type) {
        case 'thread.started':
          if (typeof event.thread_id === 'string') stats.sessionId = event.thread_id;
          return [];
        case 'turn.completed':
          addUsage(event.usage);
          ended = 'completed';
          return [];
        case 'turn.failed': {
          addUsage(event.usage);
          ended = 'failed';
          const error = event.error as { message?: unknown } | undefined;
          failure = typeof error?.message === 'string' ? error.message : lastError;
          return [];
        }
        case 'error':
          // Mostly progress ("Reconnecting... 2/5"); it matters only if no turn end follows.
          if (typeof event.message === 'string') lastError = event.message;
          return [];
        case 'item.started':
        case 'item.completed': {
          const item = event.item as Record<string, unknown> | undefined;
          if (!item) return [];
          if (typeof item.id === 'string') {
            if (seen.has(item.id)) return [];
            seen.add(item.id);
          }
          return describeItem(item);
        }
        default:
          return [];
      }
    },
    outcome() {
      const error = ended === 'failed' ? (failure ?? '') : ended ? undefined : lastError;
      return {
        started,
        ...(ended ? { ended } : {}),
        ...(error !== undefined ? { error } : {}),
        stats: { ...stats },
      };
    },
  };
}

/** Tool activity in an item, in the words the Claude adapter uses (`Bash …`, `Edit …`). */
export function describeItem(item: Record<string, unknown>): string[] {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  switch (item.type) {
    case 'command_execution': {
      const command = str(item.command);
      return command === undefined ? [] : [describeTool('Bash', { command: shellScript(command) })];
    }
    case 'file_change': {
      const changes = Array.isArray(item.changes) ? (item.changes as unknown[]) : [];
      return changes.flatMap((change) => {
        const c = (change ?? {}) as Record<string, unknown>;
        const path = str(c.path);
        if (!path) return [];
        const verb = c.kind === 'add' ? 'Write' : c.kind === 'delete' ? 'Delete' : 'Edit';
        return [describeTool(verb, { file_path: path })];
      });
    }
    case 'mcp_tool_call': {
      const name = [str(item.server), str(item.tool)].filter(Boolean).join('.');
      const args = item.arguments;
      return name
        ? [
            describeTool(
              name,
              args && typeof args === 'object' ? (args as Record<string, unknown>) : {},
            ),
          ]
        : [];
    }
    case 'web_search': {
      const query = str(item.query);
      return [query ? describeTool('WebSearch', { pattern: query }) : 'WebSearch'];
    }
    default:
      return [];
  }
}

/**
 * The script of a `<shell> -lc <script>` wrapper, which is how Codex reports every command it
 * runs: the wrapper is the same every time and would push the interesting part out of view.
 */
export function shellScript(command: string): string {
  const words = shellWords(command);
  if (words?.length !== 3) return command;
  const [program, flag, script] = words as [string, string, string];
  if (!/^(?:\S*\/)?(?:ba|z|da)?sh$/.test(program) || !/^-l?c$/.test(flag)) return command;
  return script;
}

/** POSIX shell word splitting of quotes and backslashes only; undefined for anything fancier. */
function shellWords(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === ' ' || ch === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) return undefined;
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      word ??= '';
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && '"\\$`\n'.includes(text[i + 1] ?? '')) i++;
        word += text[i] ?? '';
      }
      if (i >= text.length) return undefined;
    } else if (ch === '\\') {
      word = (word ?? '') + (text[++i] ?? '');
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * The HTTP status behind a failed turn, from the CLI's wording: it names the status for most
 * errors ("unexpected status 503 …", "exceeded retry limit, last status: 429 …") but replaces a 500
 * with a fixed sentence about demand. Verified against codex-cli 0.169.0.
 */
export function apiStatusOf(message: string): number | undefined {
  const named = /\bstatus:? ([1-5]\d\d)\b/.exec(message);
  if (named) return Number(named[1]);
  if (/currently experiencing high demand/i.test(message)) return 500;
  return undefined;
}

/** Failures of the connection itself, which the CLI reports without a status. */
export function isTransportError(message: string): boolean {
  return /stream disconnected|connection failed|error sending request|timed out|reconnecting/i.test(
    message,
  );
}

/** The message of an error body the CLI passed through verbatim (it does so for a 400). */
export function errorDetail(message: string): string {
  try {
    const body = JSON.parse(message) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // not JSON: the message is the detail
  }
  return message;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}
