// Reading Claude Code's `--output-format stream-json` lines: the final `result` line and a short
// description of each tool call for progress views. Other lines are left to the log file.
import type { AgentStats } from '../app/ports.js';

export interface ClaudeResult {
  isError: boolean;
  subtype?: string;
  apiErrorStatus?: number;
  text?: string;
  errors?: string[];
  stats: AgentStats;
}

export function readStreamLine(line: string): { result?: ClaudeResult; activities?: string[] } {
  // Cheap prefix test first: most lines are tool results that never need parsing.
  const head = line.slice(0, 48);
  const isResult = head.includes('"type":"result"');
  const isAssistant = head.includes('"type":"assistant"');
  const isSystem = head.includes('"type":"system"');
  if (!isResult && !isAssistant && !isSystem) return {};
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return {};
  }
  if (value.type === 'result') return { result: toResult(value) };
  if (value.type === 'assistant') return { activities: toolCalls(value) };
  if (value.type === 'system' && value.subtype === 'api_retry')
    return { activities: [apiRetry(value)] };
  return {};
}

/**
 * `API error 529 (overloaded), retrying (attempt 1 of 10) in 1s`: Claude Code retries a failing or
 * unreachable API for minutes on its own; without this line the terminal shows nothing meanwhile.
 */
function apiRetry(value: Record<string, unknown>): string {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const status = num(value.error_status);
  const error = typeof value.error === 'string' && value.error !== 'unknown' ? value.error : '';
  const what =
    status !== undefined
      ? `API error ${status}${error ? ` (${error})` : ''}`
      : `API unreachable${error ? ` (${error})` : ''}`;
  const attempt = num(value.attempt);
  const max = num(value.max_retries);
  const delay = num(value.retry_delay_ms);
  return (
    `${what}, retrying` +
    (attempt !== undefined ? ` (attempt ${attempt}${max !== undefined ? ` of ${max}` : ''})` : '') +
    (delay !== undefined ? ` in ${Math.max(1, Math.round(delay / 1000))}s` : '')
  );
}

function toResult(value: Record<string, unknown>): ClaudeResult {
  const usage = (value.usage ?? {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const input = [
    usage.input_tokens,
    usage.cache_creation_input_tokens,
    usage.cache_read_input_tokens,
  ]
    .map(num)
    .filter((v): v is number => v !== undefined);
  const stats: AgentStats = {};
  const cost = num(value.total_cost_usd);
  if (cost !== undefined) stats.costUsd = cost;
  const turns = num(value.num_turns);
  if (turns !== undefined) stats.turns = turns;
  if (input.length > 0) stats.inputTokens = input.reduce((a, b) => a + b, 0);
  const output = num(usage.output_tokens);
  if (output !== undefined) stats.outputTokens = output;
  if (typeof value.session_id === 'string') stats.sessionId = value.session_id;
  const result: ClaudeResult = { isError: value.is_error === true, stats };
  if (typeof value.subtype === 'string') result.subtype = value.subtype;
  const status = num(value.api_error_status);
  if (status !== undefined) result.apiErrorStatus = status;
  if (typeof value.result === 'string') result.text = value.result;
  if (Array.isArray(value.errors)) result.errors = value.errors.map(String);
  return result;
}

function toolCalls(value: Record<string, unknown>): string[] {
  const message = value.message as { content?: unknown } | undefined;
  if (!Array.isArray(message?.content)) return [];
  const calls: string[] = [];
  for (const block of message.content as Array<Record<string, unknown>>) {
    if (block.type !== 'tool_use' || typeof block.name !== 'string') continue;
    calls.push(describeTool(block.name, (block.input ?? {}) as Record<string, unknown>));
  }
  return calls;
}

export function describeTool(name: string, input: Record<string, unknown>): string {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const target =
    str(input.file_path) ??
    str(input.path) ??
    str(input.command) ??
    str(input.pattern) ??
    str(input.url) ??
    str(input.description);
  if (!target) return name;
  const oneLine = target.replace(/\s+/g, ' ').trim();
  // Paths keep their end (the file name); commands keep their start.
  const isPath = target === str(input.file_path) || target === str(input.path);
  if (oneLine.length <= 80) return `${name} ${oneLine}`;
  return isPath ? `${name} …${oneLine.slice(-79)}` : `${name} ${oneLine.slice(0, 79)}…`;
}
