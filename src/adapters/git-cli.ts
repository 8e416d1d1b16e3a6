// Git through the real `git` program.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BranchGit, Git } from '../app/ports.js';
import { secretNeedles } from '../core/secret-forms.js';
import type { RemoteAccess } from './git-auth.js';
import type { CommitPublisher } from './github-commits.js';
import { ADD_FAILED, addAndCommit, runGit } from './run-git.js';
import { signingArgs } from './signing-key-file.js';
import { PushRefusedError, SecretLeakError, checkPush } from './push-check.js';

export { PushRefusedError, SecretLeakError };

export interface Identity {
  name: string;
  email: string;
}

const FALLBACK_IDENTITY: Identity = {
  name: 'samocode',
  email: 'samocode@users.noreply.github.com',
};

/** Save points between two runs of git's auto maintenance (see commitAll). */
const MAINTENANCE_EVERY = 50;

/**
 * For fetches: each would otherwise start `git maintenance run --auto`, a process of its own, on
 * the iteration path; the save points run it every MAINTENANCE_EVERY-th commit instead. A config
 * value, not `--no-auto-maintenance`, so that a git older than 2.29 is not refused.
 */
const NO_AUTO_MAINTENANCE = ['-c', 'maintenance.auto=false'];

/** A push that could not be rebased: someone else changed the same lines. */
export class GitConflictError extends Error {
  override name = 'GitConflictError';
  constructor(
    readonly branch: string,
    readonly paths: string[],
  ) {
    super(
      `pushing ${branch} conflicts with commits already on it in: ${paths.join(', ') || '(unknown paths)'}; resolve them on the branch, then resume`,
    );
  }
}

/** Runs git; `env` adds to the environment (the action's credentials for talking to origin). */
export async function git(
  cwd: string,
  args: readonly string[],
  env?: Record<string, string>,
): Promise<string> {
  // Awaited every time, and not killed when Samocode exits (a git killed mid-commit leaves its
  // lock). A git that could not start is exit -1.
  const result = await runGit(cwd, args, undefined, env);
  if (result.code !== 0) {
    const detail = (result.stderr || result.stdout || '').trim().split('\n').slice(-3).join(' ');
    throw new Error(`git ${args.join(' ')} failed (exit ${result.code}): ${detail}`);
  }
  return result.stdout.trim();
}

/** Fetches one refspec of origin (`+<src>:<dst>`), without tags or git's auto maintenance. */
export async function fetchRef(
  cwd: string,
  refspec: string,
  env: Record<string, string>,
): Promise<void> {
  await git(cwd, [...NO_AUTO_MAINTENANCE, 'fetch', '--no-tags', '--quiet', 'origin', refspec], env);
}

/** Brings origin's `branch` to `refs/remotes/origin/<branch>`. */
async function fetchBranch(
  cwd: string,
  branch: string,
  env: Record<string, string>,
): Promise<void> {
  await fetchRef(cwd, `+refs/heads/${branch}:refs/remotes/origin/${branch}`, env);
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

/** Commits as `identity` when given, else as the configured user, else as samocode (fresh runners). */
export async function identityArgs(cwd: string, identity?: Identity): Promise<string[]> {
  if (identity) return ['-c', `user.name=${identity.name}`, '-c', `user.email=${identity.email}`];
  const email = await tryGit(cwd, ['config', 'user.email']);
  const name = await tryGit(cwd, ['config', 'user.name']);
  return [
    ...(name ? [] : ['-c', `user.name=${FALLBACK_IDENTITY.name}`]),
    ...(email ? [] : ['-c', `user.email=${FALLBACK_IDENTITY.email}`]),
  ];
}

export interface GitOptions {
  identity?: Identity;
  /**
   * Values (by name) that must never be committed nor pushed, in any form (base64, hex …); the
   * names appear in errors, the values never.
   */
  secrets?: Record<string, string>;
  /** The environment of fetches, ls-remotes and pushes: the action's own credentials. */
  remote?: RemoteAccess;
  /** Whether pushed commits may add, change or delete CI definitions (default: refused). */
  allowWorkflowChanges?: boolean;
  /**
   * An SSH private key file that signs every commit made here (the rebase of a push included), for
   * branches that accept signed commits only. Given on the command line, never written to a config.
   */
  signingKey?: string;
  /**
   * Makes the pushed commits on GitHub instead of pushing them (GitHub signs them); the local
   * branch then follows the commits GitHub made.
   */
  publisher?: CommitPublisher;
}

/**
 * Staged files that contain any of the secret values (in any of their forms), with the names of
 * the secrets they hold.
 */
async function stagedSecrets(
  cwd: string,
  names: readonly string[],
  secrets: Readonly<Record<string, string>>,
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const byName = new Map<string, string[]>();
  for (const needle of secretNeedles(secrets)) {
    const label = needle.form === 'raw' ? needle.name : `${needle.name} as ${needle.form}`;
    byName.set(label, [...(byName.get(label) ?? []), needle.text]);
  }
  const guarded = [...byName];
  if (guarded.length === 0 || names.length === 0) return found;
  const grep = (values: string[], paths: readonly string[]) =>
    runGit(cwd, [
      'grep',
      '--cached',
      '-l',
      '-z',
      '-F',
      ...values.flatMap((v) => ['-e', v]),
      '--',
      ...paths,
    ]);
  for (let i = 0; i < names.length; i += 500) {
    const chunk = names.slice(i, i + 500);
    // One search for all values; only a hit (rare) is searched again to name the secret.
    if (
      (
        await grep(
          guarded.flatMap(([, v]) => v),
          chunk,
        )
      ).code !== 0
    )
      continue;
    for (const [name, values] of guarded) {
      const hit = await grep(values, chunk);
      if (hit.code !== 0) continue;
      for (const file of hit.stdout.split('\0').filter(Boolean))
        found.set(file, [...(found.get(file) ?? []), name]);
    }
  }
  return found;
}

/**
 * What to do when a rule refused the push for unsigned commits (GitHub says so before the last
 * lines of its answer, which the error keeps).
 */
function unsignedHint(stderr: string, signingKey: string | undefined): string {
  if (!/verified signature/i.test(stderr)) return '';
  return signingKey
    ? " — the branch takes verified signed commits only: register the signing key's public half as a signing key of the account whose verified email the commits are by (committer)"
    : " — the branch takes verified signed commits only: sign them (the action's signing-key and committer inputs; git's commit.gpgsign for the command line)";
}

export function createGit(options: GitOptions = {}): Git & BranchGit {
  const identities = new Map<string, Promise<string[]>>();
  const fetchEnv = options.remote?.fetchEnv ?? {};
  const pushEnv = options.remote?.pushEnv ?? {};
  const policy = {
    secrets: options.secrets ?? {},
    allowWorkflowChanges: options.allowWorkflowChanges ?? false,
  };
  const signing = options.signingKey ? signingArgs(options.signingKey) : [];
  const guarded = secretNeedles(policy.secrets).length > 0;
  let commits = 0;
  const commitArgs = async (cwd: string) => {
    let args = identities.get(cwd);
    if (!args) identities.set(cwd, (args = identityArgs(cwd, options.identity)));
    return [...(await args), ...signing];
  };
  /** A git push of `tip`; `rejected`: origin has commits the tip lacks. */
  const gitPush = async (cwd: string, branch: string, tip: string) => {
    const pushed = await runGit(
      cwd,
      ['push', '--quiet', 'origin', `${tip}:refs/heads/${branch}`],
      undefined,
      pushEnv,
    );
    return {
      ok: pushed.code === 0,
      rejected: /\[rejected\]|non-fast-forward|fetch first/.test(pushed.stderr),
      error: `git push to ${branch} failed: ${pushed.stderr.trim().split('\n').slice(-2).join(' ')}${unsignedHint(pushed.stderr, options.signingKey)}`,
    };
  };
  /** The commits made on GitHub, then the local branch moved onto them (same files, same tree). */
  const publish = async (publisher: CommitPublisher, cwd: string, branch: string, tip: string) => {
    const remote = await git(
      cwd,
      ['ls-remote', '--heads', 'origin', `refs/heads/${branch}`],
      fetchEnv,
    );
    const outcome = await publisher.publish(cwd, branch, tip, remote.split('\t')[0] || undefined);
    if (outcome.kind === 'published') {
      await fetchBranch(cwd, branch, fetchEnv);
      // Same tree: the index and the files stay as they are. Commits made after `tip` meanwhile
      // (none, unless something committed during the requests) are replayed on top.
      const head = await git(cwd, ['rev-parse', 'HEAD']);
      if (head === tip) await git(cwd, ['reset', '--soft', '--quiet', outcome.sha]);
      else
        await git(cwd, [
          ...(await commitArgs(cwd)),
          'rebase',
          '--quiet',
          '--onto',
          outcome.sha,
          tip,
        ]);
    }
    return {
      ok: outcome.kind === 'published',
      rejected: outcome.kind === 'rejected',
      error: `updating ${branch} through the GitHub API failed: the branch moved on three times meanwhile`,
    };
  };
  return {
    async prepareWorktree({ repo, path, branch }) {
      if (existsSync(path)) {
        const top = await tryGit(path, ['rev-parse', '--show-toplevel']);
        if (!top) {
          throw new Error(
            `${path} exists but is not a git worktree: move it away or pick another WORKTREES folder`,
          );
        }
        const current = await tryGit(path, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
        if (current !== branch) {
          throw new Error(
            `${path} is on branch "${current ?? '(detached)'}", expected "${branch}"`,
          );
        }
        return { created: false };
      }
      await mkdir(dirname(path), { recursive: true });
      const exists = await tryGit(repo, [
        'rev-parse',
        '--verify',
        '--quiet',
        `refs/heads/${branch}`,
      ]);
      if (exists) {
        await git(repo, ['worktree', 'add', path, branch]);
      } else {
        await git(repo, ['worktree', 'add', '-b', branch, path, await defaultBranch(repo)]);
      }
      return { created: true };
    },

    async commitAll(cwd, message) {
      // Git's auto maintenance is a process of its own after each commit: it is left to every
      // MAINTENANCE_EVERY-th save point (it only packs once thousands of objects are loose).
      const maintain = ++commits % MAINTENANCE_EVERY === 0;
      // --no-verify: this commit is a save point of the agent's work, not a quality gate.
      const commit = [
        ...(await commitArgs(cwd)),
        ...(maintain ? [] : ['-c', 'maintenance.auto=false']),
        'commit',
        '--no-verify',
        '--quiet',
        '-m',
        message,
      ];
      let committed;
      if (guarded) {
        // The staged files are searched for secrets before anything is committed.
        await git(cwd, ['add', '--all']);
        const staged = (await git(cwd, ['diff', '--cached', '--name-only', '-z']))
          .split('\0')
          .filter(Boolean);
        if (staged.length === 0) return { committed: false };
        const leaks = await stagedSecrets(cwd, staged, policy.secrets);
        if (leaks.size > 0) {
          await git(cwd, ['reset', '--quiet']);
          const list = [...leaks]
            .map(([file, names]) => `${file} (${names.join(', ')})`)
            .join('; ');
          throw new SecretLeakError(
            `refusing to commit: ${list} contain the value of a secret; remove it and resume`,
          );
        }
        committed = await runGit(cwd, commit);
      } else {
        // Without secrets to search for, staging and committing are one process start, and the
        // commit itself says whether there was something to commit.
        committed = await addAndCommit(cwd, commit);
        if (committed.code === ADD_FAILED) {
          // git's own error lines first: its advice after them would hide the cause.
          const lines = committed.stderr.trim().split('\n');
          const errors = lines.filter((line) => /^(fatal|error):/.test(line));
          throw new Error(
            `git add --all failed: ${(errors.length ? errors : lines.slice(-3)).join(' ')}`,
          );
        }
      }
      if (committed.code === 0) return { committed: true };
      // Nothing staged: git refuses the commit (exit 1), which is an outcome, not a failure.
      const nothing = await runGit(cwd, ['diff', '--cached', '--quiet']);
      if (nothing.code === 0) return { committed: false };
      const detail = (committed.stderr || committed.stdout || '')
        .trim()
        .split('\n')
        .slice(-3)
        .join(' ');
      throw new Error(`git commit failed (exit ${committed.code}): ${detail}`);
    },

    async remoteBranches(cwd, prefix) {
      const out = await git(cwd, ['ls-remote', '--heads', 'origin'], fetchEnv);
      return out
        .split('\n')
        .map((line) => line.split('\t')[1]?.replace(/^refs\/heads\//, '') ?? '')
        .filter((name) => name.startsWith(prefix))
        .sort();
    },

    async checkoutBranch(cwd, branch, base, known) {
      const exists =
        known ??
        (await git(cwd, ['ls-remote', '--heads', 'origin', `refs/heads/${branch}`], fetchEnv)) !==
          '';
      const from = exists ? branch : base;
      // The runner's checkout usually has the base already: no need to fetch it again.
      const local =
        !exists &&
        (await tryGit(cwd, ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${from}`]));
      if (!local) await fetchBranch(cwd, from, fetchEnv);
      await git(cwd, ['checkout', '--quiet', '-B', branch, `origin/${from}`]);
      return { created: !exists };
    },

    async hasCommit(cwd, branch, sha) {
      if (!/^[0-9a-f]{7,64}$/i.test(sha)) return false;
      const exists = await git(
        cwd,
        ['ls-remote', '--heads', 'origin', `refs/heads/${branch}`],
        fetchEnv,
      );
      if (exists === '') return false;
      await fetchBranch(cwd, branch, fetchEnv);
      const known = await tryGit(cwd, [
        'merge-base',
        '--is-ancestor',
        sha,
        `refs/remotes/origin/${branch}`,
      ]);
      return known !== undefined;
    },

    async readRemoteFile(cwd, branch, path) {
      await fetchBranch(cwd, branch, fetchEnv);
      const shown = await runGit(cwd, ['show', `refs/remotes/origin/${branch}:${path}`]);
      // Without its last newline, as the readers of these files have always had it.
      return shown.code === 0 ? shown.stdout.replace(/\r?\n$/, '') : null;
    },

    async listRemoteDir(cwd, branch, path) {
      await fetchBranch(cwd, branch, fetchEnv);
      const listed = await runGit(cwd, [
        'ls-tree',
        '--name-only',
        `refs/remotes/origin/${branch}`,
        `${path.replace(/\/+$/, '')}/`,
      ]);
      if (listed.code !== 0) return [];
      return listed.stdout
        .split('\n')
        .filter(Boolean)
        .map((p) => p.slice(p.lastIndexOf('/') + 1));
    },

    async headCommit(cwd) {
      return git(cwd, ['rev-parse', 'HEAD']);
    },

    async lastCodeCommit(cwd, exclude) {
      const sha = await git(cwd, [
        'log',
        '-1',
        '--format=%H',
        'HEAD',
        '--',
        '.',
        `:(exclude)${exclude}`,
      ]);
      // No commit of the (possibly shallow) history touched the code: HEAD stands for it.
      return sha || git(cwd, ['rev-parse', 'HEAD']);
    },

    async codeChanged(cwd, from, to, exclude) {
      const diff = await runGit(cwd, [
        'diff',
        '--quiet',
        from,
        to,
        '--',
        '.',
        `:(exclude)${exclude}`,
      ]);
      // 1: they differ; anything else (an unknown commit) counts as changed too.
      return diff.code !== 0;
    },

    async readFileAt(cwd, commit, path) {
      // Only a sha: the commit comes from a review or a comment, never an option or a ref name.
      if (!/^[0-9a-f]{7,40}$/i.test(commit)) return null;
      const shown = await runGit(cwd, ['show', `${commit}:${path}`]);
      return shown.code === 0 ? shown.stdout : null;
    },

    async push(cwd, branch) {
      for (let attempt = 1; ; attempt++) {
        // The commit checked is the commit pushed, even if the agent commits meanwhile.
        const tip = await git(cwd, ['rev-parse', '--verify', 'HEAD^{commit}']);
        const findings = await checkPush(cwd, tip, policy);
        if (findings.length > 0) throw new PushRefusedError(branch, findings);
        const sent = options.publisher
          ? await publish(options.publisher, cwd, branch, tip)
          : await gitPush(cwd, branch, tip);
        if (sent.ok) return;
        if (!sent.rejected || attempt >= 3) throw new Error(sent.error);
        // Someone pushed to the session branch: replay our commits on top of theirs, never force.
        const shallow = existsSync(`${cwd}/.git/shallow`);
        await git(
          cwd,
          [
            ...NO_AUTO_MAINTENANCE,
            'fetch',
            '--no-tags',
            '--quiet',
            ...(shallow ? ['--deepen=200'] : []),
            'origin',
            `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
          ],
          fetchEnv,
        );
        const rebased = await runGit(cwd, [
          ...(await commitArgs(cwd)),
          'rebase',
          '--quiet',
          `origin/${branch}`,
        ]);
        if (rebased.code !== 0) {
          const conflicted = await tryGit(cwd, ['diff', '--name-only', '--diff-filter=U']);
          await tryGit(cwd, ['rebase', '--abort']);
          throw new GitConflictError(branch, (conflicted ?? '').split('\n').filter(Boolean));
        }
      }
    },
  };
}

export const gitCli = createGit();
