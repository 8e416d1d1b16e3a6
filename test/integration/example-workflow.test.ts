// examples/samocode.yml as GitHub runs it, on GitHub's own webhook examples: its `if:`,
// `concurrency` and `env:` expressions are evaluated with only the contexts GitHub allows where
// they stand, and the route step's script really runs in bash. What must hold: every event of a
// session lands in one concurrency group, whatever its kind; events that cannot concern a session
// take no runner; the trigger label is set in one place.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { routeEvent } from '../../src/core/github-event.js';
import { sessionBranch } from '../../src/core/issue-task.js';
import { condition, interpolate } from '../support/workflow-expression.js';
import { tempDir } from '../support/temp.js';

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Job {
  if?: string;
  needs?: string;
  outputs?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean; queue?: string };
  steps: Step[];
}

const FILE = 'examples/samocode.yml';
const text = readFileSync(FILE, 'utf8');
const workflow = parse(text) as { on: Record<string, unknown>; jobs: Record<string, Job> };
const route = workflow.jobs.route as Job;
const main = workflow.jobs.samocode as Job;

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{
  name: string;
  examples: Array<Record<string, unknown>>;
}>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- webhook examples are patched freely here
type Payload = Record<string, any>;
const example = (name: string, action?: string): Payload =>
  structuredClone(
    examples
      .find((e) => e.name === name)
      ?.examples.find((x) => action === undefined || x.action === action) ?? {},
  );

interface Event {
  name: string;
  payload: Payload;
}

const REPO = 'Codertocat/Hello-World';
const ISSUE = 7;
const BRANCH = sessionBranch('samocode/', ISSUE, 'Add login');
const human = { login: 'octocat', type: 'User' };
const bot = { login: 'renovate[bot]', type: 'Bot' };
const labels = (...names: string[]) => names.map((name) => ({ name }));

function issues(action: string, label?: string, on = labels('samocode')): Event {
  const payload = example('issues', action === 'closed' ? 'opened' : action);
  payload.action = action;
  payload.issue.number = ISSUE;
  payload.issue.labels = on;
  if (label === undefined) delete payload.label;
  else payload.label = { name: label };
  payload.sender = human;
  return { name: 'issues', payload };
}
function assigned(to: string | null, by = human, on = labels('bug')): Event {
  const payload = example('issues', 'assigned');
  payload.issue.number = ISSUE;
  payload.issue.labels = on;
  payload.assignee = to === null ? null : { ...payload.assignee, login: to };
  payload.sender = by;
  return { name: 'issues', payload };
}
function comment(
  on = labels('samocode', 'samocode:waiting-answers'),
  by = human,
  body?: string,
): Event {
  const payload = example('issue_comment', 'created');
  payload.issue.number = ISSUE;
  payload.issue.labels = on;
  payload.comment.user = by;
  if (body !== undefined) payload.comment.body = body;
  return { name: 'issue_comment', payload };
}
const ASSIGNEE = { SAMOCODE_ASSIGNEE: 'samocode-bot' };
const settings = {
  triggerLabel: 'samocode',
  triggerAssignee: 'samocode-bot',
  branchPrefix: 'samocode/',
};
function review(
  head = BRANCH,
  headRepo: string | null = REPO,
  by = human,
  action: 'submitted' | 'dismissed' = 'submitted',
): Event {
  const payload = example('pull_request_review', 'submitted');
  payload.action = action;
  payload.pull_request.number = 12;
  payload.pull_request.head.ref = head;
  payload.pull_request.head.repo = headRepo === null ? null : { full_name: headRepo };
  // A submitted review's sender is its author; a dismissal's is the person who dismissed it.
  if (action === 'submitted') payload.review.user = by;
  payload.sender = by;
  return { name: 'pull_request_review', payload };
}
function workflowRun(head = BRANCH, headRepo = REPO): Event {
  const payload = example('workflow_run', 'completed');
  payload.workflow_run.head_branch = head;
  payload.workflow_run.head_repository.full_name = headRepo;
  return { name: 'workflow_run', payload };
}
function checkSuite(head = BRANCH): Event {
  const payload = example('check_suite', 'completed');
  payload.check_suite.head_branch = head;
  return { name: 'check_suite', payload };
}
function repositoryDispatch(issue: unknown = ISSUE): Event {
  const payload = example('repository_dispatch');
  payload.action = 'samocode-continue';
  payload.client_payload = { issue };
  return { name: 'repository_dispatch', payload };
}
function workflowDispatch(issue = String(ISSUE)): Event {
  const payload = example('workflow_dispatch');
  payload.inputs = { issue };
  return { name: 'workflow_dispatch', payload };
}

/** What GitHub would do with the event: does a run take the self-hosted runner, and in which group. */
function run(event: Event, vars: Record<string, string> = {}) {
  const github = {
    event_name: event.name,
    event: event.payload,
    repository: REPO,
  };
  const inputs = event.name === 'workflow_dispatch' ? (event.payload.inputs as object) : {};
  // jobs.<id>.if may read github, needs, vars and inputs only.
  if (!condition(route.if ?? 'true', { github, needs: {}, vars, inputs }))
    return { routed: false as const };
  const step = route.steps.find((s) => s.id === 'session');
  if (!step?.run) throw new Error('the route job has no step with id "session"');
  const stepContexts = { github, vars, inputs, needs: {}, env: {}, secrets: {} };
  const env = Object.fromEntries(
    Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v), stepContexts)]),
  );
  const output = join(tempDir('samocode-route-'), 'output');
  writeFileSync(output, '');
  const bash = spawnSync('bash', ['-e', '-c', step.run], {
    env: { ...process.env, ...env, GITHUB_OUTPUT: output },
    encoding: 'utf8',
  });
  expect(bash.status, bash.stderr).toBe(0);
  const stepOutputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );
  const routeOutputs = Object.fromEntries(
    Object.entries(route.outputs ?? {}).map(([k, v]) => [
      k,
      interpolate(v, {
        github,
        vars,
        inputs,
        needs: {},
        steps: { session: { outputs: stepOutputs } },
      }),
    ]),
  );
  const needs = { route: { result: 'success', outputs: routeOutputs } };
  const runs = condition(main.if ?? 'true', { github, needs, vars, inputs });
  // jobs.<id>.concurrency may read github, needs, strategy, matrix, inputs and vars.
  const group = interpolate(main.concurrency?.group ?? '', {
    github,
    needs,
    vars,
    inputs,
    strategy: {},
    matrix: {},
  });
  const action = main.steps.find((s) => s.uses?.startsWith('samocode/samocode@'));
  const label = interpolate(action?.with?.['trigger-label'] ?? '', { github, needs, vars, inputs });
  const assignee = interpolate(action?.with?.['trigger-assignee'] ?? '', {
    github,
    needs,
    vars,
    inputs,
  });
  return { routed: true as const, runs, group, label, assignee, output: bash.stdout };
}

describe('the example workflow', () => {
  const session: Array<[string, Event]> = [
    ['the trigger label added', issues('labeled', 'samocode')],
    ['the issue assigned to the trigger assignee', assigned('samocode-bot')],
    ['the issue assigned to the trigger assignee, written otherwise', assigned('Samocode-Bot')],
    [
      '/samocode start on an issue without the label',
      comment(labels('bug'), human, '/samocode start'),
    ],
    ['/samocode start with a note', comment([], human, '/samocode start\nUse the v2 endpoint.')],
    ['a comment on the issue', comment()],
    ['a review of the session pull request', review()],
    ['a review dismissed on the session pull request', review(BRANCH, REPO, human, 'dismissed')],
    ['CI finished (workflow_run)', workflowRun()],
    ['CI finished (check_suite)', checkSuite()],
    ['a continuation (repository_dispatch)', repositoryDispatch()],
    ['a continuation (workflow_dispatch)', workflowDispatch()],
    ['the trigger label removed', issues('unlabeled', 'samocode', [])],
    ['the issue closed', issues('closed')],
  ];

  it.each(session)('puts %s in the session group and runs the action on it', (_, event) => {
    const result = run(event, ASSIGNEE);
    expect(result).toMatchObject({ routed: true, runs: true, group: `samocode-${ISSUE}` });
    expect(result.routed && result.label).toBe('samocode');
    expect(result.routed && result.assignee).toBe('samocode-bot');
    // The action acts on it: the filter did not let through only what it would ignore anyway.
    expect(routeEvent(event.name, event.payload, settings).kind).not.toBe('ignore');
  });

  it('keys a comment run and a review run of the same session alike, and other sessions apart', () => {
    const onIssue = run(comment());
    const onPullRequest = run(review());
    expect(onIssue.routed && onIssue.group).toBe(onPullRequest.routed && onPullRequest.group);
    const other = run(review(sessionBranch('samocode/', 17, 'Fix 7 bugs')));
    expect(other).toMatchObject({ routed: true, runs: true, group: 'samocode-17' });
    const otherComment = comment();
    otherComment.payload.issue.number = 17;
    expect(run(otherComment)).toMatchObject({ group: 'samocode-17' });
    // A title that starts with a number does not change the issue read from the branch.
    expect(run(review(sessionBranch('samocode/', 1, '7 bugs')))).toMatchObject({
      group: 'samocode-1',
    });
    expect(run(review('samocode/3'))).toMatchObject({ group: 'samocode-3' });
  });

  const dropped: Array<[string, Event]> = [
    ['another label added to a session issue', issues('labeled', 'bug')],
    ['another label removed', issues('unlabeled', 'bug')],
    [
      'the trigger label added by a bot',
      (() => {
        const e = issues('labeled', 'samocode');
        e.payload.sender = bot;
        return e;
      })(),
    ],
    ['an issue without the label closed', issues('closed', undefined, labels('bug'))],
    ['a comment on an issue without the label', comment(labels('bug'))],
    [
      'a comment on an issue with only a state label',
      comment(labels('samocode:done', 'samocodex')),
    ],
    ['a comment by a bot', comment(undefined, bot)],
    [
      'a comment on a pull request',
      (() => {
        const e = comment();
        e.payload.issue.pull_request = { url: 'https://api.github.com/repos/x/y/pulls/12' };
        return e;
      })(),
    ],
    ['a review of a pull request that is no session', review('feature/login')],
    ['a review of a fork with a session-like branch', review(BRANCH, 'stranger/Hello-World')],
    ['a review of a deleted fork', review(BRANCH, null)],
    ['a review by a bot', review(BRANCH, REPO, bot)],
    ['a review dismissed by a bot', review(BRANCH, REPO, bot, 'dismissed')],
    ['CI on another branch (workflow_run)', workflowRun('main')],
    ['CI of a fork (workflow_run)', workflowRun(BRANCH, 'stranger/Hello-World')],
    ['CI on another branch (check_suite)', checkSuite('main')],
  ];

  it.each(dropped)('takes no runner for %s', (_, event) => {
    expect(run(event)).toEqual({ routed: false });
    expect(run(event, ASSIGNEE)).toEqual({ routed: false });
  });

  const notAssignee: Array<[string, Event, Record<string, string>]> = [
    ['the issue assigned to someone else', assigned('octocat'), ASSIGNEE],
    [
      'someone else assigned to a session issue',
      assigned('octocat', human, labels('samocode')),
      ASSIGNEE,
    ],
    ['the trigger assignee assigned by a bot', assigned('samocode-bot', bot), ASSIGNEE],
    ['an assignment without SAMOCODE_ASSIGNEE', assigned('samocode-bot'), {}],
    ['an assignment of nobody without SAMOCODE_ASSIGNEE', assigned(null), {}],
    ['an assignment of nobody', assigned(null), ASSIGNEE],
    ['/samocode start by a bot', comment(labels('bug'), bot, '/samocode start'), ASSIGNEE],
    [
      '/samocode start on a pull request',
      (() => {
        const e = comment(labels('bug'), human, '/samocode start');
        e.payload.issue.pull_request = { url: 'https://api.github.com/repos/x/y/pulls/12' };
        return e;
      })(),
      ASSIGNEE,
    ],
    [
      'another command on an issue without the label',
      comment(labels('bug'), human, '/samocode status'),
      ASSIGNEE,
    ],
    [
      '/samocode start quoted in a comment',
      comment(labels('bug'), human, 'See /samocode start'),
      ASSIGNEE,
    ],
  ];

  it.each(notAssignee)('takes no runner for %s', (_, event, vars) => {
    expect(run(event, vars)).toEqual({ routed: false });
  });

  it('gives the action the trigger assignee from the SAMOCODE_ASSIGNEE variable, else none', () => {
    expect(main.steps.find((s) => s.uses?.startsWith('samocode/samocode@'))?.with).toMatchObject({
      'trigger-assignee': '${{ needs.route.outputs.assignee }}',
    });
    expect(run(comment(), {})).toMatchObject({ routed: true, runs: true, assignee: '' });
    expect(run(assigned('ai-bot'), { SAMOCODE_ASSIGNEE: 'ai-bot' })).toMatchObject({
      routed: true,
      runs: true,
      assignee: 'ai-bot',
    });
  });

  it('names the session of a continuation only by a number', () => {
    expect(run(repositoryDispatch('7; echo hi'))).toMatchObject({ routed: true, runs: false });
    expect(run(workflowDispatch('$(id)'))).toMatchObject({ routed: true, runs: false });
  });

  it('takes the trigger label from one place: the SAMOCODE_LABEL variable, else "samocode"', () => {
    // One expression names the label, in the route job alone; the action gets it from there.
    const expression = "vars.SAMOCODE_LABEL || 'samocode'";
    expect(text.split(expression)).toHaveLength(3);
    expect(route.if).toContain(expression);
    expect(route.outputs?.label).toBe(`\${{ ${expression} }}`);
    expect(text.match(/'samocode'/g)).toHaveLength(2);
    expect(main.steps.find((s) => s.uses?.startsWith('samocode/samocode@'))?.with).toMatchObject({
      'trigger-label': '${{ needs.route.outputs.label }}',
    });
    // And it works: with the variable set, its label starts sessions and the default does not.
    const vars = { SAMOCODE_LABEL: 'ai' };
    expect(run(issues('labeled', 'ai', labels('ai')), vars)).toMatchObject({
      routed: true,
      runs: true,
      label: 'ai',
    });
    expect(run(comment(labels('ai')), vars)).toMatchObject({ routed: true, label: 'ai' });
    expect(run(issues('labeled', 'samocode'), vars)).toEqual({ routed: false });
    expect(run(comment(labels('samocode')), vars)).toEqual({ routed: false });
  });

  it('queues every event of a session instead of replacing a waiting one', () => {
    expect(main.concurrency).toMatchObject({ 'cancel-in-progress': false, queue: 'max' });
    expect(main.needs).toBe('route');
  });
});

describe('the expression evaluator these tests use', () => {
  it("follows GitHub's documented examples", () => {
    const github = { event: { issue: { labels: [{ name: 'bug' }, { name: 'help' }] } } };
    expect(condition("contains(github.event.issue.labels.*.name, 'BUG')", { github })).toBe(true);
    expect(condition("contains(github.event.issue.labels.*.name, 'bu')", { github })).toBe(false);
    expect(condition("contains('Hello world', 'llo')", {})).toBe(true);
    expect(condition("startsWith('Hello world', 'he') && endsWith('Hello world', 'LD')", {})).toBe(
      true,
    );
    expect(
      interpolate("${{ format('{{Hello {0} {1} {2}!}}', 'Mona', 'the', 'Octocat') }}", {}),
    ).toBe('{Hello Mona the Octocat!}');
    expect(interpolate("${{ join(github.event.issue.labels.*.name, ', ') }}", { github })).toBe(
      'bug, help',
    );
    expect(interpolate("${{ github.event.missing.deeper || 'fallback' }}", { github })).toBe(
      'fallback',
    );
    expect(interpolate("${{ 'a' && '' || 'b' }}", {})).toBe('b');
    expect(condition("1 == '1' && null == 0 && true == 1 && 'abc' != 0", {})).toBe(true);
    expect(condition('!github.event.issue.pull_request', { github })).toBe(true);
    expect(interpolate('${{ fromJSON(\'{"a": [3]}\').a[0] }}', {})).toBe('3');
    expect(() => condition("env.X == 'y'", { github })).toThrow(/"env" is not available/);
    expect(() => condition("substring('abc', 1)", {})).toThrow(/unknown function/);
  });
});
