// The SSH key that signs session commits, checked before anything is touched: git hands it to
// ssh-keygen, which would fail only at the first commit, after an agent ran for nothing, and would
// ask for a passphrase nobody can type on a runner. So: an OpenSSH private key, unencrypted.
// Also the committer the signature must match: GitHub shows a commit as verified only when its
// committer email is a verified email of the account that holds the key.

const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';
/** What every OpenSSH private key starts with once decoded (PROTOCOL.key). */
const MAGIC = 'openssh-key-v1\0';

export type SigningKeyResult = { ok: true; key: string } | { ok: false; error: string };

/** Reads one SSH string (uint32 length, then the bytes) of a binary string at `at`. */
function sshString(bytes: string, at: number): { text: string; next: number } | undefined {
  if (at + 4 > bytes.length) return undefined;
  let length = 0;
  for (let i = 0; i < 4; i++) length = length * 256 + bytes.charCodeAt(at + i);
  const start = at + 4;
  if (start + length > bytes.length) return undefined;
  return { text: bytes.slice(start, start + length), next: start + length };
}

/**
 * The key as ssh-keygen wants it (LF line ends, a final newline), or why it is not one it can use
 * without a passphrase. `setting` is the name messages give (`input "signing-key"`). Never shows
 * the key.
 */
export function parseSigningKey(text: string, setting: string): SigningKeyResult {
  const expected = `${setting} must be an unencrypted OpenSSH private key (the whole file ssh-keygen -t ed25519 -N '' writes, from "${BEGIN}" to "${END}")`;
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines[0] !== BEGIN || lines.at(-1) !== END) {
    const other = /^-----BEGIN ([A-Z ]+)-----$/.exec(lines[0] ?? '')?.[1];
    return {
      ok: false,
      error: other
        ? `${expected}; got a "${other}" (convert it with ssh-keygen -p -N '' -f <file>, which rewrites it in OpenSSH format)`
        : `${expected}; got something else (a public key, a path, or an empty secret?)`,
    };
  }
  const body = lines.slice(1, -1).join('');
  let bytes: string;
  try {
    bytes = atob(body);
  } catch {
    return { ok: false, error: `${expected}; its body is not base64` };
  }
  const cipher = bytes.startsWith(MAGIC) ? sshString(bytes, MAGIC.length) : undefined;
  if (!cipher) return { ok: false, error: `${expected}; its body is not an OpenSSH key` };
  if (cipher.text !== 'none')
    return {
      ok: false,
      error: `${expected}; this one is encrypted with a passphrase (remove it with ssh-keygen -p -N '' -f <file>, and keep the key in a secret)`,
    };
  return { ok: true, key: `${[BEGIN, ...lines.slice(1, -1), END].join('\n')}\n` };
}

export interface Committer {
  name: string;
  email: string;
}

/** `Name <email>`, as git writes it, or what was expected. */
export function parseCommitter(
  text: string,
  setting: string,
): { ok: true; committer: Committer } | { ok: false; error: string } {
  const match = /^([^<>\n]*[^<>\s])\s*<([^<>\s@]+@[^<>\s@]+)>$/.exec(text.trim());
  if (!match)
    return {
      ok: false,
      error: `${setting} must be a name and an email like "Jane Doe <jane@example.com>" (got "${text.trim()}")`,
    };
  return { ok: true, committer: { name: match[1] as string, email: match[2] as string } };
}
