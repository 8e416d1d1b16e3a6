// The Codex adapter driving the real Codex CLI, offline: the CLI talks to a fake Responses API on
// 127.0.0.1 whose scripted answers are shell and apply_patch calls that the CLI really executes.
// The stream reader is checked against output recorded from the same CLI (codex-cli 0.169.0).
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codexAgent, codexArgs, tomlString } from '../../src/adapters/codex-agent.js';
import type { CodexSettings } from '../../src/adapters/codex-agent.js';
import { apiStatusOf, codexStreamReader, shellScript } from '../../src/adapters/codex-stream.js';
import type { AgentRun } from '../../src/app/ports.js';
import { isRetryable } from '../../src/core/agent-retry.js';
import { processesMentioning } from '../support/claude-cli.js';
import { addFile, codexEnv, shell, startFakeOpenAI } from '../support/fake-openai.js';
import type { FakeOpenAI, RequestInfo, Script } from '../support/fake-openai.js';
import { tempDir } from '../support/temp.js';

// The npm package's launcher, as `npm i -g @openai/codex` puts it on PATH.
const CODEX = resolve('node_modules/.bin/codex');

describe('codexArgs', () => {
  const run = { prompt: '-P', context: 'C', env: { SAMOCODE_SESSION_DIR: '/s' } };

  it('runs unattended and unconfined by default, the context as developer instructions', () => {
    expect(codexArgs({ model: 'gpt-5.1' }, run)).toEqual([
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--model',
      'gpt-5.1',
      '--dangerously-bypass-approvals-and-sandbox',
      '-c',
      'developer_instructions="C"',
      '--',
      '-P',
    ]);
  });

  it('sandboxes when asked, keeping the session folder writable', () => {
    const permissions = (settings: Pick<CodexSettings, 'approvalMode' | 'sandbox'>) => {
      const args = codexArgs(settings, run);
      return args.slice(3, args.indexOf('developer_instructions="C"') - 1);
    };
    expect(permissions({ sandbox: 'workspace-write' })).toEqual([
      '--sandbox',
      'workspace-write',
      '--add-dir',
      '/s',
    ]);
    expect(permissions({ sandbox: 'read-only', approvalMode: 'never' })).toEqual([
      '--sandbox',
      'read-only',
      '-c',
      'approval_policy="never"',
    ]);
    expect(permissions({ approvalMode: 'on-request' })).toEqual([
      '--sandbox',
      'workspace-write',
      '-c',
      'approval_policy="on-request"',
      '--add-dir',
      '/s',
    ]);
    expect(permissions({ approvalMode: 'auto-review' })).toEqual([
      '--approve-for-me',
      '--add-dir',
      '/s',
    ]);
  });

  it('writes TOML strings that survive any text', () => {
    expect(tomlString('a"b\\c\n\td\u007f🚀\uD800')).toBe('"a\\"b\\\\c\\n\\td\\u007f🚀\uFFFD"');
  });
});

describe('reading codex exec --json', () => {
  const recorded = readFileSync(resolve('test/fixtures/codex-exec.jsonl'), 'utf8').split('\n');
  const read = (lines: string[]) => {
    const reader = codexStreamReader();
    const activities = lines.flatMap((line) => reader.read(line));
    return { activities, outcome: reader.outcome() };
  };

  it('reads a recorded run: one line per tool call, usage and thread id from the turn', () => {
    const { activities, outcome } = read(recorded);
    expect(activities).toEqual([
      'Write /tmp/codex-fixture/project/notes.md',
      `Bash printf '{"status":"continue"}' > '/tmp/codex-fixture/session/_signal.json'`,
    ]);
    // The "model metadata not found" error item is a warning, not a failure.
    expect(outcome).toEqual({
      started: true,
      ended: 'completed',
      stats: {
        sessionId: '01a212aa-bed2-7bf3-9642-481bbb66a39c',
        inputTokens: 2400,
        outputTokens: 80,
      },
    });
  });

  // Recorded from codex-cli 0.169.0 with the fake answering these statuses.
  it.each([
    ['exceeded retry limit, last status: 429 Too Many Requests', 429],
    ['We’re currently experiencing high demand, which may cause temporary errors.', 500],
    ['unexpected status 401 Unauthorized: scripted 401, url: http://127.0.0.1:1/v1/responses', 401],
    ['{"error":{"message":"scripted 400","type":"invalid_request_error"}}', undefined],
    ['Missing environment variable: `OPENAI_API_KEY`.', undefined],
  ])('reads the failure "%s"', (message, status) => {
    const { outcome } = read([
      '{"type":"thread.started","thread_id":"t"}',
      '{"type":"turn.started"}',
      JSON.stringify({ type: 'error', message }),
      JSON.stringify({ type: 'turn.failed', error: { message } }),
    ]);
    expect(outcome).toMatchObject({ ended: 'failed', error: message });
    expect(apiStatusOf(message)).toBe(status);
  });

  it('treats reconnect notices as progress, and the last one as the reason when the turn never ends', () => {
    const reconnect = '{"type":"error","message":"Reconnecting... 2/5 (stream disconnected)"}';
    expect(read([reconnect, '{"type":"turn.completed","usage":{}}']).outcome).toEqual({
      started: true,
      ended: 'completed',
      stats: {},
    });
    expect(read([reconnect]).outcome.error).toBe('Reconnecting... 2/5 (stream disconnected)');
    expect(read(['not json', '{"type":', '']).outcome).toEqual({ started: false, stats: {} });
  });

  it.each([
    [`/bin/bash -lc "printf '{\\"a\\":1}' > x"`, `printf '{"a":1}' > x`],
    [`/bin/bash -lc 'npm test'`, 'npm test'],
    [`bash -c 'it'\\''s'`, "it's"],
    [`/bin/zsh -lc "echo \\$HOME"`, 'echo $HOME'],
    ['npm test', 'npm test'],
    [`/bin/bash -lc 'a' b`, `/bin/bash -lc 'a' b`],
    [`/bin/bash -lc 'unterminated`, `/bin/bash -lc 'unterminated`],
  ])('shows the script of %s', (command, script) => {
    expect(shellScript(command)).toBe(script);
  });
});

describe('the real Codex CLI', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => {
    await fake.close();
  });

  function setup(script: Script, settings: Partial<CodexSettings> = {}) {
    fake.setScript(script);
    fake.requests.length = 0;
    fake.others.length = 0;
    const root = tempDir('samocode-codex-');
    const work = join(root, 'project');
    const session = join(root, 'session');
    mkdirSync(work);
    mkdirSync(session);
    const agent = codexAgent({
      command: CODEX,
      model: 'gpt-fake-1',
      baseEnv: { PATH: process.env.PATH ?? '', ...codexEnv(fake, root) },
      killGraceMs: 500,
      ...settings,
    });
    // Quotes, backslashes, tabs, DEL and emoji must reach the model exactly.
    const context = `# Samocode session context\nSession folder: ${session}\nNotes: "q" 'q' \\ \t \u007f 🚀`;
    const activities: string[] = [];
    const logFile = join(session, '_logs', 'iteration.jsonl');
    const run = (patch: Partial<AgentRun> = {}) =>
      agent.run({
        // The temp root in the arguments finds any process the run leaves behind.
        prompt: `Do the next step in ${root}.`,
        context,
        cwd: work,
        env: { SAMOCODE_SESSION_DIR: session },
        timeoutMs: 20_000,
        logFile,
        onActivity: (a) => activities.push(a),
        ...patch,
      });
    const events = () =>
      readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; thread_id?: string });
    return { root, work, session, context, run, activities, events };
  }

  const sessionOf = (r: RequestInfo) =>
    /^Session folder: (.+)$/m.exec(r.developer.join('\n'))?.[1] ?? '/nonexistent';

  it('runs the commands the model asks for and reports the turn', async () => {
    const t = setup((r) =>
      r.step === 0
        ? {
            text: 'Writing the signal and my notes.',
            calls: [
              shell(`printf '{"status":"continue"}' > "$SAMOCODE_SESSION_DIR/_signal.json"`),
              addFile('notes.md', `session ${sessionOf(r)}`),
            ],
            usage: { input: 1500, cached: 300, output: 60 },
          }
        : { text: 'Iteration done.', usage: { input: 1700, cached: 1500, output: 25 } },
    );
    const result = await t.run();

    const events = t.events();
    const threadId = events[0]?.thread_id;
    expect(threadId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result).toMatchObject({
      ok: true,
      stats: { inputTokens: 3200, outputTokens: 85, sessionId: threadId },
    });
    expect(result.stats.costUsd).toBeUndefined();
    expect(readFileSync(join(t.session, '_signal.json'), 'utf8')).toBe('{"status":"continue"}');
    expect(readFileSync(join(t.work, 'notes.md'), 'utf8')).toBe(`session ${t.session}\n`);
    expect(t.activities.sort()).toEqual([
      `Bash printf '{"status":"continue"}' > "$SAMOCODE_SESSION_DIR/_signal.json"`,
      `Write ${join(t.work, 'notes.md')}`,
    ]);
    // The raw stream went to the log as it came.
    expect(events[0]?.type).toBe('thread.started');
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(events.map((e) => e.type)).toContain('item.started');

    // What the CLI sent: our model, our context as a developer message, our prompt, a shell tool.
    expect(fake.requests.map((r) => r.step)).toEqual([0, 1]);
    const first = fake.requests[0];
    expect(first?.model).toBe('gpt-fake-1');
    expect(first?.stream).toBe(true);
    expect(first?.developer).toContain(t.context);
    expect(first?.user.at(-1)).toBe(`Do the next step in ${t.root}.`);
    expect(first?.tools).toContain('exec_command');
    // Nothing else: no update check, analytics or plugin sync left the machine.
    expect(fake.others).toEqual([]);
  });

  it.each([429, 500, 503])(
    'reports a persistent HTTP %i as a retryable API error',
    async (status) => {
      const t = setup(() => ({ status }));
      const result = await t.run();
      expect(result).toMatchObject({ ok: false, failure: { kind: 'api', apiStatus: status } });
      if (result.ok) return;
      expect(result.message).toMatch(new RegExp(`^API error ${status}: `));
      expect(isRetryable(result.failure)).toBe(true);
      expect(result.stats.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      // The test's provider config turns the CLI's own retries off (it retries 5xx ~30 times).
      expect(fake.requests).toHaveLength(1);
    },
  );

  it('reports a 401 and a 400 as errors not worth retrying', async () => {
    const unauthorized = await setup(() => ({ status: 401, message: 'bad key' })).run();
    expect(unauthorized).toMatchObject({ ok: false, failure: { kind: 'api', apiStatus: 401 } });
    // The CLI passes a 400's body through without its status.
    const bad = await setup(() => ({ status: 400, message: 'unknown parameter' })).run();
    expect(bad).toMatchObject({
      ok: false,
      failure: { kind: 'other' },
      message: 'the agent reported an error: unknown parameter',
    });
    for (const result of [unauthorized, bad]) {
      if (!result.ok) expect(isRetryable(result.failure)).toBe(false);
    }
  });

  it('stops the CLI at the time limit when the API hangs, leaving no process behind', async () => {
    const t = setup(() => ({ hang: true }));
    const started = Date.now();
    const result = await t.run({ timeoutMs: 2_000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result).toMatchObject({
      ok: false,
      failure: { kind: 'timeout' },
      message: 'no result within the iteration time limit of 2s; the agent was stopped',
    });
    expect(result.stats.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.requests).toHaveLength(1);
    expect(processesMentioning(t.root)).toEqual([]);
  });

  it('reports flags the CLI rejects as not worth retrying', async () => {
    const result = await setup(() => ({ text: 'unused' }), { sandbox: 'sideways' }).run();
    expect(result).toMatchObject({ ok: false, failure: { kind: 'other' } });
    if (!result.ok)
      expect(result.message).toBe(
        "the agent exited with code 2 before starting: error: invalid value 'sideways' for '--sandbox <SANDBOX_MODE>'",
      );
    expect(fake.requests).toHaveLength(0);
  });

  it('reports a program that does not exist', async () => {
    const result = await setup(() => ({ text: 'unused' }), { command: '/no/such/codex' }).run();
    expect(result).toMatchObject({ ok: false, failure: { kind: 'other' } });
    if (!result.ok)
      expect(result.message).toBe(
        'the agent program "/no/such/codex" was not found: install the Codex CLI ' +
          '(npm i -g @openai/codex) or set CODEX_PATH to its path',
      );
  });
});
