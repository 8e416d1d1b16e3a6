// A fake OpenAI Responses API on 127.0.0.1 for driving the real Codex CLI offline.
// `POST /v1/responses` streams SSE from a scenario the test owns; every request is logged, and so is
// every attempt to reach anything else: the CLI's HTTPS proxy points here, so a call to another host
// arrives as a CONNECT that is logged and refused instead of hanging on a network that is not there.
import { mkdirSync, writeFileSync } from 'node:fs';
import { listenLocal, readBody } from './local-server.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

export interface FunctionCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface Usage {
  input: number;
  cached: number;
  output: number;
}

/** One model answer: text, function calls, an HTTP error, or no answer at all. */
export type Turn =
  | { text: string; usage?: Usage }
  | { calls: FunctionCall[]; text?: string; usage?: Usage }
  | { status: number; message?: string }
  | { hang: true };

export interface RequestInfo {
  path: string;
  model: string;
  stream: boolean;
  /** Text of the developer messages: Codex's own instructions and ours. */
  developer: string[];
  /** Text of the user messages (the environment context, then the prompt). */
  user: string[];
  tools: string[];
  /** Model answers already in the conversation: the step of the scripted exchange. */
  step: number;
  input: unknown[];
  /** What the fake answered: the usage it reported, or the HTTP status of an error. */
  usage?: Usage;
  status?: number;
}

export type Script = (request: RequestInfo) => Turn;

export interface FakeOpenAI {
  url: string;
  requests: RequestInfo[];
  /** Every request that was not a Responses call, CONNECTs through the proxy included. */
  others: Array<{ method: string; path: string }>;
  setScript(script: Script): void;
  close(): Promise<void>;
}

const DEFAULT_USAGE: Usage = { input: 1200, cached: 200, output: 40 };

export async function startFakeOpenAI(
  script: Script = () => ({ text: 'ok' }),
): Promise<FakeOpenAI> {
  let current = script;
  const requests: RequestInfo[] = [];
  const others: Array<{ method: string; path: string }> = [];
  let responses = 0;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const body = await readBody(req);
    if (req.method !== 'POST' || path !== '/v1/responses') {
      others.push({ method: req.method ?? '', path: req.url ?? '' });
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(errorBody(404, `no route ${path}`));
      return;
    }
    const payload = JSON.parse(body) as Record<string, unknown>;
    const input = (Array.isArray(payload.input) ? payload.input : []) as Array<
      Record<string, unknown>
    >;
    const info: RequestInfo = {
      path,
      model: String(payload.model),
      stream: payload.stream === true,
      developer: messageTexts(input, 'developer'),
      user: messageTexts(input, 'user'),
      tools: ((payload.tools ?? []) as Array<{ name?: string; type: string }>).map(
        (t) => t.name ?? t.type,
      ),
      step: modelTurns(input),
      input,
    };
    requests.push(info);
    const turn = current(info);
    if ('hang' in turn) return; // never answer; the socket closes when the server does
    if ('status' in turn) {
      info.status = turn.status;
      res.writeHead(turn.status, { 'content-type': 'application/json' });
      res.end(errorBody(turn.status, turn.message ?? `scripted ${turn.status}`));
      return;
    }
    const n = ++responses;
    const usage = turn.usage ?? DEFAULT_USAGE;
    info.usage = usage;
    const items: Array<Record<string, unknown>> = [];
    if (turn.text) {
      items.push({
        type: 'message',
        id: `msg_${n}`,
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: turn.text, annotations: [] }],
      });
    }
    if ('calls' in turn) {
      turn.calls.forEach((call, i) =>
        items.push({
          type: 'function_call',
          id: `fc_${n}_${i}`,
          call_id: `call_${n}_${i}`,
          name: call.name,
          arguments: JSON.stringify(call.arguments),
          status: 'completed',
        }),
      );
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (data: Record<string, unknown>) =>
      res.write(`event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`);
    const id = `resp_${n}`;
    send({ type: 'response.created', response: { id, status: 'in_progress', output: [] } });
    items.forEach((item, index) => {
      send({ type: 'response.output_item.added', output_index: index, item });
      send({ type: 'response.output_item.done', output_index: index, item });
    });
    send({
      type: 'response.completed',
      response: {
        id,
        status: 'completed',
        output: items,
        usage: {
          input_tokens: usage.input,
          input_tokens_details: { cached_tokens: usage.cached },
          output_tokens: usage.output,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: usage.input + usage.output,
        },
      },
    });
    res.end();
  }

  const server = await listenLocal(handle, (target) =>
    others.push({ method: 'CONNECT', path: target }),
  );
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

/** The running shell command the Codex CLI offers the model (its `exec_command` tool). */
export const shell = (cmd: string): FunctionCall => ({ name: 'exec_command', arguments: { cmd } });

/** A file edit as the model writes it: Codex intercepts `apply_patch` and reports a file change. */
export const addFile = (path: string, content: string): FunctionCall =>
  shell(
    `apply_patch <<'PATCH'\n*** Begin Patch\n*** Add File: ${path}\n` +
      content
        .split('\n')
        .map((line) => `+${line}`)
        .join('\n') +
      '\n*** End Patch\nPATCH\n',
  );

/**
 * A CODEX_HOME under `root` whose config.toml sends the real Codex CLI to the fake and nowhere else,
 * and the environment that selects it (a temporary HOME, the key, the trap proxy).
 */
export function codexEnv(fake: FakeOpenAI, root: string): Record<string, string> {
  const home = join(root, 'home');
  const codexHome = join(root, 'codex-home');
  mkdirSync(home, { recursive: true });
  mkdirSync(codexHome, { recursive: true });
  writeFileSync(
    join(codexHome, 'config.toml'),
    [
      'model_provider = "fake"',
      'check_for_update_on_startup = false',
      '',
      // The CLI otherwise reports to ab.chatgpt.com and syncs plugins from GitHub and chatgpt.com.
      '[analytics]',
      'enabled = false',
      '',
      '[features]',
      'plugins = false',
      '',
      // A provider of our own: with the built-in "openai" one, codex 0.169 ignored OPENAI_BASE_URL
      // and tried a WebSocket transport first. Retries are off so HTTP errors surface at once.
      '[model_providers.fake]',
      'name = "Fake OpenAI"',
      `base_url = "${fake.url}/v1"`,
      'wire_api = "responses"',
      'env_key = "FAKE_OPENAI_API_KEY"',
      'supports_websockets = false',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
    ].join('\n'),
  );
  return {
    HOME: home,
    CODEX_HOME: codexHome,
    FAKE_OPENAI_API_KEY: 'test',
    HTTPS_PROXY: fake.url,
    HTTP_PROXY: fake.url,
    ALL_PROXY: fake.url,
    NO_PROXY: '127.0.0.1,localhost',
  };
}

function messageTexts(input: Array<Record<string, unknown>>, role: string): string[] {
  const texts: string[] = [];
  for (const item of input) {
    if (item.type !== 'message' || item.role !== role || !Array.isArray(item.content)) continue;
    for (const part of item.content as Array<Record<string, unknown>>) {
      if (typeof part.text === 'string') texts.push(part.text);
    }
  }
  return texts;
}

/** Runs of consecutive model output items (a message, calls) in the replayed conversation. */
function modelTurns(input: Array<Record<string, unknown>>): number {
  let turns = 0;
  let inTurn = false;
  for (const item of input) {
    const fromModel =
      item.type === 'function_call' ||
      item.type === 'reasoning' ||
      (item.type === 'message' && item.role === 'assistant');
    if (fromModel && !inTurn) turns++;
    inTurn = fromModel;
  }
  return turns;
}

function errorBody(status: number, message: string): string {
  const [type, code] =
    status === 429
      ? ['requests', 'rate_limit_exceeded']
      : status >= 500
        ? ['server_error', null]
        : ['invalid_request_error', null];
  return JSON.stringify({ error: { message, type, param: null, code } });
}
