// Images pasted into issues, comments and reviews, through the bundled action: the agent runs behind a
// network allow-list, so the action fetches the images permitted people attached on GitHub, saves
// them into the session folder on the branch, and names their paths in the text the agent reads.
// Too big, not an image, redirected away, on another host, or written by someone not permitted:
// not fetched, a note for the agent instead, and the job token never leaves GitHub's server.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRig } from '../support/action-rig.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { listenLocal } from '../support/local-server.js';
import type { LocalServer } from '../support/local-server.js';

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const asset = (n: number) => `/user-attachments/assets/${uuid(n)}`;

let fake: FakeGitHub;
let foreign: LocalServer;
/** Every request the other host received, with the Authorization header it carried. */
const foreignHits: Array<{ path: string; authorization?: string }> = [];

beforeAll(async () => {
  fake = await startFakeGitHub();
  foreign = await listenLocal(async (req, res) => {
    foreignHits.push({
      path: req.url ?? '',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end(PNG);
  });
  fake.state.permissions.set('stranger', 'read');
  fake.state.attachments.set(asset(1), { bytes: PNG, contentType: 'image/png' });
  fake.state.attachments.set(asset(2), {
    bytes: Buffer.alloc(10 * 1024 * 1024 + 1),
    contentType: 'image/png',
  });
  fake.state.attachments.set(asset(3), {
    bytes: Buffer.from('<html>sign in</html>'),
    contentType: 'text/html; charset=utf-8',
  });
  fake.state.attachments.set(`/${fake.owner}/${fake.repo}/assets/5/${uuid(4)}`, {
    location: `${foreign.url}/stolen.png`,
  });
  for (const n of [6, 7, 8, 10, 12])
    fake.state.attachments.set(asset(n), { bytes: PNG, contentType: 'image/png' });
});
afterAll(async () => {
  await foreign.close();
  await fake.close();
});

const octo = { login: 'octo' };
const stranger = { login: 'stranger' };
const QA = '## Q1: Which layout?\n- A) grid\n- B) list\nSuggestion: A\n\nAnswer:\n';

/** A file as it is on a branch of origin, as bytes. */
function showBytes(origin: string, branch: string, path: string): Buffer {
  return execFileSync('git', ['--git-dir', origin, 'show', `${branch}:${path}`]);
}

const attachmentRequests = (n: number) =>
  fake.requests.filter((r) => r.operation === 'attachment' && r.path.endsWith(uuid(n)));

describe('images in issues and comments', () => {
  it('fetches a permitted person’s attachments into the session and names them for the agent', async () => {
    const issue = 31;
    const rig = actionRig(fake, { env: { GITHUB_SERVER_URL: fake.url } });
    rig.openIssue(
      issue,
      'Fix the layout',
      [
        `The grid breaks: ![screenshot](${fake.url}${asset(1)})`,
        '',
        `<img width="800" alt="Image" src="${fake.url}${asset(2)}" />`,
        '',
        `A page, not an image: ![x](${fake.url}${asset(3)})`,
        '',
        `Redirected away: ![y](${fake.url}/${fake.owner}/${fake.repo}/assets/5/${uuid(4)})`,
        '',
        `Elsewhere: ![z](${foreign.url}${asset(5)})`,
        '',
        `Gone: ![g](${fake.url}${asset(9)})`,
      ].join('\n'),
    );
    const branch = `samocode/${issue}-fix-the-layout`;
    rig.setScenario([
      { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
      { phase: 'investigation', signal: { status: 'continue', phase: 'requirements' } },
      {
        phase: 'requirements',
        files: { '_qa.md': QA },
        signal: { status: 'waiting', for: 'qa_answers', phase: 'requirements' },
      },
      {
        phase: 'requirements',
        expect: [{ file: '_qa.md', contains: '/_images/comment-' }],
        signal: { status: 'continue', phase: 'planning' },
      },
      {
        phase: 'planning',
        files: { '11-28-plan-layout.md': '# Plan v1\n' },
        signal: { status: 'waiting', for: 'plan_approval' },
      },
      {
        phase: 'planning',
        expect: [{ file: '_review.md', contains: '/_images/review-' }],
        signal: { status: 'blocked', reason: 'enough for this test' },
      },
    ]);

    const started = await rig.run('issues', rig.labeled(issue, 'samocode', octo));
    expect(started.stderr).toBe('');
    expect(started.exitCode).toBe(0);
    expect(started.outputs.status).toBe('waiting');
    const session = started.outputs.session ?? '';
    const folder = `_sessions/${session}`;

    // The image is on the pushed branch, byte for byte.
    expect(showBytes(rig.origin, branch, `${folder}/_images/issue-${issue}-1.png`)).toEqual(PNG);
    expect(rig.show(branch, `${folder}/_state.json`)).toContain(`_images/issue-${issue}-1.png`);
    // The agent reads the task with each image's path, or why it has none.
    const task = String(rig.calls()[0]?.context);
    expect(task).toContain(
      `The grid breaks: [image 1, saved as ${folder}/_images/issue-${issue}-1.png]`,
    );
    expect(task).toContain('[image 2 could not be fetched: larger than 10 MiB]');
    expect(task).toContain(
      'A page, not an image: [image 3 could not be fetched: not an image (text/html; charset=utf-8)]',
    );
    expect(task).toContain(
      `Redirected away: [image 4 could not be fetched: redirected to ${new URL(foreign.url).host}, which is not GitHub's]`,
    );
    expect(task).toContain('Elsewhere: [image 5 not fetched: not an attachment on GitHub]');
    // A missing one was asked for with the token, without it, and looked up in the rendered issue.
    expect(task).toContain(
      'Gone: [image 6 could not be fetched: 404 Not Found (with and without the job token)]',
    );
    expect(attachmentRequests(9).map((r) => r.status)).toEqual([404, 404]);
    expect(
      fake.requests.filter((r) => r.operation === 'issues/get').map((r) => r.status),
    ).toContain(200);
    // Neither alt text nor another host's address reaches the agent.
    expect(task).not.toContain(new URL(foreign.url).port + '/user-attachments');
    expect(task).not.toContain('screenshot');
    // The log says what happened to each.
    expect(started.stdout).toContain(
      `image in the issue body: ${fake.url}${asset(1)} saved as ${folder}/_images/issue-${issue}-1.png`,
    );
    expect(started.stdout).toContain('could not be fetched: larger than 10 MiB');
    // The other host was never asked for anything, and so never saw the token.
    expect(foreignHits).toEqual([]);
    expect(attachmentRequests(1).map((r) => r.status)).toEqual([200]);

    // A stranger's image is never fetched; a permitted answer's is, and lands in _qa.md.
    rig.comment(issue, `Q1: B ![mine](${fake.url}${asset(7)})`, stranger);
    const answer = rig.comment(
      issue,
      `Q1: A, as in\n\n<img width="300" alt="Image" src="${fake.url}${asset(6)}" />`,
      octo,
    );
    const commentId = (answer.comment as { id: number }).id;
    const answered = await rig.run('issue_comment', answer);
    expect(answered.stderr).toBe('');
    expect(answered.exitCode).toBe(0);
    expect(answered.stdout).toMatch(/comment \d+ ignored: .*stranger/);
    const saved = `${folder}/_images/comment-${commentId}-1.png`;
    expect(showBytes(rig.origin, branch, saved)).toEqual(PNG);
    expect(rig.show(branch, `${folder}/_qa.md`)).toContain(
      `Answer: A, as in\n\n[image 1, saved as ${saved}]`,
    );
    expect(attachmentRequests(7)).toEqual([]);
    expect(answered.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });

    // A permitted review of the plan: its image reaches the planner through _review.md.
    const pr = fake.state.pulls.find((p) => p.head === branch)?.number ?? 0;
    const review = rig.review(
      pr,
      'changes_requested',
      `Not like this: ![r](${fake.url}${asset(10)})`,
      octo,
    );
    const reviewId = ((review as Record<string, unknown>).review as { id: number }).id;
    const reviewed = await rig.run('pull_request_review', review);
    expect(reviewed.stderr).toBe('');
    expect(reviewed.exitCode).toBe(0);
    const fromReview = `${folder}/_images/review-${reviewId}-1.png`;
    expect(showBytes(rig.origin, branch, fromReview)).toEqual(PNG);
    expect(rig.show(branch, `${folder}/_review.md`)).toContain(
      `Not like this: [image 1, saved as ${fromReview}]`,
    );
    expect(foreignHits).toEqual([]);
  }, 180_000);

  it("does not fetch the images of an issue written by someone not permitted, but the starter's note's", async () => {
    const issue = 32;
    const rig = actionRig(fake, { env: { GITHUB_SERVER_URL: fake.url } });
    rig.openIssue(issue, 'Strange request', `Look: ![x](${fake.url}${asset(8)})`, stranger);
    rig.setScenario([{ phase: 'init', signal: { status: 'blocked', reason: 'enough' } }]);
    // A permitted person starts it with `/samocode start` and a note that shows an image.
    const start = rig.comment(
      issue,
      `/samocode start\nLike this: ![y](${fake.url}${asset(12)})`,
      octo,
    );
    const commentId = (start.comment as { id: number }).id;
    // The event names the issue's author as GitHub does: the stranger.
    (start.issue as { user: { login: string } }).user.login = stranger.login;
    const started = await rig.run('issue_comment', start);
    expect(started.exitCode).toBe(0);
    expect(started.stdout).toContain('images in the issue body not fetched: @stranger');
    const context = String(rig.calls()[0]?.context);
    expect(context).toContain('Look: [image]');
    expect(attachmentRequests(8)).toEqual([]);
    const folder = `_sessions/${started.outputs.session ?? ''}`;
    const saved = `${folder}/_images/comment-${commentId}-1.png`;
    expect(context).toContain(`Like this: [image 1, saved as ${saved}]`);
    expect(showBytes(rig.origin, started.outputs.branch ?? '', saved)).toEqual(PNG);
  }, 120_000);

  it('fetches nothing with fetch-images: false', async () => {
    const issue = 33;
    const rig = actionRig(fake, {
      env: { GITHUB_SERVER_URL: fake.url },
      inputs: { 'fetch-images': 'false' },
    });
    rig.openIssue(issue, 'No images', `Look: ![x](${fake.url}${asset(11)})`);
    rig.setScenario([{ phase: 'init', signal: { status: 'blocked', reason: 'enough' } }]);
    const started = await rig.run('issues', rig.labeled(issue, 'samocode', octo));
    expect(started.exitCode).toBe(0);
    expect(String(rig.calls()[0]?.context)).toContain('Look: [image]');
    expect(attachmentRequests(11)).toEqual([]);
  }, 120_000);
});
