// Puts a runner workspace back as a snapshot found it (workspace-guard.ts says what that covers).
// Every step is idempotent and carries on past a failure with a warning: a post step that dies
// half-way, or runs twice, must still leave as much as it can cleaned.
import { chmod, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { IN_PROGRESS, copyFile, git, listRefs, listUntracked } from './workspace-snapshot.js';
import { runGit } from './run-git.js';
import type { FileCopy, WorkspaceSnapshot } from './workspace-snapshot.js';
import type { RemoteAccess } from './git-auth.js';
import { PushRefusedError, checkPush } from './push-check.js';
import type { PushPolicy } from './push-check.js';

export interface RestoreLog {
  info: (line: string) => void;
  warn: (line: string) => void;
}

export interface RestoreOptions extends RestoreLog {
  /** The action's credentials for origin (the checkout keeps none). */
  remote?: RemoteAccess;
  /** What an unpushed session branch may not carry to origin; without it, CI definitions only. */
  policy?: PushPolicy;
}

// Hooks and fsmonitor run programs; restoring must run none, whatever the config says.
const SAFE = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false'];

export async function restoreWorkspace(
  snap: WorkspaceSnapshot,
  log: RestoreOptions,
): Promise<void> {
  const step = async (what: string, action: () => Promise<void>) => {
    try {
      await action();
    } catch (error) {
      log.warn(`cleaning the workspace: could not ${what}: ${(error as Error).message}`);
    }
  };
  const cwd = snap.workspace;
  // Files first: git must not read a config the run wrote (a credential helper, an alias,
  // core.sshCommand) while it cleans up.
  await step('restore the git config and hooks', () => restoreFiles(snap));
  await step('clear interrupted git operations', () => clearInProgress(snap));
  await step('remove the worktrees the run added', () => removeWorktrees(snap));
  // Detached at the snapshot's commit, every branch can be moved or deleted, the current one too.
  await step(`check out ${snap.head.sha}`, async () => {
    await git(cwd, [...SAFE, 'checkout', '--force', '--quiet', '--detach', snap.head.sha]);
  });
  await step('put the refs back', () => restoreRefs(snap, log));
  const { ref, sha } = snap.head;
  if (ref) {
    await step(`switch back to ${ref}`, async () => {
      await git(cwd, ['symbolic-ref', 'HEAD', ref]);
      // The branch is at `sha` again unless it was kept for unpushed commits; then it shows them.
      const at = (await git(cwd, ['rev-parse', 'HEAD'])).trim();
      if (at !== sha) await git(cwd, [...SAFE, 'reset', '--hard', '--quiet']);
    });
  }
  const { dirty } = snap;
  if (dirty) {
    await step('reapply the uncommitted changes found before the run', async () => {
      await git(cwd, [...SAFE, 'stash', 'apply', '--index', '--quiet', dirty]);
    });
  }
  await step('remove the files the run left', () => removeNewFiles(snap));
}

async function restoreFiles(snap: WorkspaceSnapshot): Promise<void> {
  for (const [path, copy] of Object.entries(snap.files)) await restoreFile(path, copy);
  // Anything that appeared in a watched folder (a hook the agent installed) goes; so does the
  // folder itself if it did not exist.
  for (const [folder, names] of Object.entries(snap.folders)) {
    if (names === null) {
      await rm(folder, { recursive: true, force: true });
      continue;
    }
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      if (!names.includes(name)) await rm(join(folder, name), { recursive: true, force: true });
    }
  }
}

async function restoreFile(path: string, copy: FileCopy): Promise<void> {
  if (copy === null) {
    await rm(path, { force: true });
    return;
  }
  const current = await copyFile(path);
  if (current && current.data === copy.data && current.mode === copy.mode) return;
  // Written beside the file and renamed over it: git never reads half a config.
  const temp = `${path}.samocode-restore`;
  await writeFile(temp, Buffer.from(copy.data, 'base64'), { mode: copy.mode });
  await chmod(temp, copy.mode);
  await rename(temp, path);
}

async function clearInProgress(snap: WorkspaceSnapshot): Promise<void> {
  // A git killed with the run leaves index.lock, and a push killed mid-rebase leaves rebase-merge:
  // either makes every later git command (ours, then actions/checkout's) refuse to work.
  for (const name of IN_PROGRESS) {
    if (!snap.inProgress.includes(name))
      await rm(join(snap.gitDir, name), { recursive: true, force: true });
  }
}

async function removeWorktrees(snap: WorkspaceSnapshot): Promise<void> {
  const names = await readdir(join(snap.commonDir, 'worktrees')).catch(() => [] as string[]);
  for (const name of names.filter((n) => !snap.worktrees.includes(n))) {
    const admin = join(snap.commonDir, 'worktrees', name);
    const gitdir = await readFile(join(admin, 'gitdir'), 'utf8').catch(() => '');
    const path = gitdir.trim().replace(/\/\.git$/, '');
    // --force twice: also when it is locked or holds changes (the agent's scratch work).
    const removed = path
      ? await runGit(snap.workspace, ['worktree', 'remove', '--force', '--force', path])
      : { code: 1 };
    if (removed.code !== 0) {
      if (path) await rm(path, { recursive: true, force: true });
      await rm(admin, { recursive: true, force: true });
    }
  }
  await runGit(snap.workspace, ['worktree', 'prune']);
}

/**
 * Refs the run created go, refs it moved or deleted come back. A local branch with commits that are
 * on no ref of the snapshot and on no branch of origin is work that exists nowhere else: a session
 * branch is pushed (fast-forward only) once its commits pass the same check as every push of the
 * run (no secret, no CI definition unless allowed); when that fails, or for any other branch, it
 * is kept.
 */
async function restoreRefs(snap: WorkspaceSnapshot, log: RestoreOptions): Promise<void> {
  const cwd = snap.workspace;
  const fetchEnv = log.remote?.fetchEnv ?? {};
  const policy = log.policy ?? { secrets: {}, allowWorkflowChanges: false };
  const now = await listRefs(cwd);
  const known = [...new Set(Object.values(snap.refs).filter((v) => !v.startsWith('ref: ')))];
  let remote: Promise<Map<string, string>> | undefined;
  const kept = new Set<string>();
  for (const [name, oid] of Object.entries(now)) {
    if (!name.startsWith('refs/heads/') || oid.startsWith('ref: ') || snap.refs[name] === oid)
      continue;
    remote ??= remoteHeads(cwd, fetchEnv);
    const heads = await remote;
    if (await isSaved(cwd, oid, name, known, heads, fetchEnv)) continue;
    const branch = name.slice('refs/heads/'.length);
    if (branch.startsWith(snap.branchPrefix)) {
      const findings = await checkPush(cwd, oid, policy, [...heads.values()]);
      if (findings.length > 0) {
        kept.add(name);
        log.warn(
          `kept the local branch ${branch} at ${oid} without pushing it: ${new PushRefusedError(branch, findings).message}`,
        );
        continue;
      }
      const push = ['push', '--quiet', '--no-verify', 'origin', `${oid}:${name}`];
      if ((await runGit(cwd, [...SAFE, ...push], undefined, log.remote?.pushEnv)).code === 0) {
        log.info(`pushed the unpushed commits of ${branch} (${oid.slice(0, 12)}) to origin`);
        // Now on origin: a branch made from these commits (the agent's scratch) is saved too.
        known.push(oid);
        continue;
      }
    }
    kept.add(name);
    log.warn(
      `kept the local branch ${branch} at ${oid}: it has commits that are on no branch of origin ` +
        `(push them by hand, or delete the branch once they are not needed)`,
    );
  }
  const lines: string[] = [];
  const symrefs: Array<[string, string]> = [];
  for (const name of new Set([...Object.keys(now), ...Object.keys(snap.refs)])) {
    const before = snap.refs[name];
    if (before === now[name] || kept.has(name)) continue;
    if (before === undefined) lines.push(`delete ${name}`);
    else if (before.startsWith('ref: ')) symrefs.push([name, before.slice('ref: '.length)]);
    else lines.push(`update ${name} ${before}`);
  }
  // One transaction: the refs change all together or not at all.
  if (lines.length > 0)
    await git(cwd, ['update-ref', '--no-deref', '--stdin'], `${lines.join('\n')}\n`);
  for (const [name, target] of symrefs) await git(cwd, ['symbolic-ref', name, target]);
}

async function remoteHeads(cwd: string, env: Record<string, string>): Promise<Map<string, string>> {
  const listed = await runGit(cwd, [...SAFE, 'ls-remote', '--heads', 'origin'], undefined, env);
  const heads = new Map<string, string>();
  for (const line of listed.stdout.split('\n').filter(Boolean)) {
    const [oid = '', name = ''] = line.split('\t');
    heads.set(name, oid);
  }
  return heads;
}

/** True when every commit of `oid` is on a ref of the snapshot or on a branch of origin. */
async function isSaved(
  cwd: string,
  oid: string,
  name: string,
  known: string[],
  remote: Map<string, string>,
  env: Record<string, string>,
): Promise<boolean> {
  const theirs = remote.get(name);
  if (theirs === oid) return true;
  if (theirs && (await runGit(cwd, ['cat-file', '-e', `${theirs}^{commit}`])).code !== 0) {
    // Someone pushed after us: fetch their tip (into FETCH_HEAD only) to see if it holds ours.
    await runGit(
      cwd,
      [...SAFE, '-c', 'maintenance.auto=false', 'fetch', '--no-tags', '--quiet', 'origin', name],
      undefined,
      env,
    );
  }
  // Tips of origin this clone does not have are skipped (--ignore-missing): never wrongly "saved".
  const tips = [oid, ...[...known, ...remote.values()].map((o) => `^${o}`)];
  const counted = await runGit(
    cwd,
    ['rev-list', '--count', '--ignore-missing', '--stdin'],
    `${tips.join('\n')}\n`,
  );
  return counted.code === 0 && counted.stdout.trim() === '0';
}

async function removeNewFiles(snap: WorkspaceSnapshot): Promise<void> {
  const before = new Set(snap.untracked);
  for (const entry of await listUntracked(snap.workspace)) {
    if (before.has(entry)) continue;
    const path = resolve(snap.workspace, entry);
    // git lists paths inside the workspace; never follow one that would lead out of it.
    if (relative(snap.workspace, path).startsWith('..')) continue;
    await rm(path, { recursive: true, force: true });
  }
}
