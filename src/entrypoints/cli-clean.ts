// `samocode clean <session>`: removes the session's worktree once its work is merged (or given up).
// The branch and the session folder stay: the branch holds the work until it is merged, the folder
// its history.
import { SessionError, loadState } from '../app/session-files.js';
import { requireSession } from '../app/session-actions.js';
import type { CliSettings } from '../adapters/cli-settings.js';
import { fsSessionStore } from '../adapters/fs-session-store.js';
import { runLockHolder } from '../adapters/run-lock.js';
import { removeWorktree } from '../adapters/worktree-remove.js';
import type { Write } from './cli-output.js';
import { sessionPlaces, shellWord } from './cli-status.js';

export async function cleanCommand(
  settings: CliSettings,
  wanted: string,
  force: boolean,
  out: Write,
): Promise<void> {
  const store = fsSessionStore(settings.sessions);
  const name = await requireSession(store, wanted);
  const runner = runLockHolder(store.dir(name));
  if (runner !== undefined)
    throw new SessionError(
      `session ${name} is being run by another samocode (pid ${runner}); stop that run first`,
    );
  const { branch, workDir } = sessionPlaces(settings, name, await loadState(store, name));
  const removal = removeWorktree(settings.repo, workDir, force);
  if (removal.kind === 'changed') {
    throw new SessionError(
      `${workDir} has ${removal.changes.length} change(s) that were never committed ` +
        `(${removal.changes.slice(0, 5).join('; ')}): commit or copy what you want to keep, ` +
        `or run samocode clean ${name} --force to drop them`,
    );
  }
  out(
    removal.kind === 'removed'
      ? `Removed the worktree ${workDir}.`
      : `No worktree to remove: ${workDir} does not exist.`,
  );
  out(
    `The branch ${branch} and the session folder ${store.dir(name)} stay. ` +
      `Once the branch is merged, delete it with:  git -C ${shellWord(settings.repo)} branch -d ${branch}`,
  );
}
