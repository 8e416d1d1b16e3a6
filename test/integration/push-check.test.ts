// The check before every push, on real repositories: what it finds in the commits a push would send
// (the agent's own, merges, renames, binary files, commit messages), what it leaves alone (commits
// origin has), and that a refused push sends nothing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGit } from '../../src/adapters/git-cli.js';
import { PushRefusedError, checkPush } from '../../src/adapters/push-check.js';
import { repoWithOrigin, sh, tempDir } from '../support/temp.js';

const TOKEN = 'ghs_pushCheck0123456789abcdef';
const policy = { secrets: { 'github-token': TOKEN }, allowWorkflowChanges: false };

function commit(repo: string, files: Record<string, string | Buffer>, message = 'work'): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  sh(repo, 'git', ['add', '--all']);
  sh(repo, 'git', ['commit', '-q', '--allow-empty', '-m', message]);
  return sh(repo, 'git', ['rev-parse', 'HEAD']);
}

function session(): { repo: string; origin: string } {
  const made = repoWithOrigin(tempDir());
  sh(made.repo, 'git', ['checkout', '-q', '-b', 'samocode/1-x']);
  return made;
}

describe('checkPush', () => {
  it('finds the value in a file, in any form, and in a commit message, naming where', async () => {
    const { repo } = session();
    const raw = commit(repo, { 'config.txt': `token=${TOKEN}\n` });
    const b64 = commit(repo, {
      'auth.txt': `Authorization: Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}\n`,
    });
    const binary = commit(repo, {
      'blob.bin': Buffer.concat([Buffer.from([0, 255, 1]), Buffer.from(TOKEN), Buffer.alloc(9)]),
    });
    const hex = commit(repo, { 'deep/dir/hex.txt': Buffer.from(TOKEN).toString('hex') });
    const message = commit(repo, {}, `fix with ${encodeURIComponent(TOKEN)}`);
    const tip = sh(repo, 'git', ['rev-parse', 'HEAD']);
    expect(await checkPush(repo, tip, policy)).toEqual([
      { kind: 'secret', commit: raw, path: 'config.txt', secret: 'github-token', form: 'raw' },
      { kind: 'secret', commit: b64, path: 'auth.txt', secret: 'github-token', form: 'base64' },
      { kind: 'secret', commit: binary, path: 'blob.bin', secret: 'github-token', form: 'raw' },
      {
        kind: 'secret',
        commit: hex,
        path: 'deep/dir/hex.txt',
        secret: 'github-token',
        form: 'hex',
      },
      { kind: 'secret', commit: message, secret: 'github-token', form: 'raw' },
    ]);
  });

  it('leaves alone what origin has, and a value removed again is still found in its commit', async () => {
    const { repo } = session();
    commit(repo, { 'a.txt': TOKEN });
    sh(repo, 'git', ['push', '-q', 'origin', 'HEAD:refs/heads/samocode/1-x']);
    expect(await checkPush(repo, 'HEAD', policy)).toEqual([]);
    const leaked = commit(repo, { 'b.txt': `x ${TOKEN}` });
    commit(repo, { 'b.txt': 'clean now' });
    const found = await checkPush(repo, 'HEAD', policy);
    expect(found.map((f) => [f.commit, f.path])).toEqual([[leaked, 'b.txt']]);
  });

  it('sees what a merge brings of its own, but not what it takes from a parent', async () => {
    const { repo } = session();
    commit(repo, { 'ours.txt': 'ours' });
    sh(repo, 'git', ['checkout', '-q', '-b', 'side', 'main']);
    const side = commit(repo, { '.github/workflows/side.yml': 'on: push' });
    sh(repo, 'git', ['checkout', '-q', 'samocode/1-x']);
    sh(repo, 'git', ['merge', '-q', '--no-commit', 'side']);
    writeFileSync(join(repo, 'evil.txt'), TOKEN);
    sh(repo, 'git', ['add', 'evil.txt']);
    sh(repo, 'git', ['commit', '-q', '-m', 'merge']);
    const merge = sh(repo, 'git', ['rev-parse', 'HEAD']);
    expect(await checkPush(repo, merge, policy)).toEqual([
      { kind: 'ci', commit: side, path: '.github/workflows/side.yml', change: 'adds' },
      { kind: 'secret', commit: merge, path: 'evil.txt', secret: 'github-token', form: 'raw' },
    ]);
  });

  it('refuses CI definitions added, changed, renamed or deleted, unless allowed', async () => {
    const { repo, origin } = session();
    sh(repo, 'git', ['checkout', '-q', 'main']);
    commit(repo, { '.github/workflows/ci.yml': 'on: push\n', '.github/actions/a/action.yml': 'x' });
    sh(repo, 'git', ['push', '-q', 'origin', 'main']);
    sh(repo, 'git', ['checkout', '-q', '-B', 'samocode/1-x']);
    const changed = commit(repo, { '.github/workflows/ci.yml': 'on: [push, pull_request]\n' });
    sh(repo, 'git', ['mv', '.github/actions/a', '.github/actions/b']);
    const renamed = commit(repo, {});
    sh(repo, 'git', ['rm', '-q', '.github/workflows/ci.yml']);
    const deleted = commit(repo, { '.github/CODEOWNERS': '* @octo\n' });
    const found = await checkPush(repo, 'HEAD', policy);
    expect(found).toEqual([
      { kind: 'ci', commit: changed, path: '.github/workflows/ci.yml', change: 'changes' },
      { kind: 'ci', commit: renamed, path: '.github/actions/a/action.yml', change: 'deletes' },
      { kind: 'ci', commit: renamed, path: '.github/actions/b/action.yml', change: 'adds' },
      { kind: 'ci', commit: deleted, path: '.github/workflows/ci.yml', change: 'deletes' },
    ]);
    expect(await checkPush(repo, 'HEAD', { ...policy, allowWorkflowChanges: true })).toEqual([]);

    // A refused push sends nothing; an allowed one goes through.
    const before = sh(repo, 'git', ['--git-dir', origin, 'for-each-ref']);
    const refused = createGit({ secrets: policy.secrets }).push(repo, 'samocode/1-x');
    await expect(refused).rejects.toBeInstanceOf(PushRefusedError);
    await expect(refused).rejects.toThrow(
      `refusing to push samocode/1-x: commit ${changed.slice(0, 12)} changes .github/workflows/ci.yml;`,
    );
    expect(sh(repo, 'git', ['--git-dir', origin, 'for-each-ref'])).toBe(before);
    await createGit({ secrets: policy.secrets, allowWorkflowChanges: true }).push(
      repo,
      'samocode/1-x',
    );
    expect(sh(repo, 'git', ['--git-dir', origin, 'rev-parse', 'samocode/1-x'])).toBe(deleted);
  });

  it('checks hundreds of commits in one pass of three git processes', async () => {
    const { repo } = session();
    // An agent's many small commits, made at once by fast-import.
    const parent = sh(repo, 'git', ['rev-parse', 'HEAD']);
    let stream = '';
    for (let i = 0; i < 300; i++) {
      const data = `line ${i}\n`.repeat(200);
      stream +=
        `commit refs/heads/samocode/1-x\ncommitter A <a@example.com> ${1_700_000_000 + i} +0000\n` +
        `data ${`c${i}`.length}\nc${i}\n${i === 0 ? `from ${parent}\n` : ''}` +
        `M 100644 inline f${i % 20}.txt\ndata ${Buffer.byteLength(data)}\n${data}\n`;
    }
    execFileSync('git', ['fast-import', '--quiet'], { cwd: repo, input: stream });
    sh(repo, 'git', ['reset', '-q', '--hard']);
    writeFileSync(join(repo, 'big.bin'), Buffer.alloc(5_000_000, 7));
    commit(repo, { 'last.txt': `${'x'.repeat(100_000)}${TOKEN}` });
    const started = Date.now();
    const found = await checkPush(repo, 'HEAD', {
      secrets: { ...policy.secrets, A: 'another-secret-1', B: 'another-secret-2' },
      allowWorkflowChanges: false,
    });
    const ms = Date.now() - started;
    console.log(`checked 301 commits in ${ms} ms`);
    expect(found.map((f) => f.path)).toEqual(['last.txt']);
    expect(ms).toBeLessThan(5_000);
  });
});
