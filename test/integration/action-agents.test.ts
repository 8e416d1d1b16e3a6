// An agent per phase in the Action: Claude Code's stand-in runs init, the real Gemini CLI (against
// a fake Gemini API) runs investigation; one signal protocol, and the job summary and history say
// which agent and model ran each iteration.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRig } from '../support/action-rig.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { geminiBin, geminiEnv, startFakeGemini, writeFile } from '../support/fake-gemini.js';
import type { FakeGemini } from '../support/fake-gemini.js';
import { tempDir } from '../support/temp.js';

let fake: FakeGitHub;
let gemini: FakeGemini;
beforeAll(async () => {
  [fake, gemini] = await Promise.all([startFakeGitHub(), startFakeGemini()]);
});
afterAll(async () => {
  await Promise.all([fake.close(), gemini.close()]);
});

describe('agents input', () => {
  it('runs a two-agent session and records who ran what', async () => {
    gemini.setScript((request) => {
      const dir = /Session folder: (\S+)/.exec(request.userText)?.[1] ?? '';
      if (request.step > 0) return { text: 'Investigated.' };
      return {
        calls: [
          writeFile(
            join(dir, '_signal.json'),
            JSON.stringify({ status: 'blocked', reason: 'gemini investigated', needs: 'a person' }),
          ),
        ],
      };
    });
    const rig = actionRig(fake, {
      env: geminiEnv(gemini.url, join(tempDir('samocode-gemini-home-'), 'home')),
      inputs: {
        agents: 'investigation: gemini model=gemini-scripted-1',
        'gemini-path': geminiBin(),
        model: 'claude-scripted-1',
      },
    });
    rig.setScenario([{ phase: 'init', signal: { status: 'continue', phase: 'investigation' } }]);
    rig.openIssue(71, 'Two agents', 'x');
    const run = await rig.run('issues', rig.labeled(71, 'samocode', { login: 'octo' }));
    expect(run.stderr).toBe('');
    expect(run.outputs).toMatchObject({
      status: 'blocked',
      phase: 'investigation',
      iterations: '2',
    });
    expect(run.summary).toMatch(
      /\| #1 \| init → investigation \| continue \|.*\| claude \(claude-scripted-1\) \|/,
    );
    expect(run.summary).toMatch(
      /\| #2 \| investigation \| blocked \|.*\| gemini \(gemini-scripted-1\) \|/,
    );
    const history = rig
      .show(
        run.outputs.branch ?? '',
        `_sessions/${run.outputs.session ?? ''}/_signal_history.jsonl`,
      )
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(history.map((r) => [r.agent, r.model])).toEqual([
      ['claude', 'claude-scripted-1'],
      ['gemini', 'gemini-scripted-1'],
    ]);
    expect(gemini.others).toEqual([]);
  });

  it('explains a bad phase map in the job log and fails the step', async () => {
    const rig = actionRig(fake, { inputs: { agents: 'review: codex' } });
    rig.openIssue(72, 'Bad map', 'x');
    const run = await rig.run('issues', rig.labeled(72, 'samocode', { login: 'octo' }));
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      '::error::input "agents": "review" is not a phase (phases: init, investigation',
    );
  });
});
