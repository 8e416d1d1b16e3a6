// The scheduled sweep finds a session whose run died and sends it a continuation; sessions that
// wait for a person, or that a live run holds, are left alone.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRig } from '../support/action-rig.js';
import { until } from '../support/wait.js';
import { processesMentioning } from '../support/claude-cli.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub } from '../support/fake-github.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
});

const person = { login: 'octo' };

describe('sweep mode', () => {
  it('dispatches a continuation for a dead run and leaves waiting sessions alone', async () => {
    const rig = actionRig(fake);
    const mark = join(rig.agentDir, 'agent-started');
    rig.setScenario([
      // Issue 91: waits for answers.
      { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
      { phase: 'investigation', signal: { status: 'continue', phase: 'requirements' } },
      {
        phase: 'requirements',
        files: { '_qa.md': '## Q1: Go?\n- A) yes\n- B) no\n\nAnswer:\n' },
        signal: { status: 'waiting', for: 'qa_answers' },
      },
      // Issue 92: its run dies during the first iteration; later the continuation finishes it.
      { phase: 'init', markFile: mark, hangMs: 120_000 },
      { phase: 'init', signal: { status: 'blocked', reason: 'recovered by the sweep' } },
    ]);
    rig.openIssue(91, 'Waiting', 'x');
    rig.openIssue(92, 'Dies', 'x');
    await rig.run('issues', rig.labeled(91, 'samocode', person));
    await rig.run('issues', rig.labeled(92, 'samocode', person), {}, (child) => {
      void until(() => existsSync(mark), 'the agent to start').then(() => child.kill('SIGKILL'));
    });
    for (const pid of processesMentioning(rig.root)) process.kill(pid, 'SIGKILL');

    const before = fake.state.dispatches.length;
    const swept = await rig.run(
      'schedule',
      { schedule: '*/30 * * * *' },
      { mode: 'sweep', 'stale-minutes': '0' },
    );
    expect(swept.exitCode).toBe(0);
    expect(swept.outputs).toMatchObject({ status: 'swept', dispatched: '92' });
    expect(swept.stdout).toContain(
      'Sweep: checked 2 session branches, dispatched 1 continuations.',
    );
    expect(fake.state.dispatches.slice(before)).toEqual([
      { event_type: 'samocode-continue', client_payload: { issue: 92 } },
    ]);

    const resumed = await rig.run('repository_dispatch', rig.dispatch(92));
    // The iteration in flight was lost with the run; the continuation runs it again.
    expect(resumed.outputs).toMatchObject({ status: 'blocked', iterations: '1' });
    expect(resumed.stdout).toContain('recovered by the sweep');

    // Nothing is stale now: a second sweep dispatches nothing.
    const again = await rig.run(
      'schedule',
      { schedule: '*/30 * * * *' },
      { mode: 'sweep', 'stale-minutes': '0' },
    );
    expect(again.outputs.dispatched).toBe('');
  });
});
