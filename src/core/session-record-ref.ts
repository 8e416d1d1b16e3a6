// Where a finished session's folder is kept when the pull request does not carry it: a ref on
// origin, `refs/samocode/sessions/<session>`, pointing at the last commit that holds the folder.
// A ref outside refs/heads and refs/tags is no branch and no tag: merging, deleting or pruning the
// session branch leaves it alone, it starts no workflow, and clones do not fetch it unless asked.

export const RECORD_REF_PREFIX = 'refs/samocode/sessions/';

export function recordRef(session: string): string {
  return `${RECORD_REF_PREFIX}${session}`;
}

/** The commands that put the folder back into a checkout (without staging it). */
export function restoreCommand(session: string, folder: string): string {
  return `git fetch origin ${recordRef(session)} && git restore --source=FETCH_HEAD -- ${folder}`;
}

/**
 * The kept sessions that may belong to `issue`, newest first. A session started from an issue is
 * named `YY-MM-DD-<issue>-<slug>`: the name narrows the search, the session's own `_github.json`
 * decides (the caller reads it).
 */
export function recordsOfIssue(refs: readonly string[], issue: number): string[] {
  const name = new RegExp(`^\\d{2}-\\d{2}-\\d{2}-${issue}(?:-|$)`);
  return refs
    .filter((ref) => ref.startsWith(RECORD_REF_PREFIX))
    .map((ref) => ref.slice(RECORD_REF_PREFIX.length))
    .filter((session) => name.test(session))
    .sort()
    .reverse();
}
