// Reading the Gemini CLI's `--output-format stream-json` lines: the session id from `init`, the
// final `result` (success, or an error with its message), and a short description of each tool
// call for progress views. Assistant text and tool output are left to the log file.
import type { AgentStats } from '../app/ports.js';
import { describeTool } from './claude-stream.js';

export interface GeminiResult {
  isError: boolean;
  /** The CLI's error class, e.g. `FatalTurnLimitedError`; `unknown` for API errors. */
  errorType?: string;
  errorMessage?: string;
  stats: AgentStats;
}

export interface GeminiLine {
  result?: GeminiResult;
  sessionId?: string;
  activities?: string[];
  /** An `error` event: a warning, or the reason for a result that carries no error of its own. */
  error?: string;
}

export function readGeminiLine(line: string): GeminiLine {
  // Cheap test first: most lines are assistant text deltas and tool output.
  const head = line.slice(0, 24);
  if (
    !head.includes('"type":"result"') &&
    !head.includes('"type":"tool_use"') &&
    !head.includes('"type":"init"') &&
    !head.includes('"type":"error"')
  )
    return {};
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return {};
  }
  switch (value.type) {
    case 'init':
      return typeof value.session_id === 'string' ? { sessionId: value.session_id } : {};
    case 'tool_use':
      if (typeof value.tool_name !== 'string') return {};
      return {
        activities: [describeGeminiTool(value.tool_name, asRecord(value.parameters))],
      };
    case 'error':
      return typeof value.message === 'string' ? { error: value.message } : {};
    case 'result':
      return { result: toResult(value) };
    default:
      return {};
  }
}

function toResult(value: Record<string, unknown>): GeminiResult {
  const stats: AgentStats = {};
  const raw = asRecord(value.stats);
  const input = num(raw.input_tokens);
  if (input !== undefined) stats.inputTokens = input;
  const output = num(raw.output_tokens);
  if (output !== undefined) stats.outputTokens = output;
  // The CLI reports neither cost nor turns; leaving them out keeps them "unknown", not zero.
  const result: GeminiResult = { isError: value.status !== 'success', stats };
  const error = asRecord(value.error);
  if (typeof error.type === 'string') result.errorType = error.type;
  if (typeof error.message === 'string') result.errorMessage = error.message;
  return result;
}

// The names the CLI itself shows for its tools, so progress reads like its own UI.
const TOOL_NAMES: Record<string, string> = {
  run_shell_command: 'Shell',
  write_file: 'WriteFile',
  replace: 'Edit',
  read_file: 'ReadFile',
  read_many_files: 'ReadManyFiles',
  list_directory: 'ReadFolder',
  glob: 'FindFiles',
  grep_search: 'SearchText',
  web_fetch: 'WebFetch',
  google_web_search: 'GoogleSearch',
  save_memory: 'SaveMemory',
};

export function describeGeminiTool(name: string, params: Record<string, unknown>): string {
  const shown = TOOL_NAMES[name] ?? name;
  // Gemini's parameter names differ from Claude's; map them onto the ones describeTool knows.
  return describeTool(shown, {
    file_path: params.file_path,
    path: params.dir_path,
    command: params.command,
    pattern: params.pattern ?? params.query,
  });
}

// Google RPC status names, for error bodies the CLI passes on without the HTTP code.
const RPC_STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/**
 * The HTTP status behind an `[API Error: …]` result. The message carries it only sometimes (the
 * error body as JSON for some statuses, a bare message for others), but the CLI always exits with
 * the status as its exit code, which the OS truncates to a byte: 429 → 173, 500 → 244.
 */
export function apiErrorStatus(message: string, exitCode?: number): number | undefined {
  if (!message.startsWith('[API Error')) return undefined;
  const code = /"code":\s*(\d{3})\b/.exec(message)?.[1];
  if (code) return Number(code);
  const name = /"status":\s*"([A-Z_]+)"|\(Status: ([A-Z_]+)\)/.exec(message);
  const fromName = RPC_STATUS[name?.[1] ?? name?.[2] ?? ''];
  if (fromName) return fromName;
  // Exit codes from 144 up are 400–511 truncated; the CLI's own exit codes are all below 144.
  if (exitCode !== undefined && exitCode >= 144 && exitCode <= 255) return exitCode + 256;
  if (/Please wait and try again later|quota/i.test(message)) return 429;
  return undefined;
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
