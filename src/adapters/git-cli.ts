// Git through the real `git` program.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { execa } from 'execa';
import type { Git } from '../app/ports.js';

const IDENTITY = { name: 'samocode', email: 'samocode@users.noreply.github.com' };

export async function git(cwd: string, args: readonly string[]): Promise<string> {
  const result = await execa('git', args, { cwd, reject: false, stdin: 'ignore' });
  if (result.exitCode !== 0) {
    const detail = (result.stderr || result.stdout || '').trim().split('\n').slice(-3).join(' ');
    throw new Error(`git ${args.join(' ')} failed (exit ${result.exitCode ?? '?'}): ${detail}`);
  }
  return result.stdout.trim();
}

async function tryGit(cwd: string, args: readonly string[]): Promise<string | undefined> {
  try {
    return await git(cwd, args);
  } catch {
    return undefined;
  }
}

/** The branch new session branches start from: origin's default branch, else the current one. */
export async function defaultBranch(repo: string): Promise<string> {
  const remoteHead = await tryGit(repo, [
    'symbolic-ref',
    '--quiet',
    '--short',
    'refs/remotes/origin/HEAD',
  ]);
  if (remoteHead) return remoteHead;
  const current = await tryGit(repo, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  if (current) return current;
  return 'HEAD';
}

/** Commits as the configured user, or as samocode where no identity is set (fresh runners). */
async function identityArgs(cwd: string): Promise<string[]> {
  const email = await tryGit(cwd, ['config', 'user.email']);
  const name = await tryGit(cwd, ['config', 'user.name']);
  return [
    ...(name ? [] : ['-c', `user.name=${IDENTITY.name}`]),
    ...(email ? [] : ['-c', `user.email=${IDENTITY.email}`]),
  ];
}

export const gitCli: Git = {
  async prepareWorktree({ repo, path, branch }) {
    if (existsSync(path)) {
      const top = await tryGit(path, ['rev-parse', '--show-toplevel']);
      if (!top)
        throw new Error(
          `${path} exists but is not a git worktree: move it away or pick another WORKTREES folder`,
        );
      const current = await tryGit(path, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
      if (current !== branch) {
        throw new Error(`${path} is on branch "${current ?? '(detached)'}", expected "${branch}"`);
      }
      return { created: false };
    }
    await mkdir(dirname(path), { recursive: true });
    const exists = await tryGit(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
    if (exists) {
      await git(repo, ['worktree', 'add', path, branch]);
    } else {
      await git(repo, ['worktree', 'add', '-b', branch, path, await defaultBranch(repo)]);
    }
    return { created: true };
  },

  async commitAll(cwd, message) {
    await git(cwd, ['add', '--all']);
    const staged = await execa('git', ['diff', '--cached', '--quiet'], { cwd, reject: false });
    if (staged.exitCode === 0) return { committed: false };
    // --no-verify: this commit is a save point of the agent's work, not a quality gate.
    await git(cwd, [
      ...(await identityArgs(cwd)),
      'commit',
      '--no-verify',
      '--quiet',
      '-m',
      message,
    ]);
    return { committed: true, sha: await git(cwd, ['rev-parse', 'HEAD']) };
  },
};
