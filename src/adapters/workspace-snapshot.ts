// What the runner's workspace looks like before a run, recorded so it can be put back (see
// workspace-guard.ts for what that covers). Git runs through run-git.ts, not execa, so the post
// step's bundle stays small and starts quickly.
import { lstat, readFile, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runGit } from './run-git.js';

/** A file's bytes (base64) and mode, or null when it did not exist. */
export type FileCopy = { data: string; mode: number } | null;

export interface WorkspaceSnapshot {
  version: 1;
  workspace: string;
  /** This checkout's git dir (HEAD, index, rebase state). */
  gitDir: string;
  /** The shared git dir (config, refs, hooks, worktrees); the same as gitDir unless linked. */
  commonDir: string;
  /** The checked-out commit, and the branch's full ref when HEAD was on one. */
  head: { sha: string; ref?: string };
  /** Every ref: `refname → oid`, or `→ ref: <target>` for a symbolic ref. */
  refs: Record<string, string>;
  /** A `git stash create` commit of changes to tracked files, when there were any. */
  dirty?: string;
  /** Untracked and ignored paths (`git ls-files --others --directory`: whole folders end in /). */
  untracked: string[];
  /** Names under <commonDir>/worktrees: the linked worktrees. */
  worktrees: string[];
  /** Files restored byte for byte: absolute path → copy. */
  files: Record<string, FileCopy>;
  /** Folders (hooks) → the names in them, or null when absent: anything new there is removed. */
  folders: Record<string, string[] | null>;
  /** In-progress markers (rebase-merge, MERGE_HEAD…) in gitDir that already existed. */
  inProgress: string[];
  /** Local branches under this prefix are session branches: their unpushed commits are pushed. */
  branchPrefix: string;
}

export async function git(cwd: string, args: readonly string[], input?: string): Promise<string> {
  const result = await runGit(cwd, args, input);
  if (result.code !== 0) {
    const detail = result.stderr.trim().split('\n').slice(-2).join(' ');
    throw new Error(`git ${args.join(' ')} failed (exit ${result.code}): ${detail}`);
  }
  return result.stdout;
}

export async function listRefs(cwd: string): Promise<Record<string, string>> {
  const out = await git(cwd, ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(symref)']);
  const refs: Record<string, string> = {};
  for (const line of out.split('\n').filter(Boolean)) {
    const [name = '', oid = '', symref = ''] = line.split('\0');
    refs[name] = symref ? `ref: ${symref}` : oid;
  }
  return refs;
}

export async function listUntracked(cwd: string): Promise<string[]> {
  // No exclude options: ignored files count too. --directory keeps a wholly untracked folder (say
  // node_modules/) as one entry, so this stays quick however many files it holds.
  const out = await git(cwd, ['ls-files', '--others', '--directory', '-z']);
  return out.split('\0').filter(Boolean);
}

export async function copyFile(path: string): Promise<FileCopy | undefined> {
  try {
    const stat = await lstat(path);
    // A symlink (dotfiles), a device (/dev/null as GIT_CONFIG_GLOBAL) or a folder is not ours to
    // rewrite: undefined means "not watched".
    if (!stat.isFile()) return undefined;
    return { data: (await readFile(path)).toString('base64'), mode: stat.mode & 0o7777 };
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : undefined;
  }
}

/** The files `git config --global` and the `store` credential helper write for this user. */
export function userGitFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME ?? homedir();
  const xdg = env.XDG_CONFIG_HOME || join(home, '.config');
  const config = env.GIT_CONFIG_GLOBAL
    ? [env.GIT_CONFIG_GLOBAL]
    : [join(home, '.gitconfig'), join(xdg, 'git', 'config')];
  return [...config, join(home, '.git-credentials'), join(xdg, 'git', 'credentials')];
}

export const IN_PROGRESS = [
  'rebase-merge',
  'rebase-apply',
  'MERGE_HEAD',
  'CHERRY_PICK_HEAD',
  'REVERT_HEAD',
  'BISECT_LOG',
  'index.lock',
];

/** Files and folders, under the git dirs and the user's home, that the run must leave as found. */
export async function controlFiles(
  gitDir: string,
  commonDir: string,
): Promise<Pick<WorkspaceSnapshot, 'files' | 'folders'>> {
  const hooks = join(commonDir, 'hooks');
  const hookNames = await readdir(hooks).catch(() => undefined);
  const paths = [
    join(commonDir, 'config'),
    join(commonDir, 'config.worktree'),
    ...(gitDir === commonDir ? [] : [join(gitDir, 'config.worktree')]),
    join(commonDir, 'info', 'exclude'),
    join(commonDir, 'info', 'attributes'),
    ...(hookNames ?? []).map((name) => join(hooks, name)),
    ...userGitFiles(),
  ];
  const files: Record<string, FileCopy> = {};
  const copies = await Promise.all(paths.map(copyFile));
  paths.forEach((path, i) => {
    const copy = copies[i];
    if (copy !== undefined) files[path] = copy;
  });
  return { files, folders: { [hooks]: hookNames ?? null } };
}

const IDENTITY = ['-c', 'user.name=samocode', '-c', 'user.email=samocode@users.noreply.github.com'];

/**
 * Changes to tracked files, as a commit that no ref points at (nothing in the workspace moves), or
 * ''. The quick check first: a runner's checkout is clean, and `stash create` costs ~20 ms.
 */
async function uncommitted(workspace: string): Promise<string> {
  const changed = await runGit(workspace, ['diff-index', '--quiet', 'HEAD', '--']);
  if (changed.code === 0) return '';
  return git(workspace, [...IDENTITY, 'stash', 'create']);
}

export async function takeSnapshot(
  workspace: string,
  branchPrefix: string,
): Promise<WorkspaceSnapshot> {
  // All at once: this runs before the first agent starts, so it is on the action's start-up path.
  const [where, refs, untracked, dirty] = await Promise.all([
    git(workspace, [
      'rev-parse',
      '--path-format=absolute',
      '--git-dir',
      '--git-common-dir',
      'HEAD',
      '--symbolic-full-name',
      'HEAD',
    ]),
    listRefs(workspace),
    listUntracked(workspace),
    uncommitted(workspace),
  ]);
  const [gitDir = '', commonDir = '', sha = '', ref = ''] = where.split('\n');
  const [worktrees, control, inProgress] = await Promise.all([
    readdir(join(commonDir, 'worktrees')).catch(() => [] as string[]),
    controlFiles(gitDir, commonDir),
    Promise.all(
      IN_PROGRESS.map((name) =>
        lstat(join(gitDir, name)).then(
          () => name,
          () => '',
        ),
      ),
    ),
  ]);
  return {
    version: 1,
    workspace,
    gitDir,
    commonDir,
    head: { sha, ...(ref.startsWith('refs/heads/') ? { ref } : {}) },
    refs,
    ...(dirty.trim() ? { dirty: dirty.trim() } : {}),
    untracked,
    worktrees,
    ...control,
    inProgress: inProgress.filter(Boolean),
    branchPrefix,
  };
}
