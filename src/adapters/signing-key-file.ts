// The signing key as git's SSH signing needs it: a file (user.signingkey names a path), 0600 in a
// private folder of its own. The folder lies outside the workspace, in the runner's temp, which
// the sandbox hides; the action hides the folder by name too, so the key stays out of the agent's
// reach wherever the temp is. ssh-keygen reads it once here, so a key it cannot use stops the run
// before any session is touched, and the log can say which key signs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

export interface SigningKeyFile {
  /** The folder holding the key (and its public half): hide it from the agent. */
  dir: string;
  /** The private key, for `user.signingkey`. */
  path: string;
  /** `ssh-ed25519 AAAA…`: the half to add to a GitHub account as a signing key. */
  publicKey: string;
  /** `SHA256:…`, as GitHub lists the key. */
  fingerprint: string;
  remove(): void;
}

/** Writes `key` (already checked to be an unencrypted OpenSSH key) under `root`. */
export async function writeSigningKey(
  key: string,
  root: string,
  setting: string,
): Promise<SigningKeyFile> {
  const dir = mkdtempSync(join(root, 'samocode-signing-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const path = join(dir, 'key');
    writeFileSync(path, key, { mode: 0o600 });
    const derived = await execa('ssh-keygen', ['-y', '-f', path], {
      reject: false,
      stdin: 'ignore',
    });
    const cause = (derived as { cause?: unknown }).cause as NodeJS.ErrnoException | undefined;
    if (cause?.code === 'ENOENT')
      throw new Error(
        `${setting}: ssh-keygen (OpenSSH) is not on this runner, and git signs with it; install openssh-client`,
      );
    if (derived.exitCode !== 0)
      throw new Error(
        `${setting}: ssh-keygen cannot read the key (${derived.stderr.trim().split('\n').at(-1) ?? 'no reason given'}): pass the whole private key file ssh-keygen wrote, unencrypted`,
      );
    const publicKey = derived.stdout.trim();
    writeFileSync(`${path}.pub`, `${publicKey}\n`, { mode: 0o600 });
    const listed = await execa('ssh-keygen', ['-l', '-f', `${path}.pub`], {
      reject: false,
      stdin: 'ignore',
    });
    const fingerprint = /\b(SHA256:\S+)/.exec(listed.stdout)?.[1] ?? '(unknown fingerprint)';
    return { dir, path, publicKey, fingerprint, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/**
 * Git configuration that SSH-signs a commit with the key at `path`, for the action's own commits
 * only (given as `-c`, never written to a config file the agent's git would read too).
 */
export function signingArgs(path: string): string[] {
  return ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${path}`, '-c', 'commit.gpgsign=true'];
}
