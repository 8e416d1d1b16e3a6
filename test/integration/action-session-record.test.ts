// The session folder and the pull request (input `keep-session-folder`), through the bundled action
// as the runner runs it: by default a done session's folder is kept under
// refs/samocode/sessions/<session> on origin and removed from the branch, so merging the pull
// request brings only the code; a later command on the issue restores it; replays change nothing.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRig } from '../support/action-rig.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { sh } from '../support/temp.js';
import { finishingSteps } from '../support/scenario.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
});

const person = { login: 'octo' };

// Label → questions; `/samocode skip` → plan; `/samocode skip` → implementation … done.
const toDone = [
  { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
  {
    phase: 'investigation',
    files: { '11-25-dive-x.md': '# Dive\n' },
    signal: { status: 'continue', phase: 'requirements' },
  },
  {
    phase: 'requirements',
    files: { '_qa.md': '## Q1: Go?\n- A) yes\n- B) no\n\nAnswer:\n' },
    signal: { status: 'waiting', for: 'qa_answers' },
  },
  {
    phase: 'planning',
    files: { '11-25-plan-x.md': '# Plan\n' },
    signal: { status: 'waiting', for: 'plan_approval' },
  },
  ...finishingSteps('first round', { work: { 'src/hello.txt': 'hello\n' } }),
];

async function walkToDone(rig: ReturnType<typeof actionRig>, issue: number) {
  rig.openIssue(issue, 'Say hello', 'x');
  await rig.run('issues', rig.labeled(issue, 'samocode', person));
  await rig.run('issue_comment', rig.comment(issue, '/samocode skip', person));
  const payload = rig.comment(issue, '/samocode skip', person);
  const done = await rig.run('issue_comment', payload);
  expect(done.stderr).toBe('');
  expect(done.outputs).toMatchObject({ status: 'done', phase: 'done' });
  return { done, payload, session: done.outputs.session ?? '', branch: done.outputs.branch ?? '' };
}

describe('the session folder of a done session', () => {
  it('leaves the branch for its record ref by default; a reopen brings it back; replays change nothing', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      ...toDone,
      ...finishingSteps('second round', {
        expect: [{ file: '_overview.md', contains: 'Also say goodbye' }],
      }),
    ]);
    const issue = 81;
    const { done, payload, session, branch } = await walkToDone(rig, issue);
    const git = (...args: string[]) => sh(rig.root, 'git', ['--git-dir', rig.origin, ...args]);
    const folder = `_sessions/${session}`;
    const ref = `refs/samocode/sessions/${session}`;

    // The branch's last commit removes the folder, and only the folder: the code stays.
    expect(rig.log(branch)[0]).toBe(`samocode: ${session} remove session folder (kept at ${ref})`);
    expect(git('ls-tree', '--name-only', `refs/heads/${branch}`, '_sessions/')).toBe('');
    expect(rig.show(branch, 'src/hello.txt')).toBe('hello');
    expect(git('diff', '--name-only', `${branch}~1`, branch)).toBe(
      git('ls-tree', '-r', '--name-only', `${branch}~1`, `${folder}/`),
    );
    // The record holds the folder whole, byte for byte as the branch had it before the removal.
    expect(git('rev-parse', `${ref}:${folder}`)).toBe(git('rev-parse', `${branch}~1:${folder}`));
    expect(git('rev-parse', ref)).toBe(git('rev-parse', `${branch}~1`));
    expect(rig.show(ref, `${folder}/_state.json`)).toContain('"status": "done"');

    // The pull request and the status comment say where the record is and how to get it back.
    const pr = fake.state.pulls.find((p) => p.head === branch);
    expect(pr).toMatchObject({ draft: false });
    const restore = `git fetch origin ${ref} && git restore --source=FETCH_HEAD -- ${folder}`;
    expect(pr?.body).toContain(`kept on origin at \`${ref}\``);
    expect(pr?.body).toContain(restore);
    expect(pr?.body).not.toContain('Session folder:');
    const status = () =>
      fake.state.comments.find(
        (c) => c.issue === issue && c.body.startsWith('<!-- samocode:status -->'),
      )?.body ?? '';
    expect(status()).toContain(`session record: \`${ref}\``);
    expect(status()).not.toContain('[session folder]');
    // The command given works in a fresh clone of the default branch.
    const clone = join(rig.root, 'reader');
    sh(rig.root, 'git', ['clone', '-q', rig.origin, clone]);
    sh(clone, 'bash', ['-c', restore]);
    expect(sh(clone, 'git', ['status', '--porcelain'])).toBe(`?? _sessions/`);
    expect(sh(clone, 'cat', [`${folder}/_state.json`])).toContain('"status": "done"');

    // The post step and a replay of the event that finished the session change nothing on origin.
    const refs = () => git('for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', ref);
    const before = refs();
    expect((await done.post()).exitCode).toBe(0);
    const replay = await rig.run('issue_comment', payload);
    expect(replay.stderr).toBe('');
    expect(replay.exitCode).toBe(0);
    expect(replay.outputs).toMatchObject({ status: 'done', session });
    expect(replay.stdout).toContain(`restored the session folder of ${session} from ${ref}`);
    expect(refs()).toBe(before);
    // Nor does the sweep (a done session is never stale) or a continuation dispatched for it.
    const swept = await rig.run(
      'schedule',
      { schedule: '*/30 * * * *' },
      { mode: 'sweep', 'stale-minutes': '0' },
    );
    expect(swept.exitCode).toBe(0);
    expect(swept.outputs).toMatchObject({ status: 'swept', dispatched: '' });
    const continued = await rig.run('repository_dispatch', rig.dispatch(issue));
    expect(continued.stderr).toBe('');
    expect(continued.outputs).toMatchObject({ status: 'done', session });
    expect(refs()).toBe(before);
    // A comment on the done session is recorded in the record, never on the branch.
    const chat = await rig.run('issue_comment', rig.comment(issue, 'thanks!', person));
    expect(chat.outputs).toMatchObject({ status: 'done' });
    const heads = (all: string) => all.split('\n').filter((l) => l.startsWith('refs/heads/'));
    expect(heads(refs())).toEqual(heads(before));
    const chatId = fake.state.comments.find((c) => c.body === 'thanks!')?.id;
    expect(rig.show(ref, `${folder}/_github.json`)).toContain(String(chatId));

    // Reopened: the folder is back on the branch, the agent reads it, and the session goes on to
    // done again, when the folder leaves the branch once more.
    const reopened = await rig.run(
      'issue_comment',
      rig.comment(issue, '/samocode reopen Also say goodbye', person),
    );
    expect(reopened.stderr).toBe('');
    expect(reopened.outputs).toMatchObject({ status: 'done', phase: 'done' });
    const log = rig.log(branch);
    expect(log[0]).toBe(`samocode: ${session} remove session folder (kept at ${ref})`);
    expect(log.filter((l) => l.includes('remove session folder'))).toHaveLength(2);
    expect(log).toContain(`samocode: ${session} apply comments and reviews`);
    expect(git('ls-tree', '--name-only', `refs/heads/${branch}`, '_sessions/')).toBe('');
    const state = JSON.parse(rig.show(ref, `${folder}/_state.json`)) as Record<string, unknown>;
    expect(state).toMatchObject({ status: 'done', summary: 'second round' });
    expect(state.task).toContain('Also say goodbye');
    expect(git('rev-parse', ref)).toBe(git('rev-parse', `${branch}~1`));
  });

  it('stays on the branch with keep-session-folder: true', async () => {
    const rig = actionRig(fake, { inputs: { 'keep-session-folder': 'true' } });
    rig.setScenario(toDone);
    const { session, branch } = await walkToDone(rig, 82);
    const folder = `_sessions/${session}`;
    expect(rig.show(branch, `${folder}/_state.json`)).toContain('"status": "done"');
    expect(rig.log(branch).some((l) => l.includes('remove session folder'))).toBe(false);
    expect(
      sh(rig.root, 'git', ['--git-dir', rig.origin, 'for-each-ref', 'refs/samocode/sessions']),
    ).toBe('');
    const pr = fake.state.pulls.find((p) => p.head === branch);
    expect(pr?.body).toContain(`Session folder: https://github.example/`);
    expect(pr?.body).not.toContain('refs/samocode/sessions');
  });
});
