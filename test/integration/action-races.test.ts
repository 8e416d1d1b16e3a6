// Two runs for one session at once, and an agent that goes silent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRig } from '../support/action-rig.js';
import { until } from '../support/wait.js';
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

describe('two runs at once', () => {
  it('the second exits as busy; its comment is applied by the run in progress', async () => {
    const rig = actionRig(fake);
    const mark = join(rig.agentDir, 'agent-working');
    rig.setScenario([
      { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
      { phase: 'investigation', signal: { status: 'continue', phase: 'requirements' } },
      {
        phase: 'requirements',
        files: { '_qa.md': '## Q1: Go?\n- A) yes\n- B) no\n\nAnswer:\n' },
        signal: { status: 'waiting', for: 'qa_answers' },
      },
      // While this iteration works, the answer arrives and its own run starts.
      {
        phase: 'requirements',
        expect: [{ file: '_qa.md', contains: 'Answer: A) yes' }],
        markFile: mark,
        hangMs: 1500,
        signal: { status: 'continue', phase: 'planning' },
      },
      {
        phase: 'planning',
        files: { '11-25-plan-x.md': '# Plan\n' },
        signal: { status: 'waiting', for: 'plan_approval' },
      },
    ]);
    rig.openIssue(81, 'Race', 'x');
    await rig.run('issues', rig.labeled(81, 'samocode', person));

    // The answer starts a long run; while it works, another comment arrives and its run starts.
    const first = rig.run('issue_comment', rig.comment(81, 'Q1: A', person));
    await until(() => existsSync(mark), 'the agent to start working');
    const second = await rig.run('issue_comment', rig.comment(81, '/samocode status', person));
    expect(second.exitCode).toBe(0);
    expect(second.outputs.status).toBe('busy');
    expect(second.stdout).toMatch(/the session is busy: run \d+ has been working on it since/);
    const done = await first;
    expect(done.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });
    // The busy run's comment was applied by the run in progress once it stopped: one reply.
    const replies = fake.state.comments.filter(
      (c) => c.issue === 81 && c.body.startsWith('<!-- samocode:reply -->'),
    );
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toContain('Waiting for plan approval');
  });
});

describe('a silent agent', () => {
  it('is stopped at the stall timeout and the iteration retried', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      { phase: 'init', hangMs: 60_000 },
      { phase: 'init', signal: { status: 'blocked', reason: 'second attempt ran' } },
    ]);
    rig.openIssue(82, 'Stall', 'x');
    const started = Date.now();
    const run = await rig.run('issues', rig.labeled(82, 'samocode', person), {
      'stall-timeout': '1',
      'max-retries': '1',
      'retry-delay': '0',
    });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.stdout).toContain(
      'the agent printed nothing for 1s and was stopped as stalled; retrying',
    );
    expect(run.outputs.status).toBe('blocked');
    const history = rig.show(
      run.outputs.branch ?? '',
      `_sessions/${run.outputs.session ?? ''}/_signal_history.jsonl`,
    );
    expect(history).toContain('"attempts":2');
    expect(history).toContain('second attempt ran');
  });
});
