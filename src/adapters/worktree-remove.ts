// Removing a session's worktree when the session is over: git's own `worktree remove`, which
// refuses a worktree with changes that were never committed unless told to drop them.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export type WorktreeRemoval =
  { kind: 'removed' } | { kind: 'absent' } | { kind: 'changed'; changes: string[] };

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function removeWorktree(repo: string, path: string, force: boolean): WorktreeRemoval {
  if (!existsSync(path)) {
    // A folder deleted by hand leaves git's record of it behind.
    git(repo, ['worktree', 'prune']);
    return { kind: 'absent' };
  }
  const changes = git(path, ['status', '--porcelain']).split('\n').filter(Boolean);
  if (changes.length > 0 && !force) return { kind: 'changed', changes };
  git(repo, ['worktree', 'remove', ...(force ? ['--force'] : []), path]);
  return { kind: 'removed' };
}
