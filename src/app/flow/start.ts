// The start path: a permitted person added the trigger label to an issue that has no session
// yet, assigned it to the trigger assignee, or commented `/samocode start` on it; a new session
// branch is made from the issue and the loop starts at once. Permission rule: the person who asked
// (who labelled, who assigned, who commented) is checked with `deny` at admission (github-flow.ts),
// before the lock is taken; the issue's title and body, and a start comment's note, are cleaned
// before the agent reads them, and the images in the body are fetched only when its author passes
// `deny` too. Catch-up: none here — an issue that already has a session branch is continued
// instead (github-flow.ts), and its comments are caught up by the run (a second
// `/samocode start` among them is answered there).
import type { Intent } from '../../core/github-event.js';
import { sessionBranch, taskFromIssue } from '../../core/issue-task.js';
import { fetchImages, findImages, saveImages, sessionFolder } from '../attached-images.js';
import { newSessionName, startSession } from '../session-actions.js';
import { ensureLabels, updateStatus, writeRecord } from '../github-session.js';
import type { GithubDeps, GithubSettings, OpenSession } from '../github-session.js';
import { runAndPublish } from './run.js';
import { clean, deny } from './shared.js';
import type { FlowResult, LoopOptions } from './shared.js';

export async function start(
  deps: GithubDeps,
  s: GithubSettings,
  loop: LoopOptions,
  intent: Extract<Intent, { kind: 'start' }>,
): Promise<FlowResult> {
  const number = intent.issue.number;
  const branch = sessionBranch(s.branchPrefix, number, intent.issue.title);
  await deps.branches.checkoutBranch(s.workspace, branch, s.baseBranch, false);
  const store = { store: deps.store, clock: deps.clock };
  const name = await newSessionName(store, `${number}-${intent.issue.title}`);
  const input = {
    what: 'the issue body',
    text: intent.issue.body,
    limit: 20_000,
    source: `issue-${number}`,
    from: { issue: number },
    folder: sessionFolder(s.sessionsDir, name),
  };
  const found = findImages(s, input);
  const body =
    deps.images && found.urls.length > 0 && (await authorPermitted(deps, s, intent))
      ? await fetchImages(deps.images, s, input, found)
      : { text: found.text, files: [] };
  const fromIssue = taskFromIssue(clean(s, 'the issue title', intent.issue.title, 300), body.text);
  const { dive } = fromIssue;
  const via = intent.via;
  // The note of a `/samocode start` comment is by the person who started the session, who is
  // permitted: its images are fetched like the issue body's.
  const noteInput =
    via.kind === 'comment'
      ? {
          what: 'the start comment',
          text: via.note,
          limit: 10_000,
          source: `comment-${via.commentId}`,
          from: { comment: via.commentId },
          folder: sessionFolder(s.sessionsDir, name),
        }
      : undefined;
  const noteFound = noteInput ? findImages(s, noteInput) : { text: '', urls: [] };
  const noteText =
    noteInput && deps.images && noteFound.urls.length > 0
      ? await fetchImages(deps.images, s, noteInput, noteFound)
      : { text: noteFound.text, files: [] };
  const note = noteText.text;
  const task = note
    ? `${fromIssue.task}\n\nNote from @${intent.actor.login} when starting the session:\n${note}`
    : fromIssue.task;
  const state = await startSession(store, { task, ...(dive ? { dive } : {}), name });
  await saveImages(deps.store, state.name, [...body.files, ...noteText.files]);
  const session: OpenSession = {
    name: state.name,
    branch,
    state,
    record: {
      version: 1,
      issue: number,
      branch,
      base: s.baseBranch,
      // The start comment asked for the session; it is no answer nor command for it.
      handled: via.kind === 'comment' ? [via.commentId] : [],
    },
  };
  await writeRecord(deps, session.name, session.record);
  await deps.git.commitAll(
    s.workspace,
    `samocode: ${session.name} start session for #${number} (@${intent.actor.login})`,
  );
  s.log(`started session ${session.name} on ${branch} for issue #${number}`);
  // The agent starts at once. Meanwhile the new session is pushed and the status comment posted;
  // both are awaited before the first iteration is saved, and the comment's id is recorded then.
  // A run killed in between leaves the session on origin, and the status comment is found again
  // rather than posted twice.
  // (A failure is kept, not thrown, until the first save raises it: nothing may reject unobserved.)
  const pushed = deps.branches.push(s.workspace, branch).then(
    () => undefined,
    (error: Error) => error,
  );
  const announced = updateStatus(deps, s, session).catch((error: Error) => {
    s.warn(`could not post the status comment: ${error.message}`);
    return session.record;
  });
  const labelsReady = Promise.all([
    ensureLabels(deps).catch((error: Error) =>
      s.warn(`could not create the labels: ${error.message}`),
    ),
    markIssue(deps, s, intent).catch((error: Error) =>
      s.warn(`could not add the "${s.triggerLabel ?? ''}" label: ${error.message}`),
    ),
  ]).then(() => undefined);
  return runAndPublish(deps, s, loop, session, announced, pushed, labelsReady);
}

/**
 * A session started by assignment or by comment gets the trigger label too: the label is what
 * the example workflow lets the issue's comments through by, and what a person removes to stop it.
 */
async function markIssue(
  deps: GithubDeps,
  s: GithubSettings,
  intent: Extract<Intent, { kind: 'start' }>,
): Promise<void> {
  if (intent.via.kind === 'label' || !s.triggerLabel) return;
  await deps.issues.addLabel(intent.issue.number, s.triggerLabel);
}

/**
 * Whether the issue's author may have the images of its body fetched: the person who added the
 * label passed admission, but the body is the author's, who may be a stranger.
 */
async function authorPermitted(
  deps: GithubDeps,
  s: GithubSettings,
  intent: Extract<Intent, { kind: 'start' }>,
): Promise<boolean> {
  const author = intent.issue.author;
  if (!author) {
    s.log('images in the issue body not fetched: the event does not name its author');
    return false;
  }
  if (author.login === intent.actor.login) return true;
  const denied = await deny(deps, s, author);
  if (denied) s.log(`images in the issue body not fetched: ${denied}`);
  return denied === undefined;
}
