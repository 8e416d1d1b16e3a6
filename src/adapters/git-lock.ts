// A session lock as a ref on origin (`refs/samocode/locks/<name>`) pointing at a small blob that
// names the holder. Creating and deleting it are compare-and-swap pushes (--force-with-lease),
// so two runs can never both hold it, whatever the timing. The pushes carry a blob the lock writes
// itself (a run id and a time), never a commit, so they need no check of what they send.
import { execa } from 'execa';
import type { LockHolder, SessionLock } from '../app/ports.js';
import type { RemoteAccess } from './git-auth.js';
import { fetchRef, git } from './git-cli.js';

const ref = (name: string) => `refs/samocode/locks/${name}`;

type Env = Record<string, string>;

async function remoteOid(cwd: string, name: string, env: Env): Promise<string | undefined> {
  const out = await git(cwd, ['ls-remote', 'origin', ref(name)], env);
  return out.split(/\s+/)[0] || undefined;
}

async function readHolder(cwd: string, name: string, oid: string, env: Env): Promise<LockHolder> {
  await fetchRef(cwd, `+${ref(name)}:${ref(name)}`, env);
  try {
    const parsed = JSON.parse(await git(cwd, ['cat-file', 'blob', oid])) as Partial<LockHolder>;
    return {
      runId: String(parsed.runId ?? 'unknown'),
      ...(typeof parsed.attempt === 'string' ? { attempt: parsed.attempt } : {}),
      since: String(parsed.since ?? ''),
    };
  } catch {
    return { runId: 'unknown', since: '' };
  }
}

async function write(
  cwd: string,
  name: string,
  holder: LockHolder,
  expected: string,
  env: Env,
): Promise<boolean> {
  const blob = (
    await execa('git', ['hash-object', '-w', '--stdin'], { cwd, input: JSON.stringify(holder) })
  ).stdout.trim();
  const pushed = await execa(
    'git',
    [
      'push',
      '--quiet',
      '--porcelain',
      `--force-with-lease=${ref(name)}:${expected}`,
      'origin',
      `${blob}:${ref(name)}`,
    ],
    { cwd, reject: false, stdin: 'ignore', env },
  );
  return pushed.exitCode === 0;
}

/**
 * The lock, talking to origin with `remote` (the action's credentials; none: the checkout's own).
 * Reading the holder uses the fetch environment, taking and releasing the push one.
 */
export function createGitLock(remote?: RemoteAccess): SessionLock {
  const reads = remote?.fetchEnv ?? {};
  const writes = remote?.pushEnv ?? {};
  return {
    async acquire(cwd, name, holder) {
      for (let attempt = 0; attempt < 3; attempt++) {
        if (await write(cwd, name, holder, '', writes)) return { acquired: true };
        const oid = await remoteOid(cwd, name, reads);
        if (oid) return { acquired: false, holder: await readHolder(cwd, name, oid, reads) };
        // Released between our push and our look: try again.
      }
      throw new Error(`could not take the session lock ${ref(name)} on origin`);
    },

    async takeOver(cwd, name, from, holder) {
      const oid = await remoteOid(cwd, name, reads);
      if (!oid) return write(cwd, name, holder, '', writes);
      const current = await readHolder(cwd, name, oid, reads);
      if (current.runId !== from.runId || current.since !== from.since) return false;
      return write(cwd, name, holder, oid, writes);
    },

    async holder(cwd, name) {
      const oid = await remoteOid(cwd, name, reads);
      return oid ? readHolder(cwd, name, oid, reads) : undefined;
    },

    async release(cwd, name, holder) {
      const oid = await remoteOid(cwd, name, reads);
      if (!oid) return;
      const current = await readHolder(cwd, name, oid, reads);
      if (current.runId !== holder.runId || current.since !== holder.since) return;
      await execa(
        'git',
        ['push', '--quiet', `--force-with-lease=${ref(name)}:${oid}`, 'origin', `:${ref(name)}`],
        { cwd, reject: false, stdin: 'ignore', env: writes },
      );
    },
  };
}
