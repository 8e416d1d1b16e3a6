// The Claude adapter against a real process that speaks the CLI's stream-json (the scripted agent):
// result mapping, log streaming, and ending the whole process group on timeout.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeArgs, claudeCodeAgent } from '../../src/adapters/claude-code-agent.js';
import { describeTool, readStreamLine } from '../../src/adapters/claude-stream.js';
import type { AgentRun } from '../../src/app/ports.js';
import { tempDir } from '../support/temp.js';

const AGENT = resolve('test/fixtures/scripted-agent.mjs');

function setup(
  steps: object[] | ((root: string) => object[]),
  settings: { killGraceMs?: number; maxTurns?: number } = {},
) {
  const root = tempDir();
  const session = join(root, 'session');
  mkdirSync(session);
  const scenario = join(root, 'scenario.json');
  writeFileSync(
    scenario,
    JSON.stringify({ steps: typeof steps === 'function' ? steps(root) : steps }),
  );
  const agent = claudeCodeAgent({
    command: AGENT,
    model: 'test-model',
    ...settings,
    baseEnv: { PATH: process.env.PATH ?? '', SCRIPTED_AGENT_SCENARIO: scenario },
  });
  const activities: string[] = [];
  const run = (patch: Partial<AgentRun> = {}) =>
    agent.run({
      prompt: 'do the next thing',
      context: 'Session folder: x',
      cwd: root,
      env: { SAMOCODE_SESSION_DIR: session, SAMOCODE_PHASE: 'init' },
      timeoutMs: 20_000,
      logFile: join(session, '_logs', 'one.jsonl'),
      onActivity: (a) => activities.push(a),
      ...patch,
    });
  return {
    root,
    session,
    run,
    activities,
    log: () => readFileSync(join(session, '_logs', 'one.jsonl'), 'utf8'),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('claudeArgs', () => {
  it('passes the protocol flags', () => {
    const args = claudeArgs(
      { command: 'claude', model: 'opus', maxTurns: 40, baseEnv: {} },
      { prompt: 'P', context: 'C' },
    );
    expect(args).toEqual([
      '-p',
      'P',
      '--output-format',
      'stream-json',
      '--verbose',
      '--model',
      'opus',
      '--max-turns',
      '40',
      '--dangerously-skip-permissions',
      '--append-system-prompt',
      'C',
    ]);
  });
});

describe('reading the stream', () => {
  it.each([
    ['Write', { file_path: '/short/path.md', content: 'x' }, 'Write /short/path.md'],
    [
      'Read',
      { file_path: `/very/${'deep/'.repeat(20)}file.ts` },
      `Read …${`/very/${'deep/'.repeat(20)}file.ts`.slice(-79)}`,
    ],
    ['Bash', { command: `npm test -- ${'x'.repeat(100)}` }, `Bash npm test -- ${'x'.repeat(67)}…`],
    ['Grep', { pattern: 'TODO' }, 'Grep TODO'],
    ['TodoWrite', { todos: [] }, 'TodoWrite'],
  ])('describes %s calls by their target', (name, input, text) => {
    expect(describeTool(name, input)).toBe(text);
  });

  it('reads the result line and ignores everything else', () => {
    expect(readStreamLine('{"type":"user","message":{}}')).toEqual({});
    expect(readStreamLine('{"type":"result", broken')).toEqual({});
    expect(
      readStreamLine(
        '{"type":"result","subtype":"success","is_error":false,"num_turns":4,"total_cost_usd":0.5}',
      ).result,
    ).toEqual({
      isError: false,
      subtype: 'success',
      stats: { costUsd: 0.5, turns: 4 },
    });
  });
});

describe('claudeCodeAgent', () => {
  it('maps a successful result line and streams the output to the log', async () => {
    const t = setup([{ files: { 'notes.md': 'hi' }, signal: { status: 'continue' } }]);
    const result = await t.run();
    expect(result).toMatchObject({
      ok: true,
      stats: {
        costUsd: 0.01,
        turns: 2,
        inputTokens: 115,
        outputTokens: 20,
        sessionId: 'scripted-0',
      },
    });
    expect(t.activities).toEqual([`Write ${join(t.session, 'notes.md')}`]);
    expect(
      t
        .log()
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { type: string }).type),
    ).toEqual(['system', 'assistant', 'result']);
  });

  it('keys errors on is_error, even when subtype says success, and keeps the API status', async () => {
    const t = setup([
      {
        result: { is_error: true, subtype: 'success', api_error_status: 529, result: 'Overloaded' },
      },
    ]);
    const result = await t.run();
    expect(result).toMatchObject({
      ok: false,
      failure: { kind: 'api', apiStatus: 529 },
      message: 'API error 529: Overloaded',
    });
  });

  it('reports --max-turns exhaustion as its own failure', async () => {
    const t = setup([{ result: { is_error: true, subtype: 'error_max_turns', num_turns: 3 } }], {
      maxTurns: 3,
    });
    const result = await t.run();
    expect(result).toMatchObject({
      ok: false,
      failure: { kind: 'max-turns' },
      stats: { turns: 3 },
    });
    if (!result.ok) expect(result.message).toMatch(/^the agent used all 3 turns \(--max-turns\)/);
  });

  it('reports an exit without a result line', async () => {
    const t = setup([{ result: null, exitCode: 7 }]);
    const result = await t.run();
    expect(result).toMatchObject({
      ok: false,
      failure: { kind: 'no-result' },
      message: 'the agent exited with code 7 without a result',
    });
  });

  it('reports a program that does not exist', async () => {
    const agent = claudeCodeAgent({ command: '/no/such/claude', baseEnv: {} });
    const root = tempDir();
    const result = await agent.run({
      prompt: 'p',
      context: 'c',
      cwd: root,
      env: {},
      timeoutMs: 5_000,
      logFile: join(root, 'l.jsonl'),
    });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'other' } });
    if (!result.ok) expect(result.message).toContain('"/no/such/claude" was not found');
  });

  it('ends the agent and every process it started at the timeout, with SIGKILL for one that ignores SIGTERM', async () => {
    const t = setup(
      (root) => [{ hangMs: 60_000, ignoreTerm: true, spawnChild: join(root, 'grandchild.pid') }],
      { killGraceMs: 300 },
    );
    const pidFile = join(t.root, 'grandchild.pid');
    const started = Date.now();
    const result = await t.run({ timeoutMs: 1_000 });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    if (!result.ok)
      expect(result.message).toBe(
        'no result within the iteration time limit of 1s; the agent was stopped',
      );
    expect(Date.now() - started).toBeLessThan(15_000);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(grandchild).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(grandchild)).toBe(false);
  });

  it('stops when the run is aborted', async () => {
    const t = setup([{ hangMs: 60_000 }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const result = await t.run({ signal: controller.signal });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'aborted' } });
  });
});
