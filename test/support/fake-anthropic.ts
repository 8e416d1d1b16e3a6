// A fake Anthropic Messages API on 127.0.0.1 for driving the real Claude Code CLI offline.
// `POST /v1/messages` answers with streaming SSE or plain JSON, from a scenario the test owns;
// every request is logged so tests can assert what the CLI sent.
import { listenLocal, readBody } from './local-server.js';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
}

/** One model answer: text, tool calls, an HTTP error, or no answer at all. */
export type Turn =
  | { text: string }
  | { tools: ToolCall[]; text?: string }
  | { status: number; message?: string }
  | { hang: true };

export interface RequestInfo {
  path: string;
  model: string;
  stream: boolean;
  system: string;
  tools: string[];
  /** Assistant messages already in the conversation: the step of the scripted exchange. */
  step: number;
  messages: unknown[];
  maxTokens: number;
}

export type Script = (request: RequestInfo) => Turn;

export interface FakeAnthropic {
  url: string;
  requests: RequestInfo[];
  /** Every request that was not a Messages call (the CLI should make none offline). */
  others: Array<{ method: string; path: string }>;
  setScript(script: Script): void;
  close(): Promise<void>;
}

export async function startFakeAnthropic(
  script: Script = () => ({ text: 'ok' }),
): Promise<FakeAnthropic> {
  let current = script;
  const requests: RequestInfo[] = [];
  const others: Array<{ method: string; path: string }> = [];
  let ids = 0;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const body = await readBody(req);
    if (req.method !== 'POST' || path !== '/v1/messages') {
      others.push({ method: req.method ?? '', path });
      // The CLI checks the endpoint is reachable with `HEAD /` before its first call.
      if (req.method === 'HEAD' && path === '/') {
        res.writeHead(200).end();
        return;
      }
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(errorBody('not_found_error', `no route ${path}`));
      return;
    }
    const payload = JSON.parse(body) as Record<string, unknown>;
    const messages = (payload.messages ?? []) as Array<{ role: string }>;
    const info: RequestInfo = {
      path,
      model: String(payload.model),
      stream: payload.stream === true,
      system: systemText(payload.system),
      tools: ((payload.tools ?? []) as Array<{ name: string }>).map((t) => t.name),
      step: messages.filter((m) => m.role === 'assistant').length,
      messages,
      maxTokens: Number(payload.max_tokens),
    };
    requests.push(info);
    const turn = current(info);
    if ('hang' in turn) return; // never answer; the socket closes when the server does
    if ('status' in turn) {
      const type =
        turn.status === 529
          ? 'overloaded_error'
          : turn.status === 429
            ? 'rate_limit_error'
            : 'api_error';
      res.writeHead(turn.status, {
        'content-type': 'application/json',
        'request-id': `req_${++ids}`,
      });
      res.end(errorBody(type, turn.message ?? `scripted ${turn.status}`));
      return;
    }
    const id = `msg_${++ids}`;
    const blocks: Array<Record<string, unknown>> = [];
    if ('text' in turn && turn.text) blocks.push({ type: 'text', text: turn.text });
    if ('tools' in turn) {
      turn.tools.forEach((tool, i) =>
        blocks.push({
          type: 'tool_use',
          id: `toolu_${ids}_${i}`,
          name: tool.name,
          input: tool.input,
        }),
      );
    }
    const stopReason = 'tools' in turn ? 'tool_use' : 'end_turn';
    const usage = {
      input_tokens: 100,
      output_tokens: 20,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    };
    if (!info.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          type: 'message',
          role: 'assistant',
          model: info.model,
          content: blocks,
          stop_reason: stopReason,
          stop_sequence: null,
          usage,
        }),
      );
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (event: string, data: object) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model: info.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    });
    blocks.forEach((block, index) => {
      if (block.type === 'text') {
        send('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'text', text: '' },
        });
        send('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'text_delta', text: block.text },
        });
      } else {
        send('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        });
        send('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
        });
      }
      send('content_block_stop', { type: 'content_block_stop', index });
    });
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    });
    send('message_stop', { type: 'message_stop' });
    res.end();
  }

  const server = await listenLocal(handle);
  return {
    url: server.url,
    requests,
    others,
    setScript(next) {
      current = next;
    },
    close: () => server.close(),
  };
}

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (Array.isArray(system))
    return system
      .map((b) =>
        typeof b === 'object' && b && 'text' in b ? String((b as { text: unknown }).text) : '',
      )
      .join('\n');
  return '';
}

function errorBody(type: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message } });
}
