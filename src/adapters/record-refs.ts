// Session records as refs on origin (`refs/samocode/sessions/<session>`, core/session-record-ref.ts).
// Keeping one is a push of a commit: it passes the same check as every push of the run (no secret,
// no CI definition unless allowed), and a lease on the value just read, so that two runs never
// overwrite each other's record unseen (the session lock makes that rare already). The record is
// fetched into the same ref locally; the workspace guard deletes refs the run created.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionRecords } from '../app/ports.js';
import { RECORD_REF_PREFIX, recordRef } from '../core/session-record-ref.js';
import type { RemoteAccess } from './git-auth.js';
import { fetchRef, git, identityArgs } from './git-cli.js';
import type { Identity } from './git-cli.js';
import { PushRefusedError, checkPush } from './push-check.js';
import { runGit } from './run-git.js';
import type { PushPolicy } from './push-check.js';

export interface RecordOptions {
  remote?: RemoteAccess;
  policy: PushPolicy;
  identity?: Identity;
}

function attempt(cwd: string, args: readonly string[], env?: Record<string, string>) {
  return runGit(cwd, args, undefined, env);
}

export function createRecordRefs(options: RecordOptions): SessionRecords {
  const fetchEnv = options.remote?.fetchEnv ?? {};
  const pushEnv = options.remote?.pushEnv ?? {};

  /** The record's commit on origin, fetched, or undefined when origin has none. */
  const fetchRecord = async (cwd: string, session: string): Promise<string | undefined> => {
    const ref = recordRef(session);
    const listed = await git(cwd, ['ls-remote', 'origin', ref], fetchEnv);
    const oid = listed.split(/\s+/)[0];
    if (!oid) return undefined;
    await fetchRef(cwd, `+${ref}:${ref}`, fetchEnv);
    return oid;
  };

  /** The tree id of `path` at `commit`, or '' when the commit does not have it. */
  const treeOf = async (cwd: string, commit: string, path: string) =>
    (await attempt(cwd, ['rev-parse', '--verify', '--quiet', `${commit}:${path}`])).stdout.trim();

  return {
    async list(cwd) {
      const out = await git(cwd, ['ls-remote', 'origin', `${RECORD_REF_PREFIX}*`], fetchEnv);
      return out
        .split('\n')
        .map((line) => line.split('\t')[1] ?? '')
        .filter(Boolean);
    },

    async read(cwd, session, path) {
      const oid = await fetchRecord(cwd, session);
      if (!oid) return null;
      const shown = await attempt(cwd, ['show', `${oid}:${path}`]);
      return shown.code === 0 ? shown.stdout.replace(/\r?\n$/, '') : null;
    },

    async restore(cwd, session, folder) {
      const oid = await fetchRecord(cwd, session);
      if (!oid) throw new Error(`origin has no ${recordRef(session)}`);
      // Into the working tree only, like any change a run makes to the session: whether it is
      // committed to the branch again is the flow's decision.
      await git(cwd, ['restore', `--source=${oid}`, '--', folder]);
    },

    async keep(cwd, session, folder) {
      const ref = recordRef(session);
      // HEAD's tree with the folder as it is on disk, built in an index of its own: the checkout's
      // index is left as it is.
      const index = join(tmpdir(), `samocode-record-${process.pid}-${Date.now()}`);
      const env = { GIT_INDEX_FILE: index };
      let commit: string;
      try {
        await git(cwd, ['read-tree', 'HEAD'], env);
        await git(cwd, ['add', '--all', '--', folder], env);
        const tree = await git(cwd, ['write-tree'], env);
        const head = await git(cwd, ['rev-parse', 'HEAD']);
        commit =
          tree === (await git(cwd, ['rev-parse', 'HEAD^{tree}']))
            ? head
            : await git(cwd, [
                ...(await identityArgs(cwd, options.identity)),
                'commit-tree',
                tree,
                '-p',
                head,
                '-m',
                `samocode: ${session} session record`,
              ]);
      } finally {
        await rm(index, { force: true });
      }
      const current = await fetchRecord(cwd, session);
      if (current && (await treeOf(cwd, current, folder)) === (await treeOf(cwd, commit, folder)))
        return { pushed: false };
      const findings = await checkPush(cwd, commit, options.policy);
      if (findings.length > 0) throw new PushRefusedError(ref, findings);
      const pushed = await attempt(
        cwd,
        [
          'push',
          '--quiet',
          `--force-with-lease=${ref}:${current ?? ''}`,
          'origin',
          `${commit}:${ref}`,
        ],
        pushEnv,
      );
      if (pushed.code !== 0)
        throw new Error(
          `git push to ${ref} failed: ${pushed.stderr.trim().split('\n').slice(-2).join(' ')}`,
        );
      return { pushed: true };
    },

    async untrack(cwd, folder, message) {
      await git(cwd, ['rm', '-r', '-q', '--cached', '--ignore-unmatch', '--', folder]);
      const staged = await attempt(cwd, ['diff', '--cached', '--quiet', 'HEAD', '--', folder]);
      if (staged.code === 0) return { committed: false };
      // --no-verify, as every save of the session. The index holds nothing else: the session was
      // saved before, and a folder restored from its record was never staged.
      await git(cwd, [
        ...(await identityArgs(cwd, options.identity)),
        'commit',
        '--no-verify',
        '--quiet',
        '-m',
        message,
      ]);
      return { committed: true };
    },
  };
}
