// Starting a session from where people already are, through the bundled action: assigning the
// issue to the trigger assignee, or commenting `/samocode start` on it. Each starts like the
// trigger label (same admission, branch, status comment and labels); what may not start ends
// before any lock, push or agent.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRig } from '../support/action-rig.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub } from '../support/fake-github.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.state.permissions.set('reader', 'read');
});
afterAll(async () => {
  await fake.close();
});

const owner = { login: 'octo' };
const reader = { login: 'reader' };
const ASSIGNEE = { 'trigger-assignee': 'samocode-bot' };
const oneIteration = [
  { phase: 'init', signal: { status: 'blocked', reason: 'first iteration done' } },
];

const labels = (issue: number) => [...(fake.state.issues.get(issue)?.labels ?? [])].sort();
const comments = (issue: number) => fake.state.comments.filter((c) => c.issue === issue);
const replies = (issue: number) =>
  comments(issue).filter((c) => c.body.startsWith('<!-- samocode:reply -->'));

function startedLikeTheLabel(rig: ReturnType<typeof actionRig>, issue: number, branch: string) {
  expect(rig.branches()).toContain(branch);
  expect(rig.calls()).toHaveLength(1);
  expect(labels(issue)).toEqual(['samocode', 'samocode:blocked']);
  expect(comments(issue).some((c) => c.body.startsWith('<!-- samocode:status -->'))).toBe(true);
}

describe('starting a session without the label', () => {
  it('assigning the issue to the trigger assignee starts a session, by who assigned it', async () => {
    const rig = actionRig(fake);
    rig.setScenario(oneIteration);
    rig.openIssue(81, 'Assign me', 'Do the thing.');
    const run = await rig.run('issues', rig.assigned(81, 'Samocode-Bot', owner), ASSIGNEE);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'blocked', branch: 'samocode/81-assign-me' });
    startedLikeTheLabel(rig, 81, 'samocode/81-assign-me');
    expect(rig.log('samocode/81-assign-me')).toContain(
      `samocode: ${run.outputs.session ?? ''} start session for #81 (@octo)`,
    );
  });

  it('ignores an assignment to someone else: no lock, no agent, not one API call', async () => {
    const rig = actionRig(fake);
    rig.setScenario(oneIteration);
    rig.openIssue(82, 'Assign a person', 'x');
    const before = fake.requests.length;
    const run = await rig.run('issues', rig.assigned(82, 'octo', owner), ASSIGNEE);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('ignored');
    expect(run.stdout).toContain('assigned to octo, not the trigger assignee samocode-bot');
    expect(fake.requests.slice(before)).toEqual([]);
    expect(rig.branches()).toEqual(['main']);
    expect(existsSync(`${rig.scenario}.calls.jsonl`)).toBe(false);

    // Without trigger-assignee, assigning starts nothing either.
    const off = await rig.run('issues', rig.assigned(82, 'samocode-bot', owner));
    expect(off.outputs.status).toBe('ignored');
    expect(rig.branches()).toEqual(['main']);
  });

  it('fails on a trigger-assignee that is no login, saying what it expects', async () => {
    const rig = actionRig(fake);
    rig.openIssue(87, 'Bad input', 'x');
    const run = await rig.run('issues', rig.assigned(87, 'samocode-bot', owner), {
      'trigger-assignee': 'samocode bot',
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      'input "trigger-assignee" must be one GitHub login, e.g. samocode-bot, or empty (got "samocode bot")',
    );
    expect(rig.branches()).toEqual(['main']);
  });

  it('refuses an assignment by someone without permission before any lock or agent', async () => {
    const rig = actionRig(fake);
    rig.setScenario(oneIteration);
    rig.openIssue(83, 'Sneaky assign', 'x');
    const before = fake.requests.length;
    const run = await rig.run('issues', rig.assigned(83, 'samocode-bot', reader), ASSIGNEE);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('ignored');
    expect(run.stdout).toContain(
      'start ignored: @reader has read permission (needs write, maintain, admin)',
    );
    expect(fake.requests.slice(before).map((r) => r.operation)).toEqual([
      'repos/get-collaborator-permission-level',
    ]);
    expect(rig.branches()).toEqual(['main']);
    expect(existsSync(`${rig.scenario}.calls.jsonl`)).toBe(false);
    expect(labels(83)).toEqual([]);
  });

  it('/samocode start by a permitted person starts a session; its note joins the task', async () => {
    const rig = actionRig(fake);
    rig.setScenario(oneIteration);
    rig.openIssue(84, 'Start by comment', 'Make it faster.');
    const run = await rig.run(
      'issue_comment',
      rig.comment(84, '/samocode start\nKeep the public API as it is.', owner),
    );
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'blocked',
      branch: 'samocode/84-start-by-comment',
    });
    startedLikeTheLabel(rig, 84, 'samocode/84-start-by-comment');
    const state = rig.show(
      'samocode/84-start-by-comment',
      `_sessions/${run.outputs.session ?? ''}/_state.json`,
    );
    expect(state).toContain('Make it faster.');
    expect(state).toContain(
      'Note from @octo when starting the session:\\nKeep the public API as it is.',
    );
    // The start comment is no command for the session it started.
    expect(replies(84)).toEqual([]);
  });

  it('/samocode start by someone without permission runs nothing', async () => {
    const rig = actionRig(fake);
    rig.setScenario(oneIteration);
    rig.openIssue(85, 'Stranger start', 'x');
    const before = fake.requests.length;
    const run = await rig.run('issue_comment', rig.comment(85, '/samocode start', reader));
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('ignored');
    expect(run.stdout).toContain('start ignored: @reader has read permission');
    expect(fake.requests.slice(before).map((r) => r.operation)).toEqual([
      'repos/get-collaborator-permission-level',
    ]);
    expect(rig.branches()).toEqual(['main']);
    expect(existsSync(`${rig.scenario}.calls.jsonl`)).toBe(false);
    expect(comments(85).map((c) => c.body)).toEqual(['/samocode start']);
  });

  it('/samocode start or an assignment on an issue with a session starts no second one', async () => {
    const rig = actionRig(fake);
    rig.setScenario(oneIteration);
    rig.openIssue(86, 'Started twice', 'x');
    const first = await rig.run('issues', rig.labeled(86, 'samocode', owner));
    expect(first.outputs.status).toBe('blocked');
    const again = await rig.run('issue_comment', rig.comment(86, '/samocode start', owner));
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({
      status: 'blocked',
      session: first.outputs.session,
      branch: first.outputs.branch,
    });
    expect(rig.branches().filter((b) => b.startsWith('samocode/86'))).toEqual([
      first.outputs.branch,
    ]);
    expect(rig.calls()).toHaveLength(1);
    expect(replies(86).map((c) => c.body)).toEqual([
      expect.stringContaining(
        `@octo this issue already has a session (${first.outputs.session ?? ''}, blocked in init)`,
      ),
    ]);

    // Assigning it to the trigger assignee continues that session too.
    const assigned = await rig.run('issues', rig.assigned(86, 'samocode-bot', owner), ASSIGNEE);
    expect(assigned.outputs).toMatchObject({ status: 'blocked', session: first.outputs.session });
    expect(assigned.stdout).toContain(`already has session branch ${first.outputs.branch ?? ''}`);
    expect(rig.branches().filter((b) => b.startsWith('samocode/86'))).toHaveLength(1);
  });
});
