// Steering a session from the issue: /samocode commands, stopping by label or by closing, and
// continuation runs for sessions longer than one run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRig } from '../support/action-rig.js';
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
const toPlan = [
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
    files: { '11-25-plan-x.md': '# Plan\n' },
    signal: { status: 'waiting', for: 'plan_approval' },
  },
];

function replies(issue: number): string[] {
  return fake.state.comments
    .filter((c) => c.issue === issue && c.body.startsWith('<!-- samocode:reply -->'))
    .map((c) => c.body);
}

describe('steering from the issue', () => {
  it('/samocode approve passes the plan gate from a comment; /samocode status answers', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      ...toPlan,
      { phase: 'implementation', signal: { status: 'blocked', reason: 'stop here' } },
    ]);
    rig.openIssue(41, 'Approve by comment', 'x');
    await rig.run('issues', rig.labeled(41, 'samocode', person));
    const planned = await rig.run('issue_comment', rig.comment(41, 'A', person));
    expect(planned.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });

    const status = await rig.run('issue_comment', rig.comment(41, '/samocode status', person));
    expect(status.exitCode).toBe(0);
    expect(replies(41).at(-1)).toContain('Waiting for plan approval');

    const early = await rig.run('issue_comment', rig.comment(41, '/samocode resume', person));
    expect(early.outputs.status).toBe('waiting');
    expect(replies(41).at(-1)).toContain(
      'is waiting for plan approval: approve the plan or request changes',
    );

    const approved = await rig.run(
      'issue_comment',
      rig.comment(41, '/samocode approve\nlooks good', person),
    );
    expect(approved.outputs).toMatchObject({ status: 'blocked', phase: 'implementation' });
    const history = rig.show(
      approved.outputs.branch ?? '',
      `_sessions/${approved.outputs.session ?? ''}/_signal_history.jsonl`,
    );
    expect(history).toContain('"action":"approve"');

    const unknown = await rig.run('issue_comment', rig.comment(41, '/samocode dance', person));
    expect(unknown.exitCode).toBe(0);
    expect(replies(41).at(-1)).toContain(
      'unknown command `/samocode dance`: use start, approve, resume, stop, status, pause, skip, rewind <phase>, budget <usd>, reopen <task>.',
    );
  });

  it('a comment run applies comments whose own runs never came, in order and once', async () => {
    const rig = actionRig(fake);
    rig.setScenario(toPlan);
    rig.openIssue(42, 'Catch up', 'x');
    await rig.run('issues', rig.labeled(42, 'samocode', person));
    // Two comments; only the second one's event reaches the action (the first run was replaced).
    rig.comment(42, 'Q1: B', person);
    const second = rig.comment(42, '/samocode status', person);
    const run = await rig.run('issue_comment', second);
    expect(run.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });
    // The same event delivered again changes nothing and posts nothing.
    const comments = fake.state.comments.length;
    const again = await rig.run('issue_comment', second);
    expect(again.outputs).toMatchObject({
      status: 'waiting',
      phase: 'planning',
      iterations: run.outputs.iterations,
    });
    expect(fake.state.comments.length).toBe(comments);
  });

  it('removing the label or closing the issue stops the session; /samocode resume continues it', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
      {
        phase: 'investigation',
        signal: { status: 'blocked', reason: 'resumed and stopped again' },
      },
    ]);
    rig.openIssue(43, 'Stop me', 'x');
    const started = await rig.run('issues', rig.labeled(43, 'samocode', person), {
      'max-iterations-per-run': '1',
    });
    expect(started.outputs).toMatchObject({ status: 'running', iterations: '1' });
    expect(fake.state.dispatches).toContainEqual({
      event_type: 'samocode-continue',
      client_payload: { issue: 43 },
    });

    const unlabeled = rig.labeled(43, 'samocode', person);
    unlabeled.action = 'unlabeled';
    const stopped = await rig.run('issues', unlabeled);
    expect(stopped.outputs).toMatchObject({ status: 'blocked', iterations: '1' });
    const status = fake.state.comments.find(
      (c) => c.issue === 43 && c.body.startsWith('<!-- samocode:status -->'),
    );
    expect(status?.body).toContain('Blocked: @octo removed the "samocode" label.');
    expect([...(fake.state.issues.get(43)?.labels ?? [])]).toContain('samocode:blocked');

    // The continuation dispatched earlier arrives now: a stopped session does not run.
    const late = await rig.run('repository_dispatch', rig.dispatch(43));
    expect(late.outputs).toMatchObject({ status: 'blocked', iterations: '1' });

    const resumed = await rig.run('issue_comment', rig.comment(43, '/samocode resume', person));
    expect(resumed.outputs).toMatchObject({
      status: 'blocked',
      iterations: '2',
      phase: 'investigation',
    });
    expect(
      fake.state.comments.find((c) => c.issue === 43 && c.body === '/samocode resume')?.reactions,
    ).toEqual(['eyes']);

    const closed = rig.labeled(43, 'samocode', person);
    closed.action = 'closed';
    const afterClose = await rig.run('issues', closed);
    expect(afterClose.outputs.status).toBe('blocked');
    const state = rig.show(
      afterClose.outputs.branch ?? '',
      `_sessions/${afterClose.outputs.session ?? ''}/_state.json`,
    );
    expect(state).toContain('"reason": "@octo closed the issue"');
  });

  it('a /samocode stop comment ends a running loop at the next iteration boundary', async () => {
    const rig = actionRig(fake);
    // While the second iteration works, someone asks the session to stop.
    const stop = {
      url: `${fake.url}/_test/comment`,
      body: { issue: 44, body: '/samocode stop', login: 'octo' },
    };
    rig.setScenario([
      { phase: 'init', signal: { status: 'continue' } },
      { phase: 'init', signal: { status: 'continue' }, http: stop },
      { phase: 'init', signal: { status: 'continue' } },
    ]);
    rig.openIssue(44, 'Stop mid-run', 'x');
    const run = await rig.run('issues', rig.labeled(44, 'samocode', person), {
      'poll-seconds': '0',
    });
    expect(run.outputs).toMatchObject({ status: 'blocked', iterations: '2' });
    const state = rig.show(
      run.outputs.branch ?? '',
      `_sessions/${run.outputs.session ?? ''}/_state.json`,
    );
    expect(state).toContain('"kind": "stopped"');
    expect(state).toContain('@octo asked to stop');
  });
});
