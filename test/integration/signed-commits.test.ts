// The git adapter with a signing key, on real git and a key from ssh-keygen: the key file is
// private and goes away, every commit the adapter makes is signed — also those it replays on top
// of someone else's push — and the signing never lands in a git config or in another's commits.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGit, gitCli } from '../../src/adapters/git-cli.js';
import { writeSigningKey } from '../../src/adapters/signing-key-file.js';
import { pushFromOtherClone, repoWithOrigin, sh, tempDir } from '../support/temp.js';

function newKey(): { key: string; pub: string } {
  const file = join(tempDir('samocode-key-'), 'key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test', '-f', file]);
  return {
    key: readFileSync(file, 'utf8'),
    pub: readFileSync(`${file}.pub`, 'utf8').trim(),
  };
}

describe('signed commits through the git adapter', () => {
  it('writes the key 0600 in a private folder, names it, and removes it', async () => {
    const { key, pub } = newKey();
    const root = tempDir();
    const file = await writeSigningKey(key, root, 'input "signing-key"');
    expect(file.dir.startsWith(join(root, 'samocode-signing-'))).toBe(true);
    expect(statSync(file.dir).mode & 0o777).toBe(0o700);
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(readFileSync(file.path, 'utf8')).toBe(key);
    expect(file.publicKey.split(' ').slice(0, 2)).toEqual(pub.split(' ').slice(0, 2));
    expect(file.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]+$/);
    file.remove();
    expect(existsSync(file.dir)).toBe(false);
  });

  it("signs its commits and the ones it replays onto someone's push, and no one else's", async () => {
    const { key, pub } = newKey();
    const { repo, origin } = repoWithOrigin();
    const signing = await writeSigningKey(key, tempDir(), 'input "signing-key"');
    const git = createGit({
      identity: { name: 'Jane Doe', email: 'jane@example.com' },
      signingKey: signing.path,
    });
    const branch = 'samocode/1-signed';
    sh(repo, 'git', ['checkout', '-q', '-b', branch]);
    writeFileSync(join(repo, 'a.txt'), 'one\n');
    await git.commitAll(repo, 'first');
    await git.push(repo, branch);

    // Someone pushes to the session branch meanwhile; the next push replays ours on top.
    pushFromOtherClone(origin, branch, { 'b.txt': 'theirs\n' });
    writeFileSync(join(repo, 'a.txt'), 'two\n');
    await git.commitAll(repo, 'second');
    await git.push(repo, branch);

    const signers = join(tempDir(), 'allowed_signers');
    writeFileSync(signers, `jane@example.com namespaces="git" ${pub}\n`);
    const log = sh(origin, 'git', [
      '-c',
      `gpg.ssh.allowedSignersFile=${signers}`,
      'log',
      '--format=%G? %s %ce',
      `main..${branch}`,
    ]).split('\n');
    expect(log).toEqual([
      'G second jane@example.com',
      'N theirs test@example.com',
      'G first jane@example.com',
    ]);
    expect(sh(repo, 'git', ['config', '--list', '--local'])).not.toMatch(/gpg|signingkey/i);
    signing.remove();
  });

  it("signs as the repository's own git configuration says when given no key (the CLI)", async () => {
    const { repo } = repoWithOrigin();
    const keyPath = join(tempDir('samocode-key-'), 'key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyPath]);
    for (const [name, value] of [
      ['gpg.format', 'ssh'],
      ['user.signingkey', keyPath],
      ['commit.gpgsign', 'true'],
    ] as const)
      sh(repo, 'git', ['config', name, value]);
    writeFileSync(join(repo, 'c.txt'), 'mine\n');
    await gitCli.commitAll(repo, 'signed by my config');
    const signers = join(tempDir(), 'allowed_signers');
    writeFileSync(signers, `* namespaces="git" ${readFileSync(`${keyPath}.pub`, 'utf8')}`);
    expect(
      sh(repo, 'git', ['-c', `gpg.ssh.allowedSignersFile=${signers}`, 'log', '-1', '--format=%G?']),
    ).toBe('G');
  });

  it('says what to do when a branch rule refuses unsigned commits', async () => {
    const { repo, origin } = repoWithOrigin();
    // As GitHub answers a push that a "require signed commits" rule refuses.
    const hook = join(origin, 'hooks', 'pre-receive');
    writeFileSync(
      hook,
      [
        '#!/bin/sh',
        'echo "error: GH013: Repository rule violations found for refs/heads/samocode/2-x." >&2',
        'echo "- Commits must have verified signatures." >&2',
        'echo "  Found 1 violation:" >&2',
        'echo "  abc1234" >&2',
        'exit 1',
        '',
      ].join('\n'),
    );
    chmodSync(hook, 0o755);
    sh(repo, 'git', ['checkout', '-q', '-b', 'samocode/2-x']);
    writeFileSync(join(repo, 'a.txt'), 'x\n');
    await gitCli.commitAll(repo, 'unsigned');
    await expect(gitCli.push(repo, 'samocode/2-x')).rejects.toThrow(
      /git push to samocode\/2-x failed: .* — the branch takes verified signed commits only: sign them \(the action's signing-key and committer inputs/,
    );
  });
});
