// Steering a running session from the issue — pause, rewind, skip, budget — with the comment
// arriving while an iteration is in progress, and approvals bound to the plan version they saw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRig } from '../support/action-rig.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { finishingSteps } from '../support/scenario.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
});

const person = { login: 'octo' };
const poll = { 'poll-seconds': '0' };

/** A comment the person writes on the fake while the agent is working on an iteration. */
const during = (issue: number, body: string) => ({
  url: `${fake.url}/_test/comment`,
  body: { issue, body, login: person.login },
});

const toPlan = (plan = '# Plan v1\n') => [
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
    files: { '11-25-plan-x.md': plan },
    signal: { status: 'waiting', for: 'plan_approval' },
  },
];

function comments(issue: number, marker: string): string[] {
  return fake.state.comments
    .filter((c) => c.issue === issue && c.body.startsWith(marker))
    .map((c) => c.body);
}
const replies = (issue: number) => comments(issue, '<!-- samocode:reply -->');
const status = (issue: number) => comments(issue, '<!-- samocode:status -->').at(-1) ?? '';
const reactionsOn = (issue: number, body: string) =>
  fake.state.comments.find((c) => c.issue === issue && c.body === body)?.reactions;

function session(rig: ReturnType<typeof actionRig>, outputs: Record<string, string>) {
  const file = (name: string) =>
    rig.show(outputs.branch ?? '', `_sessions/${outputs.session ?? ''}/${name}`);
  return {
    state: () => JSON.parse(file('_state.json')) as Record<string, unknown>,
    history: () =>
      file('_signal_history.jsonl')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    overview: () => file('_overview.md'),
  };
}

describe('steering a running session', () => {
  it('/samocode pause written mid-iteration: the iteration finishes, the next one does not start', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      { phase: 'init', signal: { status: 'continue' } },
      {
        phase: 'init',
        signal: { status: 'continue', phase: 'investigation' },
        http: during(61, '/samocode pause'),
      },
      { phase: 'investigation', signal: { status: 'blocked', reason: 'after the resume' } },
    ]);
    rig.openIssue(61, 'Pause me', 'x');
    const run = await rig.run('issues', rig.labeled(61, 'samocode', person), poll);
    expect(run.outputs).toMatchObject({
      status: 'waiting',
      phase: 'investigation',
      iterations: '2',
    });
    expect(rig.calls()).toHaveLength(2);
    const s = session(rig, run.outputs);
    expect(s.state()).toMatchObject({ status: 'waiting', waitingFor: 'human_action' });
    expect(s.history().at(-1)).toMatchObject({ kind: 'human', action: 'pause', by: 'octo' });
    expect(s.overview()).toMatch(
      /^- \S+ @octo: paused in phase investigation; resume to continue$/m,
    );
    expect(reactionsOn(61, '/samocode pause')).toEqual(['eyes']);
    expect(status(61)).toContain('| Last command | `/samocode pause` by @octo ✓ |');
    expect(status(61)).toContain('comment `/samocode resume`');

    // The comment's own event arrives after the run: it was applied once, nothing changes.
    const late = await rig.run('issue_comment', rig.comment(61, 'hello', person));
    expect(late.outputs).toMatchObject({ status: 'waiting', iterations: '2' });

    const resumed = await rig.run('issue_comment', rig.comment(61, '/samocode resume', person));
    expect(resumed.outputs).toMatchObject({ status: 'blocked', phase: 'investigation' });
    expect(rig.calls()).toHaveLength(3);
  });

  it('/samocode rewind planning mid-implementation goes back and asks for a new approval', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      ...toPlan(),
      {
        phase: 'implementation',
        work: { 'src.txt': 'half done\n' },
        signal: { status: 'continue' },
        http: during(62, '/samocode rewind planning'),
      },
      {
        phase: 'planning',
        files: { '11-25-plan-x.md': '# Plan v2: smaller steps\n' },
        signal: { status: 'waiting', for: 'plan_approval' },
      },
    ]);
    rig.openIssue(62, 'Rewind me', 'x');
    await rig.run('issues', rig.labeled(62, 'samocode', person));
    await rig.run('issue_comment', rig.comment(62, 'Q1: A', person));
    const approved = await rig.run(
      'pull_request_review',
      rig.review(fake.state.pulls.at(-1)?.number ?? 0, 'approved', 'go', person),
      poll,
    );
    expect(approved.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });
    const s = session(rig, approved.outputs);
    expect(s.state()).toMatchObject({
      phase: 'planning',
      waitingFor: 'plan_approval',
      gates: { requirements: 'passed', planning: 'open' },
    });
    const human = s.history().filter((r) => r.kind === 'human');
    expect(human.map((r) => r.action)).toEqual(['answers', 'approve', 'rewind']);
    expect(s.overview()).toContain('@octo: rewound from implementation to planning');
    // The work of the implementation iteration is kept on the branch.
    expect(rig.show(approved.outputs.branch ?? '', 'src.txt')).toBe('half done');
    expect(fake.state.pulls.at(-1)?.body).toContain('Plan v2: smaller steps');
  });

  it('/samocode skip passes the questions gate; /samocode rewind and budget explain bad arguments', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      ...toPlan().slice(0, 3),
      {
        phase: 'planning',
        files: { '11-25-plan-x.md': '# Plan\n' },
        signal: { status: 'waiting', for: 'plan_approval' },
      },
    ]);
    rig.openIssue(63, 'Skip questions', 'x');
    const asked = await rig.run('issues', rig.labeled(63, 'samocode', person));
    expect(asked.outputs).toMatchObject({ status: 'waiting', phase: 'requirements' });

    await rig.run('issue_comment', rig.comment(63, '/samocode rewind', person));
    expect(replies(63).at(-1)).toContain(
      '`/samocode rewind` needs the phase to go back to, one of: init, investigation',
    );
    await rig.run('issue_comment', rig.comment(63, '/samocode rewind testing', person));
    expect(replies(63).at(-1)).toContain(
      'cannot rewind from "requirements" to "testing": rewind goes back to an earlier phase (init, investigation)',
    );
    await rig.run('issue_comment', rig.comment(63, '/samocode budget lots', person));
    expect(replies(63).at(-1)).toContain('needs an amount in USD, e.g. `/samocode budget 25`');

    const skipped = await rig.run('issue_comment', rig.comment(63, '/samocode skip', person));
    expect(skipped.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });
    expect(session(rig, skipped.outputs).state()).toMatchObject({
      gates: { requirements: 'passed', planning: 'open' },
    });
  });

  it('/samocode reopen takes a done session back to implementation with the new task', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      ...toPlan().slice(0, 3),
      {
        phase: 'planning',
        files: { '11-25-plan-x.md': '# Plan\n' },
        signal: { status: 'waiting', for: 'plan_approval' },
      },
      ...finishingSteps('first round'),
      ...finishingSteps('second round', {
        expect: [{ file: '_overview.md', contains: 'Also say goodbye' }],
      }),
    ]);
    rig.openIssue(64, 'Reopen me', 'x');
    await rig.run('issues', rig.labeled(64, 'samocode', person));
    await rig.run('issue_comment', rig.comment(64, '/samocode skip', person));
    const done = await rig.run('issue_comment', rig.comment(64, '/samocode skip', person));
    expect(done.outputs).toMatchObject({ status: 'done', phase: 'done' });

    const early = await rig.run('issue_comment', rig.comment(64, '/samocode reopen', person));
    expect(early.outputs).toMatchObject({ status: 'done' });
    expect(replies(64).at(-1)).toContain('`/samocode reopen` needs the new task after it');
    const again = await rig.run(
      'issue_comment',
      rig.comment(64, '/samocode reopen Also say goodbye', person),
    );
    expect(again.outputs).toMatchObject({ status: 'done', phase: 'done' });
    // Done again: the folder is read from its record (it left the branch; see keep-session-folder).
    const s = session(rig, {
      ...again.outputs,
      branch: `refs/samocode/sessions/${again.outputs.session ?? ''}`,
    });
    expect(s.state()).toMatchObject({ status: 'done', summary: 'second round' });
    expect(s.state().task).toContain('Also say goodbye');
    expect(s.history()).toContainEqual(
      expect.objectContaining({ kind: 'human', action: 'reopen', by: person.login }),
    );
  });

  it('/samocode budget mid-run caps the session; a higher one frees it', async () => {
    const rig = actionRig(fake);
    // Each scripted iteration costs $0.01.
    rig.setScenario([
      { phase: 'init', signal: { status: 'continue' } },
      { phase: 'init', signal: { status: 'continue' }, http: during(64, '/samocode budget 0.03') },
      { phase: 'init', signal: { status: 'continue' } },
      { phase: 'init', signal: { status: 'blocked', reason: 'ran on the new budget' } },
    ]);
    rig.openIssue(64, 'Budget', 'x');
    const capped = await rig.run('issues', rig.labeled(64, 'samocode', person), poll);
    expect(capped.outputs).toMatchObject({ status: 'blocked', iterations: '3' });
    const s = session(rig, capped.outputs);
    expect(s.state()).toMatchObject({ budgetUsd: 0.03, blocked: { kind: 'budget' } });
    expect(status(64)).toContain('reached the budget of $0.03');
    expect(s.overview()).toContain('@octo: budget set to $0.03 ($0.01 left)');

    const freed = await rig.run('issue_comment', rig.comment(64, '/samocode budget $1', person));
    expect(freed.outputs).toMatchObject({ status: 'blocked', iterations: '4' });
    expect(session(rig, freed.outputs).state()).toMatchObject({
      budgetUsd: 1,
      blocked: { kind: 'agent', reason: 'ran on the new budget' },
    });
  });
});

describe('stopping a running session', () => {
  it('a label removed mid-run stops the session at the next iteration boundary', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      { phase: 'init', signal: { status: 'continue' } },
      {
        phase: 'init',
        signal: { status: 'continue' },
        http: { url: `${fake.url}/_test/unlabel`, body: { issue: 67, label: 'samocode' } },
      },
      { phase: 'init', signal: { status: 'continue' } },
    ]);
    rig.openIssue(67, 'Unlabel mid-run', 'x');
    const run = await rig.run('issues', rig.labeled(67, 'samocode', person), poll);
    expect(run.outputs).toMatchObject({ status: 'blocked', iterations: '2' });
    expect(session(rig, run.outputs).state()).toMatchObject({
      blocked: { kind: 'stopped', reason: '@octo removed the "samocode" label' },
    });
  });

  it('a person whose permission is revoked during the run is no longer heard', async () => {
    fake.state.permissions.set('leaver', 'write');
    const rig = actionRig(fake);
    rig.setScenario([
      {
        phase: 'init',
        signal: { status: 'continue' },
        http: {
          url: `${fake.url}/_test/permission`,
          body: { login: 'leaver', permission: 'read' },
        },
      },
      {
        phase: 'init',
        signal: { status: 'continue' },
        http: {
          url: `${fake.url}/_test/comment`,
          body: { issue: 69, body: '/samocode stop', login: 'leaver' },
        },
      },
      { phase: 'init', signal: { status: 'blocked', reason: 'went on' } },
    ]);
    rig.openIssue(69, 'Revoked', 'x');
    const run = await rig.run('issues', rig.labeled(69, 'samocode', { login: 'leaver' }), poll);
    expect(run.outputs).toMatchObject({ status: 'blocked', iterations: '3' });
    expect(session(rig, run.outputs).state()).toMatchObject({ blocked: { reason: 'went on' } });
    expect(run.stdout).toMatch(/comment \d+ ignored: @leaver has read permission/);
  });

  it("the issue's author (read) closing it, or a triager removing the label, stops nothing", async () => {
    fake.state.permissions.set('author', 'read');
    fake.state.permissions.set('triager', 'triage');
    const rig = actionRig(fake);
    rig.setScenario([
      { phase: 'init', signal: { status: 'continue' } },
      {
        phase: 'init',
        signal: { status: 'continue' },
        http: { url: `${fake.url}/_test/close`, body: { issue: 68, login: 'author' } },
      },
      {
        phase: 'init',
        signal: { status: 'continue' },
        http: {
          url: `${fake.url}/_test/unlabel`,
          body: { issue: 68, label: 'samocode', login: 'triager' },
        },
      },
      { phase: 'init', signal: { status: 'blocked', reason: 'went on' } },
    ]);
    rig.openIssue(68, 'Closed by its author', 'x', { login: 'author' });
    const run = await rig.run('issues', rig.labeled(68, 'samocode', person), poll);
    expect(run.outputs).toMatchObject({ status: 'blocked', iterations: '4' });
    expect(session(rig, run.outputs).state()).toMatchObject({
      blocked: { reason: 'went on' },
    });
    expect(run.stdout).toContain(
      '@author closed the issue; the session goes on: @author has read permission',
    );
    expect(run.stdout).toContain('@triager removed the "samocode" label; the session goes on');
  });
});

describe('approval bound to the plan it approved', () => {
  it('an approval of an older plan version is answered and leaves the gate closed', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      ...toPlan('# Plan v1\n'),
      {
        phase: 'planning',
        files: { '11-25-plan-x.md': '# Plan v2\n' },
        signal: { status: 'waiting', for: 'plan_approval' },
      },
      { phase: 'implementation', signal: { status: 'blocked', reason: 'implementation started' } },
    ]);
    rig.openIssue(65, 'Bound approval', 'x');
    await rig.run('issues', rig.labeled(65, 'samocode', person));
    const v1 = await rig.run('issue_comment', rig.comment(65, 'Q1: A', person));
    const pr = fake.state.pulls.at(-1);
    if (!pr) throw new Error('no pull request');
    const v1Commit = JSON.parse(
      rig.show(v1.outputs.branch ?? '', `_sessions/${v1.outputs.session ?? ''}/_github.json`),
    ) as { plan: { commit: string } };
    expect(pr.body).toContain(`Plan version under review: \`${v1Commit.plan.commit.slice(0, 7)}\``);
    const v2 = await rig.run(
      'pull_request_review',
      rig.review(pr.number, 'changes_requested', 'smaller steps', person),
    );
    expect(v2.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });
    const v2Commit = (
      JSON.parse(
        rig.show(v2.outputs.branch ?? '', `_sessions/${v2.outputs.session ?? ''}/_github.json`),
      ) as { plan: { commit: string } }
    ).plan.commit;
    expect(v2Commit).not.toBe(v1Commit.plan.commit);
    expect(status(65)).toContain(`| Plan under review | version \`${v2Commit.slice(0, 7)}\``);

    // A second reviewer, who still had v1 open, approves it after the first asked for changes.
    const staleCommit = v1Commit.plan.commit;
    const staleReview = rig.review(
      pr.number,
      'approved',
      'v1 is fine',
      { login: 'hubot2' },
      [],
      staleCommit,
    );
    fake.state.permissions.set('hubot2', 'write');
    const stale = await rig.run('pull_request_review', staleReview);
    expect(stale.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });
    expect(replies(65).at(-1)).toContain(
      `@hubot2 that approval was given on \`${staleCommit.slice(0, 7)}\`, not on the plan under review: the current version is \`${v2Commit.slice(0, 7)}\``,
    );
    expect(replies(65).at(-1)).toContain(
      `/blob/${v2Commit}/_sessions/${v2.outputs.session ?? ''}/11-25-plan-x.md`,
    );

    // The same by comment, pinned to the old commit.
    await rig.run(
      'issue_comment',
      rig.comment(65, `/samocode approve ${v1Commit.plan.commit.slice(0, 10)}`, person),
    );
    expect(replies(65).at(-1)).toContain('not on the plan under review');

    // An approval on the version under review (the branch head) opens the gate.
    const approved = await rig.run(
      'pull_request_review',
      rig.review(pr.number, 'approved', 'v2 it is', person),
    );
    expect(approved.outputs).toMatchObject({ status: 'blocked', phase: 'implementation' });
  });

  it('an approving comment written while the plan was being revised is for the old version', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      ...toPlan('# Plan v1\n'),
      {
        phase: 'planning',
        files: { '11-25-plan-x.md': '# Plan v2\n' },
        signal: { status: 'waiting', for: 'plan_approval' },
        http: during(66, '/samocode approve'),
      },
      { phase: 'implementation', signal: { status: 'blocked', reason: 'implementation started' } },
    ]);
    rig.openIssue(66, 'Approve too early', 'x');
    await rig.run('issues', rig.labeled(66, 'samocode', person));
    await rig.run('issue_comment', rig.comment(66, 'Q1: A', person));
    const pr = fake.state.pulls.at(-1);
    if (!pr) throw new Error('no pull request');
    const v2 = await rig.run(
      'pull_request_review',
      rig.review(pr.number, 'changes_requested', 'smaller steps', person),
      poll,
    );
    expect(v2.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });
    expect(replies(66).at(-1)).toContain(
      'that approval was written before the current version of the plan was posted',
    );
    const approved = await rig.run('issue_comment', rig.comment(66, '/samocode approve', person));
    expect(approved.outputs).toMatchObject({ status: 'blocked', phase: 'implementation' });
  });
});
