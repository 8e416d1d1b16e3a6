// Self-hosted runners are reused: a run must leave the workspace as it found it. The action
// snapshots the workspace before it touches it and restores it when it ends (a `finally`); the
// snapshot is also saved in a private folder under RUNNER_TEMP, named in the step's state, so that
// the action's post step (dist/post.js, `post-if: always()`) restores it after a run that was
// killed half-way. A run that ended normally removes the folder, which makes the post step a no-op.
// The snapshot holds .git/config as it was, with any token actions/checkout persisted there: it is
// written 0600, and deleted by whichever of the two restores first.
//
// "As it was" means, for the git checkout in GITHUB_WORKSPACE:
// - HEAD: the same branch (or the same detached commit), with that branch at the same commit;
// - the index and tracked files: as HEAD has them, plus the uncommitted changes found before the
//   run (kept as a `git stash create` commit and reapplied);
// - untracked and ignored files: the same set of paths (`git ls-files --others --directory`);
//   anything new is deleted, e.g. what the agent wrote in an iteration that never finished;
// - refs: every ref (branches, remote-tracking refs, tags, the session locks fetched into
//   refs/samocode/locks, refs/stash) points where it pointed; refs the run created are deleted;
// - worktrees: those the run added are removed;
// - files, byte for byte and mode: .git/config, config.worktree, info/exclude, info/attributes,
//   every file in .git/hooks (new ones are deleted), and the user's ~/.gitconfig (or
//   GIT_CONFIG_GLOBAL), ~/.config/git/config, ~/.git-credentials and ~/.config/git/credentials:
//   a credential helper, identity, alias or hook set by the agent (or by us) does not survive;
// - the action's own temp folder (the snapshot, and the TMPDIR the agent was given) is deleted;
// - processes: after a killed run, the post step stops the agent processes still running (Linux).
//
// The snapshot is taken while the run makes its first network calls: whatever changes the workspace
// waits for it (`gate`). The one exception is the session lock, which fetches the holder's ref into
// refs/samocode/locks when another run holds it; were that ever quicker than the snapshot's first
// git command, the ref would count as found and stay.
//
// Never lost: a local branch with commits that are on no ref of the snapshot and on no branch of
// origin. A session branch (under branch-prefix) is pushed, fast-forward only, which
// is what the run's next save would have done, once its commits pass the check of every push
// (push-check.ts: no secret, no CI definition unless allowed); otherwise, or when that push fails,
// the branch is kept and a warning names it (and, for a refused push, the commits and why). Uncommitted changes of an iteration that never finished are
// discarded: the next run does that iteration again, as it always has.
//
// Deliberately not covered: the object store, reflogs, FETCH_HEAD/ORIG_HEAD, .git/shallow (a fetch
// may deepen it) and the index's stat cache, which change no content; files inside a folder that
// was wholly untracked before (node_modules/: a cache the agent may fill); untracked files that
// existed before and that the run committed, changed or deleted; submodules; symlinked config
// files; global config outside the files above (/etc/gitconfig); and anything else outside the
// workspace the agent wrote (it runs with the runner user's rights: isolate the runner).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopProcessesWithEnv } from './leftover-processes.js';
import { restoreWorkspace } from './workspace-restore.js';
import type { RestoreLog, RestoreOptions } from './workspace-restore.js';
import { takeSnapshot } from './workspace-snapshot.js';
import type { WorkspaceSnapshot } from './workspace-snapshot.js';

/** The name of the step state that holds the private folder's path (STATE_<name> in the post step). */
export const GUARD_STATE = 'workspaceGuard';
const SNAPSHOT = 'snapshot.json';

export interface GuardOptions extends RestoreOptions {
  workspace: string;
  branchPrefix: string;
  /** core.saveState: recorded for the post step. */
  saveState: (name: string, value: string) => void;
  /** Where the private folder goes: RUNNER_TEMP, which the runner empties between jobs. */
  tempRoot?: string;
}

export interface WorkspaceGuard {
  /** What the agent's environment adds: its TMPDIR inside the private folder. */
  agentEnv: Record<string, string>;
  /** The private folder (deleted with the restore), when it could be made. */
  privateDir?: string;
  /** Settles once the snapshot is taken: await it before anything touches the workspace. */
  ready: Promise<void>;
  /**
   * `port` with each method (but those in `free`, which only read) waiting for the snapshot, so the
   * snapshot overlaps the run's first network calls instead of delaying them.
   */
  gate<T extends object>(port: T, free?: ReadonlyArray<keyof T>): T;
  /** Restores the workspace and deletes the private folder. Never throws; runs once. */
  restore(): Promise<void>;
}

const tempEnv = (dir: string) => {
  const tmp = join(dir, 'tmp');
  return { TMPDIR: tmp, TMP: tmp, TEMP: tmp };
};

export function guardWorkspace(options: GuardOptions): WorkspaceGuard {
  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(options.tempRoot || tmpdir(), 'samocode-'));
    mkdirSync(join(dir, 'tmp'));
    // Saved before the snapshot exists: a run killed in between leaves a folder the post step
    // still finds and deletes.
    options.saveState(GUARD_STATE, dir);
  } catch (error) {
    options.warn(`no private temp folder: ${(error as Error).message}`);
    dir = undefined;
  }
  let snapshot: WorkspaceSnapshot | undefined;
  const ready = takeSnapshot(options.workspace, options.branchPrefix)
    .then(async (taken) => {
      snapshot = taken;
      if (dir) await writeFile(join(dir, SNAPSHOT), JSON.stringify(taken), { mode: 0o600 });
    })
    .catch((error: Error) => {
      options.warn(`the workspace will not be cleaned after this run: ${error.message}`);
    });
  let restored: Promise<void> | undefined;
  return {
    agentEnv: dir ? tempEnv(dir) : {},
    ...(dir ? { privateDir: dir } : {}),
    ready,
    gate(port, free = []) {
      const gated: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(port)) {
        gated[name] =
          typeof value === 'function' && !free.includes(name as keyof typeof port)
            ? async (...args: unknown[]) => {
                await ready;
                return (value as (...a: unknown[]) => unknown).apply(port, args);
              }
            : value;
      }
      return gated as typeof port;
    },
    restore() {
      restored ??= ready.then(async () => {
        if (snapshot) await restoreWorkspace(snapshot, options);
        if (dir) await removeFolder(dir, options);
      });
      return restored;
    },
  };
}

/**
 * The post step: restores from the snapshot a run left in `dir` (the state it saved). Nothing to
 * do when there is no such state (the run touched no workspace) or no folder (the run cleaned up).
 */
export async function restoreFromState(dir: string, log: RestoreOptions): Promise<boolean> {
  if (!dir) return false;
  let text: string;
  try {
    text = await readFile(join(dir, SNAPSHOT), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // Killed before the snapshot was written, or already restored: only the folder may remain.
    await removeFolder(dir, log);
    return false;
  }
  const stopped = await stopProcessesWithEnv(`TMPDIR=${tempEnv(dir).TMPDIR}`);
  if (stopped > 0) log.info(`stopped ${stopped} processes the run left running`);
  const snapshot = JSON.parse(text) as WorkspaceSnapshot;
  await restoreWorkspace(snapshot, log);
  await removeFolder(dir, log);
  return true;
}

async function removeFolder(dir: string, log: RestoreLog): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 2 }).catch((error: Error) =>
    log.warn(`could not delete ${dir}: ${error.message}`),
  );
}
