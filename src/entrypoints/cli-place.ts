// Where a CLI session works: its branch and its worktree. Checked before anything is created, so a
// run that cannot start leaves no session folder, branch or worktree behind.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sessionBranch } from '../core/session-name.js';
import type { SessionState } from '../core/session-state.js';
import type { CliSettings } from '../adapters/cli-settings.js';
import { ConfigError } from '../adapters/cli-settings.js';
import { git } from '../adapters/git-cli.js';

export interface SessionPlace {
  branch: string;
  workDir: string;
}

export function sessionPlace(
  settings: Pick<CliSettings, 'worktrees' | 'branchPrefix'>,
  name: string,
  state?: Pick<SessionState, 'branch'>,
): SessionPlace {
  return {
    branch: state?.branch ?? sessionBranch(name, settings.branchPrefix),
    workDir: join(settings.worktrees, name),
  };
}

/** Throws, naming the problem and the fix, when the worktree could not be made or reused. */
export async function checkPlace(repo: string, place: SessionPlace): Promise<void> {
  const { branch, workDir } = place;
  try {
    await git(repo, ['check-ref-format', '--branch', branch]);
  } catch {
    throw new ConfigError(
      `"${branch}" is not a valid branch name: check GIT_BRANCH_PREFIX (letters, digits, "-", "_", "." and "/")`,
    );
  }
  if (existsSync(workDir)) {
    const top = await git(workDir, ['rev-parse', '--show-toplevel']).catch(() => '');
    if (!top || resolve(top) !== resolve(workDir))
      throw new ConfigError(
        `${workDir} exists but is not a git worktree: move it away or pick another WORKTREES folder`,
      );
    const current = await git(workDir, ['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(
      () => '(detached)',
    );
    if (current !== branch)
      throw new ConfigError(
        `${workDir} is on branch "${current}", expected "${branch}": check it out there, or move the folder away`,
      );
    return;
  }
  const list = await git(repo, ['worktree', 'list', '--porcelain']);
  let path = '';
  for (const line of list.split('\n')) {
    if (line.startsWith('worktree ')) path = line.slice('worktree '.length);
    if (line === `branch refs/heads/${branch}`)
      throw new ConfigError(
        `branch "${branch}" is checked out at ${path}, so the session cannot have it in ${workDir}: check out another branch there first`,
      );
  }
}
