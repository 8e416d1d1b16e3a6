// An agent per phase: one session where the real Gemini CLI (against a fake Gemini API) runs the
// init phase and Claude Code's stand-in runs the next, with one signal protocol, and the history
// saying which agent and model ran each iteration.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geminiBin, geminiEnv, startFakeGemini, writeFile } from '../support/fake-gemini.js';
import type { FakeGemini } from '../support/fake-gemini.js';
import { gitEnv, repoWithOrigin, tempDir, scenarioPath } from '../support/temp.js';

let gemini: FakeGemini;
beforeAll(async () => {
  gemini = await startFakeGemini();
});
afterAll(async () => {
  await gemini.close();
});

describe('an agent per phase', () => {
  it('runs init with Gemini and investigation with Claude, recording agent and model per iteration', async () => {
    const root = tempDir('samocode-phases-');
    const { repo } = repoWithOrigin(root);
    gemini.setScript((request) => {
      const dir = /Session folder: (\S+)/.exec(request.userText)?.[1] ?? '';
      if (request.step === 0)
        return {
          calls: [
            writeFile(
              join(dir, '_signal.json'),
              JSON.stringify({ status: 'continue', phase: 'investigation' }),
            ),
          ],
        };
      return { text: 'Session set up.' };
    });
    const scenario = scenarioPath(root);
    writeFileSync(
      scenario,
      JSON.stringify({
        steps: [
          { phase: 'investigation', signal: { status: 'blocked', reason: 'claude took over' } },
        ],
      }),
    );
    const run = await execa(
      process.execPath,
      [resolve('dist/cli.js'), 'run', '--task', 'Two agents', '--session', 'pair'],
      {
        cwd: repo,
        env: {
          ...gitEnv,
          ...geminiEnv(gemini.url, join(root, 'home')),
          PATH: process.env.PATH ?? '',
          CLAUDE_PATH: resolve('test/fixtures/scripted-agent.mjs'),
          CLAUDE_MODEL: 'claude-scripted-1',
          SCRIPTED_AGENT_SCENARIO: scenario,
          SAMOCODE_SANDBOX_WRITABLE_PATHS: dirname(scenario),
          GEMINI_PATH: geminiBin(),
          SAMOCODE_AGENTS: 'init: gemini model=gemini-scripted-1',
        },
        extendEnv: false,
        reject: false,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Blocked: claude took over');
    expect(run.exitCode).toBe(3);
    expect(gemini.requests.every((r) => r.model === 'gemini-scripted-1')).toBe(true);
    expect(gemini.others).toEqual([]);

    const sessions = join(root, 'project-samocode', 'sessions');
    const [name] = readdirSync(sessions);
    const iterations = readFileSync(join(sessions, name ?? '', '_signal_history.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((r) => r.kind === 'iteration');
    expect(iterations).toMatchObject([
      {
        phase: 'init',
        nextPhase: 'investigation',
        agent: 'gemini',
        model: 'gemini-scripted-1',
        inputTokens: 200,
        outputTokens: 40,
      },
      { phase: 'investigation', agent: 'claude', model: 'claude-scripted-1', outcome: 'blocked' },
    ]);

    // `samocode status` lists who ran each iteration.
    const status = await execa(process.execPath, [resolve('dist/cli.js'), 'status', 'pair'], {
      cwd: repo,
      env: { ...gitEnv, HOME: join(root, 'home'), PATH: process.env.PATH ?? '' },
      extendEnv: false,
    });
    expect(status.stdout).toMatch(
      /#1 +init +continue +continue +gemini gemini-scripted-1 +moved to investigation/,
    );
    expect(status.stdout).toMatch(/#2 +investigation +blocked +blocked +claude claude-scripted-1 /);
  });

  it('refuses a phase map that names a missing program, before starting anything', async () => {
    const root = tempDir('samocode-phases-');
    const { repo } = repoWithOrigin(root);
    const run = await execa(
      process.execPath,
      [resolve('dist/cli.js'), 'run', '--task', 'Two agents'],
      {
        cwd: repo,
        env: {
          ...gitEnv,
          HOME: join(root, 'home'),
          PATH: process.env.PATH ?? '',
          CLAUDE_PATH: resolve('test/fixtures/scripted-agent.mjs'),
          CODEX_PATH: '/nowhere/codex',
          SAMOCODE_AGENTS: 'quality: codex',
        },
        extendEnv: false,
        reject: false,
      },
    );
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      'samocode: the codex agent program "/nowhere/codex" (CODEX_PATH) was not found: install the Codex CLI (npm install -g @openai/codex) or set CODEX_PATH to its path',
    );
    const bad = await execa(process.execPath, [resolve('dist/cli.js'), 'run', '--task', 'x'], {
      cwd: repo,
      env: {
        ...gitEnv,
        HOME: join(root, 'home'),
        PATH: process.env.PATH ?? '',
        SAMOCODE_AGENTS: 'review: codex',
      },
      extendEnv: false,
      reject: false,
    });
    expect(bad.stderr).toContain('samocode: SAMOCODE_AGENTS: "review" is not a phase');
  });
});
