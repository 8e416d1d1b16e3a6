// The signing key and the committer are checked before anything runs: a key ssh-keygen can use
// without a passphrase passes (however the secret's lines end), anything else is refused with a
// message that names the setting and the expected form and never shows the key.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCommitter, parseSigningKey } from '../../src/core/signing-key.js';
import { tempDir } from '../support/temp.js';

const SETTING = 'input "signing-key"';
const keys: Record<string, string> = {};

beforeAll(() => {
  const dir = tempDir('samocode-keys-');
  const make = (name: string, args: string[]) => {
    execFileSync('ssh-keygen', ['-q', ...args, '-f', join(dir, name)]);
    keys[name] = readFileSync(join(dir, name), 'utf8');
    keys[`${name}.pub`] = readFileSync(join(dir, `${name}.pub`), 'utf8');
  };
  make('plain', ['-t', 'ed25519', '-N', '']);
  make('locked', ['-t', 'ed25519', '-N', 'a passphrase']);
  make('pem', ['-t', 'rsa', '-b', '1024', '-m', 'PEM', '-N', '']);
});

const refusal = (text: string) => {
  const parsed = parseSigningKey(text, SETTING);
  if (parsed.ok) throw new Error('expected a refusal');
  return parsed.error;
};

describe('the signing key', () => {
  it('is an unencrypted OpenSSH key, returned with LF line ends and a final newline', () => {
    const key = keys.plain ?? '';
    expect(parseSigningKey(key, SETTING)).toEqual({ ok: true, key });
    const pasted = `\n  ${key.trim().replace(/\n/g, '\r\n')}  \n\n`;
    expect(parseSigningKey(pasted, SETTING)).toEqual({ ok: true, key });
  });

  it('refuses a key with a passphrase, saying how to remove it', () => {
    const error = refusal(keys.locked ?? '');
    expect(error).toContain('input "signing-key" must be an unencrypted OpenSSH private key');
    expect(error).toContain('encrypted with a passphrase');
    expect(error).toContain("ssh-keygen -p -N ''");
  });

  it('refuses other formats, public keys, paths and damaged keys', () => {
    expect(refusal(keys.pem ?? '')).toContain('got a "RSA PRIVATE KEY"');
    expect(refusal(keys['plain.pub'] ?? '')).toContain('got something else');
    expect(refusal('~/.ssh/id_ed25519')).toContain('got something else');
    const lines = (keys.plain ?? '').trim().split('\n');
    const notBase64 = [lines[0], '!!!', lines.at(-1)].join('\n');
    expect(refusal(notBase64)).toContain('not base64');
    const notSsh = [lines[0], btoa('something else entirely'), lines.at(-1)].join('\n');
    expect(refusal(notSsh)).toContain('not an OpenSSH key');
  });

  it('never shows the key in a refusal', () => {
    const body = (keys.locked ?? '').split('\n')[2] ?? '';
    expect(body.length).toBeGreaterThan(20);
    expect(refusal(keys.locked ?? '')).not.toContain(body);
  });
});

describe('the committer', () => {
  it('is a name and an email', () => {
    expect(parseCommitter(' Jane Doe <jane@example.com> ', 'input "committer"')).toEqual({
      ok: true,
      committer: { name: 'Jane Doe', email: 'jane@example.com' },
    });
  });

  it.each(['jane@example.com', 'Jane <jane>', '<jane@example.com>', 'Jane <a@b> x'])(
    'refuses %j, naming the setting and the form',
    (text) => {
      const parsed = parseCommitter(text, 'input "committer"');
      expect(parsed.ok).toBe(false);
      if (!parsed.ok)
        expect(parsed.error).toMatch(/^input "committer" must be a name and an email like/);
    },
  );
});
