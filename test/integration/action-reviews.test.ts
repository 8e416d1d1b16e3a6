// Reviews of the plan that meet a busy session, and approvals dismissed: each review is applied
// once, by the run in progress or the next one, and a dismissed approval opens no gate.
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

const owner = { login: 'octo' };
// Each test is a dozen runs of the action; on a loaded machine they need more than the default.
const slow = { timeout: 360_000 };
type Rig = ReturnType<typeof actionRig>;

/** Questions, an answer, and a plan waiting for approval. */
const toPlanGate = [
  { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
  { phase: 'investigation', signal: { status: 'continue', phase: 'requirements' } },
  {
    phase: 'requirements',
    files: { '_qa.md': '## Q1: Go?\n- A) yes\n- B) no\n\nAnswer:\n' },
    signal: { status: 'waiting', for: 'qa_answers' },
  },
  { phase: 'requirements', signal: { status: 'continue', phase: 'planning' } },
  {
    phase: 'planning',
    files: { '11-25-plan-x.md': '# Plan v1\n' },
    signal: { status: 'waiting', for: 'plan_approval' },
  },
];
const implemented = { phase: 'implementation', signal: { status: 'blocked', reason: 'built' } };

async function waitForApproval(rig: Rig, issue: number) {
  rig.openIssue(issue, `Reviews ${issue}`, 'x');
  const started = await rig.run('issues', rig.labeled(issue, 'samocode', owner));
  const answered = await rig.run('issue_comment', rig.comment(issue, 'Q1: A', owner));
  expect(answered.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });
  const pr = fake.state.pulls.find((p) => p.head === started.outputs.branch)?.number ?? 0;
  return { branch: started.outputs.branch ?? '', session: started.outputs.session ?? '', pr };
}

/** Another run of the workflow holds the session's lock and is still going. */
function holdLock(rig: Rig, issue: number, runId: number) {
  const blob = execFileSync('git', ['--git-dir', rig.origin, 'hash-object', '-w', '--stdin'], {
    input: JSON.stringify({ runId: String(runId), attempt: '1', since: '2026-11-25T10:00:00Z' }),
    encoding: 'utf8',
  }).trim();
  execFileSync('git', [
    '--git-dir',
    rig.origin,
    'update-ref',
    `refs/samocode/locks/issue-${issue}`,
    blob,
  ]);
  fake.state.activeRuns.add(runId);
  return () => fake.state.activeRuns.delete(runId);
}

const phases = (rig: Rig, phase: string) => rig.calls().filter((c) => c.phase === phase).length;

describe('a review that meets a busy session', slow, () => {
  it('is applied by the next run, once', async () => {
    const rig = actionRig(fake);
    rig.setScenario([...toPlanGate, implemented]);
    const { pr } = await waitForApproval(rig, 91);
    const release = holdLock(rig, 91, 7001);
    const approval = rig.review(pr, 'approved', '', owner);
    const busy = await rig.run('pull_request_review', approval);
    expect(busy.outputs.status).toBe('busy');
    expect(phases(rig, 'implementation')).toBe(0);

    // The run that held the lock is gone; the next event's run applies the approval.
    release();
    const next = await rig.run('issue_comment', rig.comment(91, 'how is it going?', owner));
    expect(next.stdout).toContain('taking over the session lock from run 7001');
    expect(next.outputs).toMatchObject({ status: 'blocked', phase: 'implementation' });
    expect(phases(rig, 'implementation')).toBe(1);

    // Neither a later run nor the approval's event delivered again applies it a second time.
    const calls = rig.calls().length;
    await rig.run('repository_dispatch', rig.dispatch(91));
    const again = await rig.run('pull_request_review', approval);
    expect(again.stdout).toMatch(/review \d+ was already applied/);
    expect(rig.calls()).toHaveLength(calls);
  });

  it('asking for changes is applied by the run in progress when its plan waits again', async () => {
    const rig = actionRig(fake);
    const mark = join(rig.agentDir, 'planner-working');
    rig.setScenario([
      ...toPlanGate,
      {
        phase: 'planning',
        expect: [{ file: '_review.md', contains: 'Split it.' }],
        markFile: mark,
        hangMs: 1500,
        files: { '11-25-plan-x.md': '# Plan v2\n' },
        signal: { status: 'waiting', for: 'plan_approval' },
      },
      {
        phase: 'planning',
        expect: [{ file: '_review.md', contains: 'Also add tests.' }],
        files: { '11-25-plan-x.md': '# Plan v3\n' },
        signal: { status: 'waiting', for: 'plan_approval' },
      },
    ]);
    const { pr, branch, session } = await waitForApproval(rig, 92);
    const first = rig.run(
      'pull_request_review',
      rig.review(pr, 'changes_requested', 'Split it.', owner),
    );
    await until(() => existsSync(mark), 'the planner to start revising');
    const second = await rig.run(
      'pull_request_review',
      rig.review(pr, 'changes_requested', 'Also add tests.', owner),
    );
    expect(second.outputs.status).toBe('busy');
    const done = await first;
    expect(done.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });
    expect(phases(rig, 'planning')).toBe(3);
    expect(rig.show(branch, `_sessions/${session}/_review.md`)).toContain('Also add tests.');
    expect(fake.state.pulls.find((p) => p.number === pr)?.body).toContain('# Plan v3');

    const calls = rig.calls().length;
    const later = await rig.run('issue_comment', rig.comment(92, '/samocode status', owner));
    expect(later.outputs.status).toBe('waiting');
    expect(rig.calls()).toHaveLength(calls);
  });
});

describe('a dismissed approval', slow, () => {
  it('that met a busy session is never applied', async () => {
    const rig = actionRig(fake);
    rig.setScenario([...toPlanGate, implemented]);
    const { pr } = await waitForApproval(rig, 93);
    const release = holdLock(rig, 93, 7002);
    const approval = rig.review(pr, 'approved', '', owner);
    expect((await rig.run('pull_request_review', approval)).outputs.status).toBe('busy');
    const dismissed = rig.dismiss(approval, owner);
    expect((await rig.run('pull_request_review', dismissed)).outputs.status).toBe('busy');

    release();
    const next = await rig.run('issue_comment', rig.comment(93, 'still there?', owner));
    expect(next.stdout).toMatch(/review \d+ ignored: it was dismissed before it was applied/);
    expect(next.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });
    expect(phases(rig, 'implementation')).toBe(0);

    // A new approval opens the gate.
    const approved = await rig.run('pull_request_review', rig.review(pr, 'approved', '', owner));
    expect(approved.outputs).toMatchObject({ status: 'blocked', phase: 'implementation' });
  });

  it('closes the gate again when no implementation iteration ran since; after one, it does not', async () => {
    const rig = actionRig(fake);
    const mark = join(rig.agentDir, 'implementing');
    rig.setScenario([
      ...toPlanGate,
      { phase: 'implementation', markFile: mark, hangMs: 30_000 },
      implemented,
    ]);
    const { pr, branch, session } = await waitForApproval(rig, 94);
    // The approval is applied and saved; the run dies as implementation begins (runner lost).
    const approval = rig.review(pr, 'approved', '', owner);
    const killed = await rig.run('pull_request_review', approval, {}, (child) => {
      void until(() => existsSync(mark), 'implementation to start').then(() =>
        child.kill('SIGKILL'),
      );
    });
    expect(killed.exitCode).not.toBe(0);
    const state = () =>
      JSON.parse(rig.show(branch, `_sessions/${session}/_state.json`)) as Record<string, unknown>;
    expect(state()).toMatchObject({ status: 'running', phase: 'implementation' });

    const dismissed = await rig.run('pull_request_review', rig.dismiss(approval, owner));
    expect(dismissed.stdout).toMatch(
      /review \d+ was dismissed by @octo: the plan waits for approval again/,
    );
    expect(dismissed.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });
    expect(state()).toMatchObject({ waitingFor: 'plan_approval', gates: { planning: 'open' } });
    expect([...(fake.state.issues.get(94)?.labels ?? [])]).toContain('samocode:waiting-approval');
    expect(phases(rig, 'implementation')).toBe(1);

    // Approved again: implementation runs; a dismissal now changes nothing.
    const again = rig.review(pr, 'approved', '', owner);
    expect((await rig.run('pull_request_review', again)).outputs).toMatchObject({
      status: 'blocked',
      phase: 'implementation',
    });
    const late = await rig.run('pull_request_review', rig.dismiss(again, owner));
    expect(late.stdout).toMatch(/after implementation began; the session goes on/);
    expect(late.outputs).toMatchObject({ status: 'blocked', phase: 'implementation' });
  });
});
