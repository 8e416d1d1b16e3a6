// The bundled action, run as the runner runs it, walking one session through GitHub events:
// label → questions → partial answer → full answer → draft PR → changes requested → revised plan
// → approval → implementation … → done, against a fake GitHub checked against the OpenAPI spec.
import { resolve } from 'node:path';
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
const QA =
  '## Q1: Greeting style?\n- A) formal\n- B) casual\nSuggestion: B — friendlier\n\nAnswer:\n\n## Q2: Where?\n- A) stdout\n- B) a file\nSuggestion: A\n\nAnswer:\n';

const steps = [
  { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
  {
    phase: 'investigation',
    files: { '11-25-10:00-dive-greeting.md': '# Dive\n' },
    signal: { status: 'continue', phase: 'requirements' },
  },
  {
    phase: 'requirements',
    files: { '_qa.md': QA },
    signal: { status: 'waiting', for: 'qa_answers', phase: 'requirements' },
  },
  {
    phase: 'requirements',
    expect: [
      { file: '_qa.md', contains: 'Answer: B) casual' },
      { file: '_qa.md', contains: 'Answer: A) stdout — because it is simplest' },
    ],
    signal: { status: 'continue', phase: 'planning' },
  },
  {
    phase: 'planning',
    files: { '11-25-11:00-plan-greeting.md': '# Plan v1\n- [ ] everything at once\n' },
    signal: { status: 'waiting', for: 'plan_approval', phase: 'planning' },
  },
  {
    phase: 'planning',
    expect: [
      { file: '_review.md', contains: 'Split it into two phases' },
      { file: '_review.md', contains: '`src/cli.ts:3` — greet here' },
    ],
    files: {
      '11-25-11:30-plan-greeting.md':
        '# Plan v2\n## Phase 1\n- [ ] greet\n## Phase 2\n- [ ] test\n',
    },
    signal: { status: 'waiting', for: 'plan_approval', phase: 'planning' },
  },
  {
    phase: 'implementation',
    work: { 'src/greeting.txt': 'hey\n' },
    signal: { status: 'continue', phase: 'testing' },
  },
  { phase: 'testing', signal: { status: 'continue', phase: 'quality' } },
  { phase: 'quality', signal: { status: 'continue', phase: 'done' } },
  {
    phase: 'done',
    signal: { status: 'done', summary: 'A casual greeting on stdout.', phase: 'done' },
  },
];

// The same walk for the Claude adapter (with a scripted stand-in for the CLI) and for the command
// agent running the same script: both in the sandbox, as every agent runs by default.
const agents: Array<{ name: string; issue: number; inputs: Record<string, string> }> = [
  { name: 'the Claude adapter', issue: 7, inputs: {} },
  {
    name: 'the command agent',
    issue: 8,
    inputs: {
      agent: 'command',
      'agent-command': `node ${resolve('test/fixtures/scripted-agent.mjs')} -p {prompt} --append-system-prompt {context}`,
    },
  },
];

describe('the action, one session through GitHub events', () => {
  it.each(agents)(
    'walks label → answers → plan review → approval → done with $name',
    async (agent) => {
      const issue = agent.issue;
      const rig = actionRig(fake, { inputs: agent.inputs });
      rig.setScenario(steps);
      rig.openIssue(
        issue,
        'Add a greeting',
        'Print a greeting when the CLI starts.\n\ndive: the CLI entry point',
      );
      const branch = `samocode/${issue}-add-a-greeting`;
      const comments = () => fake.state.comments.filter((c) => c.issue === issue);
      const labels = () => [...(fake.state.issues.get(issue)?.labels ?? [])].sort();

      // Label: the session starts, runs to the questions, posts them, and waits.
      const started = await rig.run('issues', rig.labeled(issue, 'samocode', person));
      expect(started.stderr).toBe('');
      expect(started.exitCode).toBe(0);
      expect(started.stdout).toContain('Agents run in a sandbox');
      expect(started.outputs).toMatchObject({
        status: 'waiting',
        phase: 'requirements',
        branch,
        iterations: '3',
      });
      expect(started.outputs.session).toMatch(
        new RegExp(`^\\d{2}-\\d{2}-\\d{2}-${issue}-add-a-greeting$`),
      );
      expect(comments().map((c) => c.body.split('\n')[0])).toEqual([
        '<!-- samocode:status -->',
        '<!-- samocode:questions -->',
      ]);
      const questions = comments()[1]?.body ?? '';
      expect(questions).toContain(
        '**Q1: Greeting style?**\n- **A)** formal\n- **B)** casual\n- _Suggestion: B — friendlier_',
      );
      expect(comments()[0]?.body).toContain('Waiting for your answers');
      expect(labels()).toEqual(['samocode', 'samocode:waiting-answers']);
      // The labels were created on first use, with colours and descriptions.
      expect(fake.state.labels.get('samocode:waiting-answers')).toEqual({
        name: 'samocode:waiting-answers',
        color: 'fbca04',
        description: 'Samocode: waiting for answers to its questions',
      });
      const session = started.outputs.session ?? '';
      const folder = `_sessions/${session}`;
      expect(rig.show(branch, `${folder}/_overview.md`)).toContain('## Dive\nthe CLI entry point');

      // A partial answer is recorded; the session keeps waiting and says what is missing.
      const partial = await rig.run('issue_comment', rig.comment(issue, 'Q1: B', person));
      expect(partial.exitCode).toBe(0);
      expect(partial.outputs).toMatchObject({ status: 'waiting', iterations: '3' });
      expect(comments().at(-1)?.body).toContain('Recorded Q1. Still waiting for: Q2.');
      expect(rig.show(branch, `${folder}/_qa.md`)).toContain('Answer: B) casual');
      expect(fake.state.comments.find((c) => c.body === 'Q1: B')?.reactions).toEqual(['eyes']);

      // The rest of the answers: the loop resumes, plans, and opens a draft PR for the plan.
      const answered = await rig.run(
        'issue_comment',
        rig.comment(issue, '2) A — because it is simplest', person),
      );
      expect(answered.exitCode).toBe(0);
      expect(answered.outputs).toMatchObject({
        status: 'waiting',
        phase: 'planning',
        iterations: '5',
      });
      const pull = () => fake.state.pulls.find((p) => p.head === branch);
      const pr = pull();
      expect(pr).toMatchObject({ head: branch, base: 'main', draft: true, state: 'open' });
      expect(pr?.body).toContain(`Closes #${issue}`);
      expect(pr?.body).toContain('# Plan v1');
      expect(answered.outputs['pr-number']).toBe(String(pr?.number));
      expect(labels()).toEqual(['samocode', 'samocode:waiting-approval']);

      // Changes requested, with an inline comment: the planner revises; the PR shows the new plan.
      const changes = await rig.run(
        'pull_request_review',
        rig.review(pr?.number ?? 0, 'changes_requested', 'Split it into two phases.', person, [
          { path: 'src/cli.ts', position: 3, body: 'greet here' },
        ]),
      );
      expect(changes.exitCode).toBe(0);
      expect(changes.outputs).toMatchObject({
        status: 'waiting',
        phase: 'planning',
        iterations: '6',
      });
      expect(fake.state.pulls.filter((p) => p.head === branch)).toHaveLength(1);
      expect(pull()?.body).toContain('# Plan v2');

      // Approval: implementation through done; the PR is marked ready with the summary.
      const approved = await rig.run(
        'pull_request_review',
        rig.review(pr?.number ?? 0, 'approved', '', person),
      );
      expect(approved.stderr).toBe('');
      expect(approved.exitCode).toBe(0);
      expect(approved.outputs).toMatchObject({ status: 'done', phase: 'done', iterations: '10' });
      expect(pull()).toMatchObject({ draft: false });
      expect(pull()?.body).toContain('## Summary\nA casual greeting on stdout.');
      expect(labels()).toEqual(['samocode', 'samocode:done']);
      const status = comments().filter((c) => c.body.startsWith('<!-- samocode:status -->'));
      expect(status).toHaveLength(1);
      expect(status[0]?.body).toContain('Done: A casual greeting on stdout.');
      expect(status[0]?.body).toContain('✅ done');
      expect(approved.summary).toContain(`### Samocode · \`${session}\``);
      expect(approved.summary).toContain('| #7 | implementation → testing | continue |');
      expect(approved.summary).toContain('This run: 4 iterations');
      expect(approved.summary).toContain(
        '```mermaid\nflowchart LR\n  init --> investigation\n  investigation --> requirements',
      );
      expect(approved.summary).toContain('  quality --> done');

      // Every iteration is a commit on the session branch (newest first); the code change is there.
      const log = rig.log(branch);
      for (let i = 1; i <= 10; i++)
        expect(log.some((line) => line.startsWith(`samocode: ${session} #${i} `))).toBe(true);
      expect(rig.show(branch, 'src/greeting.txt')).toBe('hey');
      // Done: the folder left the branch (keep-session-folder is off by default) for its record.
      expect(log[0]).toContain('remove session folder');
      const record = `refs/samocode/sessions/${session}`;
      expect(rig.show(record, `${folder}/_state.json`)).toContain('"status": "done"');
      expect(pull()?.body).toContain(`kept on origin at \`${record}\``);

      // Nothing the action sent was refused by the API description or the fake.
      expect(
        fake.requests.filter(
          (r) => r.status >= 400 && !(r.operation === 'issues/remove-label' && r.status === 404),
        ),
      ).toEqual([]);
    },
  );

  it('ignores events that do not concern a session, and says why', async () => {
    const rig = actionRig(fake);
    rig.openIssue(21, 'Unrelated', 'nothing');
    const before = fake.requests.length;
    const other = await rig.run('issues', rig.labeled(21, 'bug', person));
    expect(other.exitCode).toBe(0);
    expect(other.stdout).toContain(
      'Nothing to do: label "bug" is not the trigger label "samocode".',
    );
    expect(other.outputs.status).toBe('ignored');
    const noSession = await rig.run('issue_comment', rig.comment(21, 'Q1: A', person));
    expect(noSession.exitCode).toBe(0);
    expect(noSession.stdout).toContain('issue #21 has no session (no samocode/21-* branch)');
    const unknown = await rig.run('deployment', { deployment: {} });
    expect(unknown.stdout).toContain(
      'Nothing to do: the deployment event does not concern sessions.',
    );
    const bot = await rig.run(
      'issue_comment',
      rig.comment(21, '/samocode approve', { login: 'ci[bot]', type: 'Bot' }),
    );
    expect(bot.stdout).toContain('Nothing to do: comment by bot ci[bot].');
    expect(fake.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('logs a comment made while no gate is open, and changes nothing', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      {
        phase: 'init',
        signal: { status: 'blocked', reason: 'need a database', needs: 'a DATABASE_URL secret' },
      },
    ]);
    rig.openIssue(31, 'Needs a database', 'x');
    const started = await rig.run('issues', rig.labeled(31, 'samocode', person));
    expect(started.outputs.status).toBe('blocked');
    expect(fake.state.comments.find((c) => c.issue === 31)?.body).toContain(
      '**Blocked: need a database. Needs: a DATABASE_URL secret. Fix it, then comment `/samocode resume`.**',
    );
    const chat = await rig.run('issue_comment', rig.comment(31, 'any news?', person));
    expect(chat.exitCode).toBe(0);
    expect(chat.stdout).toMatch(
      /comment \d+ by @octo: no gate is open \(session is blocked\); nothing to apply/,
    );
    expect(chat.outputs.status).toBe('blocked');
  });
});
