import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { routeEvent, slashCommand } from '../../src/core/github-event.js';
import {
  duration,
  pipeline,
  questionsComment,
  statusComment,
  fitBody,
  isOwnComment,
} from '../../src/core/github-render.js';
import { issueOfBranch, sessionBranch, taskFromIssue } from '../../src/core/issue-task.js';
import { parseQa } from '../../src/core/qa.js';
import { newSessionState } from '../../src/core/session-state.js';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{
  name: string;
  examples: Array<Record<string, unknown>>;
}>;
const example = (name: string, action?: string) =>
  structuredClone(
    examples
      .find((e) => e.name === name)
      ?.examples.find((x) => action === undefined || x.action === action) ?? {},
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- webhook examples are patched freely here
  ) as Record<string, any>;
const settings = { triggerLabel: 'samocode', branchPrefix: 'samocode/' };

describe('routeEvent, on GitHub webhook examples', () => {
  it('starts on the trigger label', () => {
    const payload = example('issues', 'labeled');
    payload.label.name = 'samocode';
    const intent = routeEvent('issues', payload, settings);
    expect(intent).toMatchObject({
      kind: 'start',
      issue: { number: payload.issue.number, title: payload.issue.title },
      actor: { login: 'Codertocat', isBot: false },
      via: { kind: 'label' },
    });
  });

  it('starts when the issue is assigned to the trigger assignee, by who assigned it', () => {
    const payload = example('issues', 'assigned');
    payload.assignee = { ...payload.assignee, login: 'Samocode-Bot' };
    payload.sender = { ...payload.sender, login: 'octocat' };
    const withAssignee = { ...settings, triggerAssignee: 'samocode-bot' };
    expect(routeEvent('issues', payload, withAssignee)).toMatchObject({
      kind: 'start',
      issue: { number: payload.issue.number, title: payload.issue.title },
      actor: { login: 'octocat', isBot: false },
      via: { kind: 'assignee', login: 'Samocode-Bot' },
    });
    // A leading @ in the setting is the same login.
    expect(
      routeEvent('issues', payload, { ...settings, triggerAssignee: '@samocode-bot' }).kind,
    ).toBe('start');
  });

  it('ignores assignments to others, with no trigger assignee, by bots and on pull requests', () => {
    const withAssignee = { ...settings, triggerAssignee: 'samocode-bot' };
    const other = example('issues', 'assigned');
    expect(routeEvent('issues', other, withAssignee)).toEqual({
      kind: 'ignore',
      reason: 'assigned to Codertocat, not the trigger assignee samocode-bot',
    });
    const toBot = example('issues', 'assigned');
    toBot.assignee.login = 'samocode-bot';
    expect(routeEvent('issues', toBot, settings)).toEqual({
      kind: 'ignore',
      reason: 'issues.assigned: no trigger-assignee is set',
    });
    expect(routeEvent('issues', toBot, { ...settings, triggerAssignee: '' }).kind).toBe('ignore');
    const nobody = example('issues', 'assigned');
    nobody.assignee = null;
    expect(routeEvent('issues', nobody, withAssignee)).toMatchObject({ kind: 'ignore' });
    const byBot = example('issues', 'assigned');
    byBot.assignee.login = 'samocode-bot';
    byBot.sender = { ...byBot.sender, login: 'renovate[bot]', type: 'Bot' };
    expect(routeEvent('issues', byBot, withAssignee)).toEqual({
      kind: 'ignore',
      reason: 'assigned by bot renovate[bot]',
    });
    const onPull = example('issues', 'assigned');
    onPull.assignee.login = 'samocode-bot';
    onPull.issue.pull_request = { url: 'x' };
    expect(routeEvent('issues', onPull, withAssignee).kind).toBe('ignore');
    // Unassigning does not stop a session: removing the trigger label does.
    const unassigned = example('issues', 'unassigned');
    unassigned.assignee = { ...unassigned.assignee, login: 'samocode-bot' };
    expect(routeEvent('issues', unassigned, withAssignee).kind).toBe('ignore');
  });

  it('starts on a /samocode start comment on an issue, with the rest of the comment as a note', () => {
    const created = example('issue_comment', 'created');
    created.comment.body = '  /samocode START\nUse the new API.';
    expect(routeEvent('issue_comment', created, settings)).toEqual({
      kind: 'start',
      issue: {
        number: created.issue.number,
        title: created.issue.title,
        body: created.issue.body ?? '',
        // The issue's author, whose permission decides whether the body's images are fetched.
        author: { login: created.issue.user.login, isBot: created.issue.user.type === 'Bot' },
      },
      actor: { login: 'Codertocat', isBot: false },
      via: { kind: 'comment', commentId: created.comment.id, note: 'Use the new API.' },
    });
    // On a pull request it is a comment like any other; a bot's is ignored.
    const onPull = structuredClone(created);
    onPull.issue.pull_request = { url: 'x' };
    expect(routeEvent('issue_comment', onPull, settings)).toMatchObject({
      kind: 'comment',
      onPullRequest: true,
    });
    const bot = structuredClone(created);
    bot.comment.user = { login: 'github-actions[bot]', type: 'Bot' };
    expect(routeEvent('issue_comment', bot, settings).kind).toBe('ignore');
    // Only on the first line, and only the command itself.
    created.comment.body = 'Could you /samocode start?';
    expect(routeEvent('issue_comment', created, settings).kind).toBe('comment');
    created.comment.body = '/samocode started';
    expect(routeEvent('issue_comment', created, settings).kind).toBe('comment');
  });

  it('ignores other labels, bots and pull request labels', () => {
    const other = example('issues', 'labeled');
    expect(routeEvent('issues', other, settings)).toEqual({
      kind: 'ignore',
      reason: 'label "bug" is not the trigger label "samocode"',
    });
    const bot = example('issues', 'labeled');
    bot.label.name = 'samocode';
    bot.sender = { ...bot.sender, login: 'renovate[bot]', type: 'Bot' };
    expect(routeEvent('issues', bot, settings)).toEqual({
      kind: 'ignore',
      reason: 'label added by bot renovate[bot]',
    });
  });

  it('stops on unlabel and close', () => {
    const unlabeled = example('issues', 'unlabeled');
    unlabeled.label = { name: 'samocode' };
    expect(routeEvent('issues', unlabeled, settings)).toMatchObject({
      kind: 'stop',
      why: '@Codertocat removed the "samocode" label',
    });
    // The examples have no issues.closed; it has the same shape as any other issues event.
    const closed = { ...example('issues', 'opened'), action: 'closed' };
    expect(routeEvent('issues', closed, settings)).toMatchObject({
      kind: 'stop',
      why: '@Codertocat closed the issue',
    });
  });

  it('reads new comments, notes comments on pull requests, and ignores edits and bots', () => {
    const created = example('issue_comment', 'created');
    expect(routeEvent('issue_comment', created, settings)).toMatchObject({
      kind: 'comment',
      comment: { id: created.comment.id, author: { login: 'Codertocat' } },
    });
    created.issue.pull_request = { url: 'x' };
    expect(routeEvent('issue_comment', created, settings)).toMatchObject({
      kind: 'comment',
      onPullRequest: true,
    });
    expect(routeEvent('issue_comment', example('issue_comment', 'edited'), settings).kind).toBe(
      'ignore',
    );
    const bot = example('issue_comment', 'created');
    bot.comment.user = { login: 'github-actions[bot]', type: 'Bot' };
    expect(routeEvent('issue_comment', bot, settings)).toEqual({
      kind: 'ignore',
      reason: 'comment by bot github-actions[bot]',
    });
  });

  it('reads submitted reviews on session branches, lowercasing the state', () => {
    const review = example('pull_request_review', 'submitted');
    expect(routeEvent('pull_request_review', review, settings)).toMatchObject({
      kind: 'ignore',
      reason: expect.stringContaining('is not a session branch'),
    });
    review.pull_request.head.ref = 'samocode/3-x';
    review.review.state = 'APPROVED';
    expect(routeEvent('pull_request_review', review, settings)).toMatchObject({
      kind: 'review',
      branch: 'samocode/3-x',
      review: { state: 'approved' },
    });
  });

  it('reads a dismissal by who dismissed it; a bot dismissing is ignored', () => {
    const dismissed = example('pull_request_review', 'dismissed');
    dismissed.pull_request.head.ref = 'samocode/3-x';
    dismissed.sender = { ...dismissed.sender, login: 'maintainer' };
    expect(routeEvent('pull_request_review', dismissed, settings)).toMatchObject({
      kind: 'dismiss',
      branch: 'samocode/3-x',
      reviewId: dismissed.review.id,
      actor: { login: 'maintainer', isBot: false },
    });
    dismissed.sender = { ...dismissed.sender, login: 'github-actions[bot]', type: 'Bot' };
    expect(routeEvent('pull_request_review', dismissed, settings)).toMatchObject({
      kind: 'ignore',
      reason: 'review dismissed by bot github-actions[bot]',
    });
    const edited = { ...example('pull_request_review', 'dismissed'), action: 'edited' };
    expect(routeEvent('pull_request_review', edited, settings).kind).toBe('ignore');
  });

  it('reads CI only for a push in this repository, never a fork’s', () => {
    const suite = example('check_suite', 'completed');
    suite.check_suite.head_branch = 'samocode/3-x';
    suite.check_suite.pull_requests = [];
    expect(routeEvent('check_suite', suite, settings)).toMatchObject({
      kind: 'ci',
      branch: 'samocode/3-x',
    });
    // A suite that lists a pull request from another repository is that fork's.
    const pr = example('check_suite', 'completed').check_suite.pull_requests[0];
    suite.check_suite.pull_requests = [
      { ...pr, head: { ...pr.head, repo: { ...pr.head.repo, id: 666 } } },
    ];
    expect(routeEvent('check_suite', suite, settings)).toMatchObject({
      kind: 'ignore',
      reason: 'check_suite for a pull request from a fork',
    });
    const run = example('workflow_run', 'completed');
    run.workflow_run.head_branch = 'samocode/3-x';
    run.workflow_run.head_repository = {
      ...run.workflow_run.head_repository,
      full_name: run.repository.full_name,
    };
    expect(routeEvent('workflow_run', run, settings).kind).toBe('ci');
    run.workflow_run.head_repository = {
      ...run.workflow_run.head_repository,
      full_name: 'mallory/x',
    };
    expect(routeEvent('workflow_run', run, settings)).toMatchObject({
      reason: 'workflow_run from the fork mallory/x',
    });
    run.workflow_run.head_repository = null;
    expect(routeEvent('workflow_run', run, settings)).toMatchObject({
      reason: 'workflow_run from a deleted fork',
    });
  });

  it('continues on dispatches that name an issue', () => {
    expect(
      routeEvent(
        'repository_dispatch',
        { ...example('repository_dispatch'), client_payload: { issue: 5 } },
        settings,
      ),
    ).toEqual({ kind: 'continue', issue: 5 });
    expect(
      routeEvent(
        'workflow_dispatch',
        { ...example('workflow_dispatch'), inputs: { issue: '6' } },
        settings,
      ),
    ).toEqual({ kind: 'continue', issue: 6 });
    expect(routeEvent('workflow_dispatch', { inputs: {} }, settings).kind).toBe('ignore');
  });

  it('refuses pull_request_target and reports malformed payloads', () => {
    expect(routeEvent('pull_request_target', {}, settings).kind).toBe('ignore');
    expect(routeEvent('issues', { action: 'labeled' }, settings)).toMatchObject({
      kind: 'ignore',
      reason: expect.stringContaining('the issues payload is not what GitHub sends: "issue"'),
    });
  });
});

describe('slash commands', () => {
  it.each([
    ['/samocode approve', { kind: 'approve' }],
    ['/samocode approve 1A2b3c4d', { kind: 'approve', version: '1a2b3c4d' }],
    ['/samocode approve it please', { kind: 'approve' }],
    ['  /Samocode RESUME please', { kind: 'resume' }],
    ['/samocode stop\nnow', { kind: 'stop' }],
    ['/samocode status', { kind: 'status' }],
    ['/samocode pause', { kind: 'pause' }],
    ['/samocode skip', { kind: 'skip' }],
    ['/samocode rewind Planning', { kind: 'rewind', phase: 'planning' }],
    ['/samocode budget $12.50', { kind: 'budget', usd: 12.5 }],
    [
      '/samocode reopen Also greet in French\nand in German',
      { kind: 'reopen', task: 'Also greet in French\nand in German' },
    ],
    ['/samocode start', { kind: 'start', note: '' }],
    ['/samocode start with tests\nand docs', { kind: 'start', note: 'with tests\nand docs' }],
    ['please /samocode approve', undefined],
  ])('%j', (body, command) => {
    expect(slashCommand(body)).toEqual(command);
  });

  it.each([
    ['/samocode', /unknown command `\/samocode `: use start, approve, resume/],
    ['/samocode dance', /unknown command `\/samocode dance`/],
    ['/samocode rewind', /needs the phase to go back to, one of: init, investigation/],
    ['/samocode rewind yesterday', /e\.g\. `\/samocode rewind planning`/],
    ['/samocode budget', /needs an amount in USD/],
    ['/samocode budget 0', /needs an amount in USD/],
    ['/samocode reopen', /`\/samocode reopen` needs the new task after it/],
  ])('%j is explained', (body, error) => {
    const command = slashCommand(body);
    expect(command?.kind).toBe('invalid');
    expect(command?.kind === 'invalid' && command.error).toMatch(error);
  });
});

describe('issue to session', () => {
  it('names branches and reads the issue number back', () => {
    expect(sessionBranch('samocode/', 12, 'Add JWT login!')).toBe('samocode/12-add-jwt-login');
    expect(issueOfBranch('samocode/', 'samocode/12-add-jwt-login')).toBe(12);
    expect(issueOfBranch('samocode/', 'samocode/x-12')).toBeUndefined();
    expect(issueOfBranch('samocode/', 'feature/12-x')).toBeUndefined();
  });

  it('takes task: and dive: sections, else the title and body', () => {
    expect(
      taskFromIssue(
        'Add login',
        'We need login.\n\nDive: the auth module\n\nTask: add JWT login\nwith refresh',
      ),
    ).toEqual({
      task: 'Add login\n\nadd JWT login\nwith refresh',
      dive: 'the auth module',
    });
    expect(taskFromIssue('Add login', 'We need login.')).toEqual({
      task: 'Add login\n\nWe need login.',
    });
    expect(taskFromIssue('Fix', '## Dive\nthe parser\n## Notes\nkeep it small')).toEqual({
      task: 'Fix\n\n## Notes\nkeep it small',
      dive: 'the parser',
    });
  });
});

describe('rendering', () => {
  const state = {
    ...newSessionState({ name: '26-11-25-1-x', task: 't', now: 'T' }),
    phase: 'planning' as const,
    status: 'waiting' as const,
    waitingFor: 'plan_approval' as const,
    iteration: 6,
  };

  it('shows the pipeline with the current phase', () => {
    expect(pipeline(state)).toBe(
      '✅ init → ✅ investigation → ✅ requirements → ⏳ **planning** → ⬜ implementation → ⬜ testing → ⬜ quality → ⬜ done',
    );
  });

  it('writes a status comment that is recognisably ours', () => {
    const body = statusComment(
      state,
      { lastAction: 'wrote | the plan', next: 'wait' },
      { pr: { number: 3, url: 'u' } },
    );
    expect(isOwnComment(body)).toBe(true);
    expect(body).toContain('| Last action | wrote \\| the plan |');
    expect(body).toContain('Waiting for plan approval');
    expect(body).toContain('[PR #3](u)');
  });

  it('shows how long the session has run', () => {
    const body = statusComment(
      {
        ...state,
        createdAt: '2026-11-25T10:00:00.000Z',
        totals: { ...state.totals, agentMs: 1_500_000 },
      },
      {},
      {},
      '2026-11-25T11:12:30.000Z',
    );
    expect(body).toContain('| Elapsed | 1 h 12 min (agent 25 min) |');
    expect(duration(42_000)).toBe('42 s');
    expect(duration(3 * 86_400_000 + 7_200_000)).toBe('3 d 2 h');
  });

  it('lists questions with options and suggestions', () => {
    const body = questionsComment(
      's',
      parseQa('## Q1: Color?\n- A) red\n- B) blue\nSuggestion: B\n\nAnswer:\n'),
    );
    expect(body).toContain('**Q1: Color?**\n- **A)** red\n- **B)** blue\n- _Suggestion: B_');
  });

  it("keeps bodies under GitHub's limit", () => {
    expect(fitBody('x'.repeat(70_000)).length).toBeLessThan(65_536);
  });
});
