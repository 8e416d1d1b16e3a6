// A fake Gemini API (generativelanguage.googleapis.com) on 127.0.0.1 for driving the real Gemini
// CLI offline. `POST /v1beta/models/{model}:streamGenerateContent?alt=sse` (the agent loop) and
// `:generateContent` (the CLI's side questions, e.g. model routing) answer from a scenario the
// test owns; every request is logged. The same server is the HTTP(S) proxy the CLI is given, so
// any attempt to reach another host is refused and recorded in `others`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { listenLocal, readBody } from './local-server.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';

export interface FunctionCall {
  name: string;
  args: Record<string, unknown>;
}

/** One model answer: text, tool calls, an HTTP error, or no answer at all. */
export type Turn =
  | { text: string }
  | { calls: FunctionCall[]; text?: string }
  | { status: number; message?: string }
  | { hang: true };

export interface RequestInfo {
  path: string;
  model: string;
  method: 'streamGenerateContent' | 'generateContent';
  system: string;
  /** The text of every user part, joined: the CLI's session context, then our prompt. */
  userText: string;
  tools: string[];
  /** Model turns already in the conversation: the step of the scripted exchange. */
  step: number;
  contents: unknown[];
}

export type Script = (request: RequestInfo) => Turn;

/** What every successful answer reports, so tests can check the CLI's token totals. */
export const USAGE = { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 120 };

export interface FakeGemini {
  url: string;
  requests: RequestInfo[];
  /** Requests to anything but the model endpoints, and proxy tunnels to other hosts. */
  others: Array<{ method: string; path: string }>;
  setScript(script: Script): void;
  close(): Promise<void>;
}

// The status names Google puts next to HTTP codes in its error bodies.
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export async function startFakeGemini(
  script: Script = () => ({ text: 'ok' }),
): Promise<FakeGemini> {
  let current = script;
  const requests: RequestInfo[] = [];
  const others: Array<{ method: string; path: string }> = [];
  let ids = 0;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const body = await readBody(req);
    const route = /^\/v1beta\/models\/([^/:]+):(\w+)$/.exec(path);
    const method = route?.[2];
    if (req.method === 'POST' && method === 'countTokens') {
      json(res, 200, { totalTokens: USAGE.promptTokenCount });
      return;
    }
    if (
      req.method !== 'POST' ||
      !route ||
      (method !== 'streamGenerateContent' && method !== 'generateContent')
    ) {
      others.push({ method: req.method ?? '', path });
      json(res, 404, errorBody(404, `no route ${path}`));
      return;
    }
    const payload = JSON.parse(body) as Record<string, unknown>;
    const contents = (payload.contents ?? []) as Content[];
    const info: RequestInfo = {
      path,
      model: decodeURIComponent(route[1] ?? ''),
      method,
      system: partsText((payload.systemInstruction as Content | undefined)?.parts),
      userText: contents
        .filter((c) => c.role === 'user')
        .map((c) => partsText(c.parts))
        .join('\n'),
      tools: ((payload.tools ?? []) as Array<{ functionDeclarations?: Array<{ name: string }> }>)
        .flatMap((t) => t.functionDeclarations ?? [])
        .map((f) => f.name),
      step: contents.filter((c) => c.role === 'model').length,
      contents,
    };
    requests.push(info);
    const turn = current(info);
    if ('hang' in turn) return; // never answer; the socket closes when the server does
    if ('status' in turn) {
      json(res, turn.status, errorBody(turn.status, turn.message ?? `scripted ${turn.status}`));
      return;
    }
    const parts: Array<Record<string, unknown>> = [];
    if (turn.text) parts.push({ text: turn.text });
    if ('calls' in turn)
      for (const call of turn.calls)
        parts.push({ functionCall: { name: call.name, args: call.args } });
    const answer = (chunkParts: Array<Record<string, unknown>>, last: boolean) => ({
      candidates: [
        {
          content: { role: 'model', parts: chunkParts },
          index: 0,
          ...(last ? { finishReason: 'STOP' } : {}),
        },
      ],
      ...(last ? { usageMetadata: USAGE } : {}),
      modelVersion: info.model,
      responseId: `resp_${++ids}`,
    });
    if (method === 'generateContent') {
      json(res, 200, answer(parts, true));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    // Text first and tool calls with the finish reason after, as the real API streams them.
    const text = parts.filter((p) => 'text' in p);
    const calls = parts.filter((p) => 'functionCall' in p);
    if (text.length > 0 && calls.length > 0) sse(res, answer(text, false));
    sse(res, answer(calls.length > 0 ? calls : text, true));
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

/** The CLI's entry point: the package's bin, a Node script with a `#!/usr/bin/env node` line. */
export function geminiBin(): string {
  return resolve('node_modules/.bin/gemini');
}

/**
 * A home folder and environment that point the real CLI at the fake: API-key auth against its
 * URL, nothing else on the network (telemetry, usage statistics, update checks off; every other
 * host goes through the fake as a proxy that refuses), and one attempt per request so error
 * tests do not sit through the CLI's own backoff.
 */
export function geminiEnv(apiUrl: string, home: string): Record<string, string> {
  mkdirSync(join(home, '.gemini'), { recursive: true });
  mkdirSync(join(home, 'tmp'));
  writeFileSync(
    join(home, '.gemini', 'settings.json'),
    JSON.stringify(
      {
        security: { auth: { selectedType: 'gemini-api-key' } },
        general: {
          enableAutoUpdate: false,
          enableAutoUpdateNotification: false,
          maxAttempts: 1,
        },
        privacy: { usageStatisticsEnabled: false },
        telemetry: { enabled: false },
        ide: { enabled: false },
      },
      null,
      2,
    ),
  );
  return {
    HOME: home,
    GEMINI_API_KEY: 'test',
    GOOGLE_GEMINI_BASE_URL: apiUrl,
    HTTPS_PROXY: apiUrl,
    HTTP_PROXY: apiUrl,
    NO_PROXY: '127.0.0.1',
    // The CLI writes a report file to the temp folder for every API error.
    TMPDIR: join(home, 'tmp'),
  };
}

export const writeFile = (file_path: string, content: string): FunctionCall => ({
  name: 'write_file',
  args: { file_path, content },
});
export const shell = (command: string): FunctionCall => ({
  name: 'run_shell_command',
  args: { command, description: 'scripted step' },
});

interface Content {
  role?: string;
  parts?: Array<{ text?: string }>;
}

function partsText(parts: Content['parts']): string {
  return (parts ?? [])
    .map((p) => p.text ?? '')
    .filter(Boolean)
    .join('\n');
}

function sse(res: ServerResponse, data: object) {
  res.write(`data: ${JSON.stringify(data)}\r\n\r\n`);
}

function json(res: ServerResponse, status: number, body: object) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function errorBody(status: number, message: string) {
  return { error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN' } };
}
