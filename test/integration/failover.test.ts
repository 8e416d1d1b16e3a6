// fallback-agents with the real CLIs against fake APIs: Claude Code's API is down (every call a
// 500), Gemini's is up; each iteration runs on Gemini after Claude fails, and the next iteration
// tries Claude again.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeBinary, claudeEnv } from '../support/claude-cli.js';
import { startFakeAnthropic } from '../support/fake-anthropic.js';
import type { FakeAnthropic } from '../support/fake-anthropic.js';
import { geminiBin, geminiEnv, startFakeGemini, writeFile } from '../support/fake-gemini.js';
import type { FakeGemini } from '../support/fake-gemini.js';
import { gitEnv, repoWithOrigin, tempDir } from '../support/temp.js';

const CLI = resolve('dist/cli.js');
let anthropic: FakeAnthropic;
let gemini: FakeGemini;

beforeAll(async () => {
  anthropic = await startFakeAnthropic(() => ({ status: 500, message: 'Internal server error' }));
  gemini = await startFakeGemini();
});
afterAll(async () => {
  await anthropic.close();
  await gemini.close();
});

describe('fallback-agents', () => {
  it('runs the iteration with the next agent when the first one’s API is down, and tries the first again next time', async () => {
    const root = tempDir('samocode-failover-');
    const { repo } = repoWithOrigin(root);
    const home = join(root, 'home');
    // Gemini's answers: continue out of init, then block in investigation.
    gemini.setScript((request) => {
      const sessionDir = /^Session folder: (.+)$/m.exec(request.userText)?.[1];
      const phase = /^Phase: (\w+)/m.exec(request.userText)?.[1];
      if (!sessionDir || request.step > 0) return { text: 'Signal written.' };
      const signal =
        phase === 'init'
          ? { status: 'continue', phase: 'investigation' }
          : { status: 'blocked', reason: 'ran on gemini twice', needs: 'nothing' };
      return { calls: [writeFile(join(sessionDir, '_signal.json'), JSON.stringify(signal))] };
    });
    const env = {
      ...gitEnv,
      ...claudeEnv(anthropic.url, home),
      ...geminiEnv(gemini.url, home),
      PATH: process.env.PATH ?? '',
      CLAUDE_PATH: claudeBinary(),
      GEMINI_PATH: geminiBin(),
      CLAUDE_CODE_MAX_RETRIES: '0',
      SAMOCODE_MAX_RETRIES: '0',
      SAMOCODE_RETRY_DELAY: '0',
      SAMOCODE_FALLBACK_AGENTS: 'gemini model=gemini-scripted',
    };
    const run = await execa(
      process.execPath,
      [CLI, 'run', '--task', 'Survive an outage', '--session', 'outage'],
      { cwd: repo, env, extendEnv: false, reject: false, timeout: 60_000 },
    );
    const out = run.stdout + run.stderr;
    expect(out).toContain('Blocked: ran on gemini twice');
    expect(out).toMatch(/⇄ claude failed \(API error 500.*\); running this iteration with gemini/);

    const sessions = join(root, 'project-samocode', 'sessions');
    const [name] = readdirSync(sessions);
    const history = readFileSync(join(sessions, name ?? '', '_signal_history.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((r) => r.kind === 'iteration');
    expect(history).toHaveLength(2);
    for (const record of history) {
      expect(record).toMatchObject({
        agent: 'gemini',
        model: 'gemini-scripted',
        failover: [{ agent: 'claude', reason: expect.stringMatching(/^API error 500/) as unknown }],
      });
    }
    expect(history.map((r) => r.phase)).toEqual(['init', 'investigation']);
    // Claude was asked first in both iterations: the primary is tried again each time.
    const claudeIterations = new Set(
      anthropic.requests.map((r) => /^Phase: (\w+)/m.exec(r.system)?.[1]),
    );
    expect(claudeIterations).toEqual(new Set(['init', 'investigation']));
  });
});
