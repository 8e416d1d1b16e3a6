// The copy of a repository's .git/config that a sandboxed agent may read: the same remotes, branches
// and settings, without what would let it act as the job — the extra HTTP headers actions/checkout
// persists (the job token), credential helpers, passwords in remote URLs, and any secret value.

/** Sections whose every line is dropped: they only say how to authenticate. */
const CREDENTIAL_SECTION = /^\s*\[\s*credential\b/i;
const SECTION = /^\s*\[/;
const DROPPED_KEY = /^\s*(extraheader|sslcert|sslkey|sslcertpasswordprotected|cookiefile)\s*=/i;
const URL_KEY = /^(\s*(?:url|pushurl|insteadof|pushinsteadof)\s*=\s*)(.*)$/i;

export function sanitizeGitConfig(text: string, secrets: readonly string[]): string {
  const out: string[] = [];
  let inCredential = false;
  for (const line of text.split('\n')) {
    if (SECTION.test(line)) inCredential = CREDENTIAL_SECTION.test(line);
    if (inCredential) continue;
    if (DROPPED_KEY.test(line)) continue;
    const url = URL_KEY.exec(line);
    // https://user:token@host/… → https://host/…
    out.push(
      url ? `${url[1]}${(url[2] ?? '').replace(/^([a-z][\w+.-]*:\/\/)[^@/]*@/i, '$1')}` : line,
    );
  }
  let result = out.join('\n');
  for (const secret of secrets) if (secret.length >= 8) result = result.split(secret).join('***');
  return result;
}
