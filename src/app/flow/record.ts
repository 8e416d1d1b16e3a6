// The session folder and the pull request (input `keep-session-folder`, off by default). Every save
// commits the folder to the session branch, so that a run can die and the next one resumes from
// the branch. When the session is done and the folder is not to be kept, the run ends by keeping
// the folder under its record ref on origin (`refs/samocode/sessions/<session>`) and then committing
// its removal: the pull request brings the code to the base branch, not the session's notes.
// Everything that reads the session from the branch later (a comment or review on the done session,
// `/samocode reopen`, a replay of the event that finished it) finds the folder through
// `openSession`, which restores it from the record; a reopened session carries it on its branch again until it is
// done once more. Order matters: the removal is committed only once the record is on origin, so a
// run that dies in between leaves the folder on the branch and the next run finishes the job.
import { parseGithubRecord } from '../../core/github-record.js';
import { recordRef, recordsOfIssue } from '../../core/session-record-ref.js';
import {
  GITHUB_FILE,
  findIssueSession,
  leavesBranch,
  sessionFilePath,
  sessionFolderPath,
} from '../github-session.js';
import type { GithubDeps, GithubSettings, OpenSession } from '../github-session.js';
import { FILES } from '../session-files.js';

/**
 * The session of `issue` on the checked-out `branch`; when the branch no longer carries its folder,
 * the folder is put back (uncommitted) from the session's record.
 */
export async function openSession(
  deps: GithubDeps,
  s: GithubSettings,
  issue: number,
  branch: string,
): Promise<OpenSession | undefined> {
  const found = await findIssueSession(deps, issue, branch);
  if (found) return found;
  for (const name of recordsOfIssue(await deps.records.list(s.workspace), issue)) {
    const text = await deps.records.read(s.workspace, name, sessionFilePath(s, name, GITHUB_FILE));
    const parsed = parseGithubRecord(text ?? '');
    if (!parsed.ok || parsed.record.issue !== issue || parsed.record.branch !== branch) continue;
    await deps.records.restore(s.workspace, name, sessionFolderPath(s, name));
    s.log(`restored the session folder of ${name} from ${recordRef(name)}`);
    return findIssueSession(deps, issue, branch);
  }
  return undefined;
}

/**
 * The last save of a run. A session whose folder stays on the branch is committed and pushed as
 * any save; a finished one whose folder leaves it is kept under its record, then removed from the
 * branch. Replaying the run that finished it changes nothing on origin.
 */
export async function saveLast(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
  save: (what: string) => Promise<void>,
): Promise<void> {
  if (!leavesBranch(s, session.state)) return save('record GitHub state');
  const folder = sessionFolderPath(s, session.name);
  // Still on the branch (the run that finished it, or one that died before the removal): what the
  // run changed is committed there first, so the last commit with the folder is the branch's own.
  const head = await deps.branches.headCommit(s.workspace);
  const onBranch = await deps.branches.readFileAt(s.workspace, head, `${folder}/${FILES.state}`);
  if (onBranch !== null) await save('record GitHub state');
  const kept = await deps.records.keep(s.workspace, session.name, folder);
  if (kept.pushed) s.log(`the session folder is kept at ${recordRef(session.name)} on origin`);
  const removed = await deps.records.untrack(
    s.workspace,
    folder,
    `samocode: ${session.name} remove session folder (kept at ${recordRef(session.name)})`,
  );
  if (removed.committed) await deps.branches.push(s.workspace, session.branch);
}
