// Two runs for one session at once, and an agent that goes silent.
import { execFileSync } from 'node:child_process';
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
    expect(second.stdout).toMatch(
      /the session is busy: run \d+ \(attempt 1\) has been working on it since/,
    );
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

describe('a re-run of a killed job', () => {
  it('takes over the lock its killed attempt left, though the run id is the same', async () => {
    const rig = actionRig(fake, { env: { GITHUB_RUN_ATTEMPT: '2' } });
    rig.setScenario([
      { phase: 'init', signal: { status: 'blocked', reason: 'the re-run worked' } },
    ]);
    rig.openIssue(83, 'Re-run', 'x');
    // Attempt 1 of run 1001 (this rig's first run) was killed while it held the session lock.
    const blob = execFileSync('git', ['--git-dir', rig.origin, 'hash-object', '-w', '--stdin'], {
      input: JSON.stringify({ runId: '1001', attempt: '1', since: '2026-11-25T10:00:00Z' }),
      encoding: 'utf8',
    }).trim();
    execFileSync('git', [
      '--git-dir',
      rig.origin,
      'update-ref',
      'refs/samocode/locks/issue-83',
      blob,
    ]);
    const rerun = await rig.run('issues', rig.labeled(83, 'samocode', person));
    expect(rerun.outputs.status).toBe('blocked');
    expect(rerun.stdout).toContain(
      'taking over the session lock from run 1001 (attempt 1), which is no longer running',
    );
  });
});

describe('a duplicate delivery', () => {
  it('of an answer changes nothing on the session branch and makes no commit', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
      { phase: 'investigation', signal: { status: 'continue', phase: 'requirements' } },
      {
        phase: 'requirements',
        files: { '_qa.md': '## Q1: Go?\n- A) yes\n- B) no\n\nAnswer:\n' },
        signal: { status: 'waiting', for: 'qa_answers' },
      },
      { phase: 'requirements', signal: { status: 'blocked', reason: 'answered' } },
    ]);
    rig.openIssue(84, 'Twice', 'x');
    const started = await rig.run('issues', rig.labeled(84, 'samocode', person));
    const branch = started.outputs.branch ?? '';
    const answer = rig.comment(84, 'Q1: A', person);
    expect((await rig.run('issue_comment', answer)).outputs.status).toBe('blocked');
    const head = rig.head(branch);
    const calls = rig.calls().length;
    const again = await rig.run('issue_comment', answer);
    expect(again.exitCode).toBe(0);
    expect(rig.head(branch)).toBe(head);
    expect(rig.calls()).toHaveLength(calls);
  });
});

describe('labels after a crash', () => {
  it('a state label a dead run left behind is removed: one state label, the real one', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
      { phase: 'investigation', signal: { status: 'continue', phase: 'requirements' } },
      {
        phase: 'requirements',
        files: { '_qa.md': '## Q1: Go?\n- A) yes\n\nAnswer:\n' },
        signal: { status: 'waiting', for: 'qa_answers' },
      },
      { phase: 'requirements', signal: { status: 'blocked', reason: 'answered' } },
    ]);
    rig.openIssue(85, 'Left labels', 'x');
    await rig.run('issues', rig.labeled(85, 'samocode', person));
    // A run that died half-way left the label of a state the action no longer believes in.
    fake.state.issues.get(85)?.labels.add('samocode:done');
    const run = await rig.run('issue_comment', rig.comment(85, 'Q1: A', person));
    expect(run.outputs.status).toBe('blocked');
    const labels = [...(fake.state.issues.get(85)?.labels ?? [])].filter((l) =>
      l.startsWith('samocode:'),
    );
    expect(labels).toEqual(['samocode:blocked']);
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
