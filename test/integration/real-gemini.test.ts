// The Gemini adapter driving the real Gemini CLI, offline: the CLI talks to a fake Gemini API on
// 127.0.0.1 whose scripted answers are function calls (write_file, run_shell_command) that the CLI
// really executes. The stream reader is also checked against output recorded from the real CLI.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geminiAgent, geminiArgs } from '../../src/adapters/gemini-agent.js';
import {
  apiErrorStatus,
  describeGeminiTool,
  readGeminiLine,
} from '../../src/adapters/gemini-stream.js';
import type { AgentRun } from '../../src/app/ports.js';
import { isRetryable } from '../../src/core/agent-retry.js';
import { processesMentioning } from '../support/claude-cli.js';
import {
  USAGE,
  geminiBin,
  geminiEnv,
  shell,
  startFakeGemini,
  writeFile,
} from '../support/fake-gemini.js';
import type { FakeGemini } from '../support/fake-gemini.js';
import { tempDir } from '../support/temp.js';
import { until } from '../support/wait.js';

const MODEL = 'gemini-scripted';
let fake: FakeGemini;

beforeAll(async () => {
  fake = await startFakeGemini();
});
afterAll(async () => {
  await fake.close();
});

/** A worktree and a session folder beside it, as the engine lays them out. */
function setup(options: { killGraceMs?: number; settings?: boolean } = {}) {
  const root = tempDir('samocode-gemini-');
  const work = join(root, 'project');
  const session = join(root, 'project-samocode', 'sessions', 'demo');
  mkdirSync(work, { recursive: true });
  mkdirSync(session, { recursive: true });
  const env = geminiEnv(fake.url, join(root, 'home'));
  // No settings file and no key: a machine where the CLI was never set up.
  if (options.settings === false) {
    env.HOME = join(root, 'bare-home');
    mkdirSync(env.HOME);
    delete env.GEMINI_API_KEY;
    delete env.GOOGLE_GEMINI_BASE_URL;
  }
  const agent = geminiAgent({
    command: geminiBin(),
    model: MODEL,
    baseEnv: { PATH: process.env.PATH ?? '', ...env },
    ...(options.killGraceMs !== undefined ? { killGraceMs: options.killGraceMs } : {}),
  });
  const activities: string[] = [];
  const logFile = join(session, '_logs', 'one.jsonl');
  const run = (prompt: string, patch: Partial<AgentRun> = {}) =>
    agent.run({
      prompt,
      context: `# Samocode session context\nSession folder: ${session}\nWorking directory (git worktree): ${work}`,
      cwd: work,
      env: { SAMOCODE_SESSION_DIR: session, SAMOCODE_PHASE: 'init' },
      timeoutMs: 25_000,
      logFile,
      onActivity: (a) => activities.push(a),
      ...patch,
    });
  return { root, work, session, run, activities, log: () => readFileSync(logFile, 'utf8') };
}

describe('the real Gemini CLI through the adapter', () => {
  it('runs the tools the model calls, writes the session signal, and reports tokens and the session id', async () => {
    const t = setup();
    fake.setScript((request) =>
      request.userText.includes(t.session) && request.step === 0
        ? {
            text: 'Writing the signal.',
            calls: [
              writeFile(join(t.session, '_signal.json'), '{"status":"continue"}'),
              shell('printf hello > greeting.txt && cat greeting.txt'),
            ],
          }
        : { text: 'Done: signal written.' },
    );
    fake.requests.length = 0;

    const result = await t.run('Do the next step.');

    expect(result).toMatchObject({
      ok: true,
      stats: {
        // Two model calls: the tool calls, then the closing text.
        inputTokens: 2 * USAGE.promptTokenCount,
        outputTokens: 2 * USAGE.candidatesTokenCount,
        sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      },
    });
    expect(result.stats.costUsd).toBeUndefined();
    expect(result.stats.turns).toBeUndefined();
    // The session folder is outside the worktree: write_file works there only through
    // --include-directories.
    expect(readFileSync(join(t.session, '_signal.json'), 'utf8')).toBe('{"status":"continue"}');
    expect(readFileSync(join(t.work, 'greeting.txt'), 'utf8')).toBe('hello');
    expect(t.activities).toEqual([
      `WriteFile ${join(t.session, '_signal.json')}`,
      'Shell printf hello > greeting.txt && cat greeting.txt',
    ]);
    const types = t
      .log()
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types[0]).toBe('init');
    expect(types).toContain('tool_use');
    expect(types).toContain('tool_result');
    expect(types.at(-1)).toBe('result');

    // What the CLI sent: our model, the session facts ahead of our prompt, its real tools.
    expect(fake.requests.map((r) => [r.method, r.model])).toEqual([
      ['streamGenerateContent', MODEL],
      ['streamGenerateContent', MODEL],
    ]);
    const first = fake.requests[0];
    expect(first?.userText).toContain(`Session folder: ${t.session}\n`);
    expect(first?.userText).toMatch(
      /Working directory \(git worktree\): .*\n\n---\n\nDo the next step\.$/,
    );
    expect(first?.tools).toEqual(expect.arrayContaining(['write_file', 'run_shell_command']));
    expect(first?.system).toContain('Gemini CLI'); // its own system prompt is kept
    expect(fake.others).toEqual([]); // no telemetry, update checks or other hosts
  });

  describe('API errors', () => {
    const status = (r: { userText: string }) => Number(/HTTP (\d{3})/.exec(r.userText)?.[1]);
    beforeAll(() => fake.setScript((r) => ({ status: status(r), message: 'scripted failure' })));

    it.concurrent.each([
      [429, true],
      [500, true],
      [503, true],
      [400, false],
      [403, false],
    ])('reports HTTP %i as an API failure with its status (retryable: %s)', async (code, retry) => {
      const t = setup();
      const result = await t.run(`Answer with HTTP ${code}.`);
      expect(result).toMatchObject({ ok: false, failure: { kind: 'api', apiStatus: code } });
      if (result.ok) return;
      expect(result.message).toMatch(new RegExp(`^API error ${code}: \\[API Error: `));
      expect(isRetryable(result.failure)).toBe(retry);
      expect(result.stats.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      // One request: general.maxAttempts 1 turns the CLI's own backoff off.
      expect(fake.requests.filter((r) => status(r) === code)).toHaveLength(1);
    });
  });

  it('stops a CLI stuck on a hung API and leaves no process behind', async () => {
    const t = setup({ killGraceMs: 500 });
    fake.setScript(() => ({ hang: true }));
    fake.requests.length = 0;
    // Stopped once the CLI is known to wait on the model, however long a loaded machine took to
    // start it: the condition, not a guess at the time it takes.
    const stop = new AbortController();
    const result = t.run('Hang.', { timeoutMs: 120_000, signal: stop.signal });
    await until(() => fake.requests.length === 1, 'the CLI to call the model', 60_000);
    stop.abort();
    expect(await result).toMatchObject({ ok: false, failure: { kind: 'aborted' } });
    expect(fake.requests).toHaveLength(1);
    expect(readGeminiLine(t.log().split('\n')[0] ?? '').sessionId).toBeDefined();
    // The CLI relaunches itself in a child process; neither may survive.
    expect(processesMentioning(t.root)).toEqual([]);
  });

  it('does not retry a CLI that has no API key or other auth set up', async () => {
    const t = setup({ settings: false });
    const result = await t.run('Anything.');
    expect(result).toMatchObject({ ok: false, failure: { kind: 'other' } });
    if (!result.ok) {
      expect(result.message).toMatch(/^the agent exited with code 41 before it started: /);
      expect(result.message).toContain('GEMINI_API_KEY');
    }
  });

  it('reports a program that does not exist', async () => {
    const root = tempDir();
    const agent = geminiAgent({ command: '/no/such/gemini', baseEnv: {} });
    const result = await agent.run({
      prompt: 'p',
      context: 'c',
      cwd: root,
      env: {},
      timeoutMs: 5_000,
      logFile: join(root, 'l.jsonl'),
    });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'other' } });
    if (!result.ok)
      expect(result.message).toBe(
        'the agent program "/no/such/gemini" was not found: install the Gemini CLI ' +
          '(npm i -g @google/gemini-cli) or set GEMINI_PATH to its path',
      );
  });
});

describe('geminiArgs', () => {
  it('runs headless with streamed JSON, never asks for approval, and leads the prompt with the context', () => {
    const session = tempDir();
    expect(
      geminiArgs(
        { command: 'gemini', model: 'gemini-2.5-pro', baseEnv: {} },
        { prompt: 'P', context: 'C', env: { SAMOCODE_SESSION_DIR: session } },
      ),
    ).toEqual([
      '--prompt=C\n\n---\n\nP',
      '--output-format',
      'stream-json',
      '--model',
      'gemini-2.5-pro',
      '--approval-mode=yolo',
      '--skip-trust',
      '--include-directories',
      session,
    ]);
  });

  it('takes another approval mode, and leaves out a session folder that does not exist', () => {
    const args = geminiArgs(
      { command: 'gemini', approvalMode: 'auto_edit', baseEnv: {} },
      { prompt: 'P', context: '', env: { SAMOCODE_SESSION_DIR: '/no/such/dir' } },
    );
    expect(args).toEqual([
      '--prompt=P',
      '--output-format',
      'stream-json',
      '--approval-mode=auto_edit',
      '--skip-trust',
    ]);
  });
});

describe('reading output recorded from the real CLI', () => {
  const fixture = (name: string) => readFileSync(resolve('test/fixtures', name), 'utf8');

  it('finds the session id, the tool calls and the result of a run', () => {
    const read = fixture('gemini-stream.jsonl')
      .trim()
      .split('\n')
      .map((line) => readGeminiLine(line));
    expect(read.find((r) => r.sessionId)?.sessionId).toBe('0a7fe91d-6ead-4462-a6ab-ea5498cb3870');
    expect(read.flatMap((r) => r.activities ?? [])).toEqual([
      'WriteFile /work/project-samocode/sessions/demo/_signal.json',
      'WriteFile /etc/outside.txt',
      'Shell printf hello > greeting.txt && cat greeting.txt',
    ]);
    expect(read.filter((r) => r.result).map((r) => r.result)).toEqual([
      { isError: false, stats: { inputTokens: 200, outputTokens: 40 } },
    ]);
  });

  it.each(
    (
      JSON.parse(fixture('gemini-errors.json')) as Array<{
        status: number;
        exitCode: number;
        line: string;
      }>
    ).map((e) => [e.status, e] as const),
  )('reads the HTTP %i error result and its status', (_status, recorded) => {
    const { result } = readGeminiLine(recorded.line);
    expect(result).toMatchObject({ isError: true, errorType: 'unknown' });
    expect(apiErrorStatus(result?.errorMessage ?? '', recorded.exitCode)).toBe(recorded.status);
  });

  it('takes the status from the message when it is there, and never from a non-API error', () => {
    const [, server, unavailable] = JSON.parse(fixture('gemini-errors.json')) as Array<{
      line: string;
    }>;
    const message = (line = '') => readGeminiLine(line).result?.errorMessage ?? '';
    expect(apiErrorStatus(message(server?.line))).toBe(500);
    // 503 and 429 come without the body; only the exit code carries them.
    expect(apiErrorStatus(message(unavailable?.line))).toBeUndefined();
    expect(
      apiErrorStatus('[API Error: exception TypeError: fetch failed sending request]', 1),
    ).toBeUndefined();
    expect(apiErrorStatus('Reached max session turns for this session.', 173)).toBeUndefined();
  });

  it('ignores lines it does not need, and broken ones', () => {
    expect(
      readGeminiLine('{"type":"message","role":"assistant","content":"x","delta":true}'),
    ).toEqual({});
    expect(readGeminiLine('{"type":"result", broken')).toEqual({});
    expect(readGeminiLine('not json')).toEqual({});
    expect(
      readGeminiLine('{"type":"error","severity":"warning","message":"Loop detected"}'),
    ).toEqual({
      error: 'Loop detected',
    });
  });

  it.each([
    ['replace', { file_path: '/src/a.ts', old_string: 'a', new_string: 'b' }, 'Edit /src/a.ts'],
    ['list_directory', { dir_path: '/src' }, 'ReadFolder /src'],
    ['grep_search', { pattern: 'TODO' }, 'SearchText TODO'],
    ['google_web_search', { query: 'vitest' }, 'GoogleSearch vitest'],
    ['invoke_agent', { agent_name: 'x', prompt: 'y' }, 'invoke_agent'],
  ])('describes %s calls by their target', (name, params, text) => {
    expect(describeGeminiTool(name, params)).toBe(text);
  });
});
