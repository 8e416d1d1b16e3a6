// The CI-result path: a finished check suite or workflow run of the session branch. Permission
// rule: it has no person to check (forks are refused in core/github-event); it counts only when
// its commit is on the session branch as pushed to origin (`notSessionCommit`; a fork's branch of
// the same name, or a commit gone from the branch, is ignored before the lock is taken). What it
// changes is decided by the CI gate (`ci-gate.ts`), which every run asks before its next iteration
// in testing (`checkCi`), so a result whose own run found the session busy is caught up by the run
// holding it.
import type { Intent } from '../../core/github-event.js';
import { ciGate } from '../ci-gate.js';
import type { GithubDeps, GithubSettings, OpenSession } from '../github-session.js';

/** Why a CI result is not the session branch's own, or undefined when it is. */
export async function notSessionCommit(
  deps: GithubDeps,
  s: GithubSettings,
  intent: Extract<Intent, { kind: 'ci' }>,
): Promise<string | undefined> {
  if (await deps.branches.hasCommit(s.workspace, intent.branch, intent.sha)) return undefined;
  return `ci ignored: ${intent.sha.slice(0, 7)} is not a commit of ${intent.branch} (a fork's branch of that name, or gone)`;
}

/** The CI gate; a GitHub that will not show the checks is reported, and the session goes on. */
export async function checkCi(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
): Promise<OpenSession> {
  try {
    return await ciGate(deps, s, session);
  } catch (error) {
    s.warn(
      `wait-for-ci: could not read the checks of the session's commit (${(error as Error).message}); ` +
        'the workflow needs "checks: read" and "actions: read". Going on without CI results.',
    );
    return session;
  }
}
