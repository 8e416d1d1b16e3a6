// Session commits made by GitHub through its Git Database API, against the fake GitHub on a real
// bare origin: every kind of file (text, executable, binary, symlink, deleted) arrives as the
// local commit has it, tree for tree; the local branch follows the commits GitHub made; and when
// someone pushed meanwhile, ours are replayed on top and made again, never forced.
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGit } from '../../src/adapters/git-cli.js';
import { githubCommitPublisher } from '../../src/adapters/github-commits.js';
import { githubClient } from '../../src/adapters/octokit-github.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { pushFromOtherClone, repoWithOrigin, sh } from '../support/temp.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
});

function setup() {
  const { repo, origin } = repoWithOrigin();
  fake.state.origin = origin;
  const settings = { token: fake.token, apiUrl: fake.url, owner: fake.owner, repo: fake.repo };
  const git = createGit({
    publisher: githubCommitPublisher(githubClient({ ...settings, retries: 0 }), settings),
  });
  return { repo, origin, git };
}

const tree = (cwd: string, ref: string) => sh(cwd, 'git', ['ls-tree', '-r', ref]);

describe('commits made through the GitHub API', () => {
  it('carry every kind of file as the local commit has it, and the local branch follows', async () => {
    const { repo, origin, git } = setup();
    const branch = 'samocode/3-api';
    sh(repo, 'git', ['checkout', '-q', '-b', branch]);
    writeFileSync(join(repo, 'notes.md'), 'héllo, wörld\r\nline two\n');
    writeFileSync(join(repo, 'run.sh'), '#!/bin/sh\necho hi\n');
    chmodSync(join(repo, 'run.sh'), 0o755);
    writeFileSync(join(repo, 'image.bin'), Buffer.from([0, 1, 2, 255, 254, 0, 10]));
    symlinkSync('notes.md', join(repo, 'link'));
    writeFileSync(join(repo, 'empty.txt'), '');
    await git.commitAll(repo, 'all kinds\n\nwith a body');
    const local = tree(repo, 'HEAD');
    await git.push(repo, branch);

    const head = sh(origin, 'git', ['rev-parse', branch]);
    expect(fake.state.apiCommits.has(head)).toBe(true);
    expect(sh(repo, 'git', ['rev-parse', 'HEAD'])).toBe(head);
    expect(tree(origin, branch)).toBe(local);
    expect(sh(origin, 'git', ['log', '-1', '--format=%B', branch])).toBe(
      'all kinds\n\nwith a body',
    );
    expect(sh(repo, 'git', ['status', '--porcelain'])).toBe('');

    // Deleted, changed and new files in the next commit.
    rmSync(join(repo, 'image.bin'));
    rmSync(join(repo, 'link'));
    writeFileSync(join(repo, 'run.sh'), '#!/bin/sh\necho bye\n');
    mkdirSync(join(repo, 'deep', 'er'), { recursive: true });
    writeFileSync(join(repo, 'deep', 'er', 'new.txt'), 'new\n');
    await git.commitAll(repo, 'second');
    const second = tree(repo, 'HEAD');
    await git.push(repo, branch);
    expect(tree(origin, branch)).toBe(second);
    expect(sh(repo, 'git', ['status', '--porcelain'])).toBe('');
    expect(sh(origin, 'git', ['rev-list', '--count', `main..${branch}`])).toBe('2');
  });

  it('replays ours onto a push that came meanwhile, and makes them again, never forcing', async () => {
    const { repo, origin, git } = setup();
    const branch = 'samocode/4-api';
    sh(repo, 'git', ['checkout', '-q', '-b', branch]);
    writeFileSync(join(repo, 'a.txt'), 'one\n');
    await git.commitAll(repo, 'first');
    await git.push(repo, branch);

    const theirs = pushFromOtherClone(origin, branch, { 'b.txt': 'theirs\n' });

    writeFileSync(join(repo, 'a.txt'), 'two\n');
    await git.commitAll(repo, 'second');
    await git.push(repo, branch);
    expect(sh(repo, 'git', ['status', '--porcelain'])).toBe('');
    expect(sh(origin, 'git', ['log', '--format=%s', `main..${branch}`]).split('\n')).toEqual([
      'second',
      'theirs',
      'first',
    ]);
    expect(sh(origin, 'git', ['rev-parse', `${branch}~1`])).toBe(theirs);
    const ours = sh(origin, 'git', ['rev-parse', branch]);
    expect(fake.state.apiCommits.has(ours)).toBe(true);
    expect(fake.state.apiCommits.has(theirs)).toBe(false);
    expect(sh(repo, 'git', ['rev-parse', 'HEAD'])).toBe(ours);
    expect(tree(origin, branch)).toBe(tree(repo, 'HEAD'));
  });

  it('refuses a merge commit, naming it, and leaves the branch on GitHub as it was', async () => {
    const { repo, origin, git } = setup();
    const branch = 'samocode/5-api';
    sh(repo, 'git', ['checkout', '-q', '-b', branch]);
    writeFileSync(join(repo, 'a.txt'), 'one\n');
    await git.commitAll(repo, 'first');
    await git.push(repo, branch);
    const before = sh(origin, 'git', ['rev-parse', branch]);
    sh(repo, 'git', ['checkout', '-q', '-b', 'side', 'main']);
    writeFileSync(join(repo, 'side.txt'), 'side\n');
    sh(repo, 'git', ['add', '.']);
    sh(repo, 'git', ['commit', '-q', '-m', 'side']);
    sh(repo, 'git', ['checkout', '-q', branch]);
    sh(repo, 'git', ['merge', '-q', '--no-ff', '-m', 'merge side', 'side']);
    const merge = sh(repo, 'git', ['rev-parse', 'HEAD']);
    const made = fake.requests.filter((r) => r.path.endsWith('/git/commits')).length;
    await expect(git.push(repo, branch)).rejects.toThrow(
      `commit ${merge} has 2 parents: only commits with one parent can be made through the API`,
    );
    expect(sh(origin, 'git', ['rev-parse', branch])).toBe(before);
    // Checked before anything was made on GitHub: not even the side commit.
    expect(fake.requests.filter((r) => r.path.endsWith('/git/commits')).length).toBe(made);
  });
});
