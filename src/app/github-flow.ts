// One Action run: turn a GitHub event into what it means for its session and route it to its path.
// This file holds only admission (who may start the agent at all), the session lock and routing;
// each path, its permission rule and its catch-up live in flow/: start.ts, comment.ts, review.ts,
// ci-result.ts, run.ts (continuations and the loop), steer.ts (between iterations). The scheduled
// sweep that dispatches continuations for dead runs is sweep.ts.
import type { Intent } from '../core/github-event.js';
import { issueOfBranch } from '../core/issue-task.js';
import type { LockHolder } from './ports.js';
import type { GithubDeps, GithubSettings } from './github-session.js';
import { notSessionCommit } from './flow/ci-result.js';
import { catchUpReviews, dismissReview, notSessionPr } from './flow/review.js';
import { openSession } from './flow/record.js';
import { continueSession } from './flow/run.js';
import { deny, ignored, stop } from './flow/shared.js';
import type { FlowResult, LoopOptions } from './flow/shared.js';
import { start } from './flow/start.js';

export type { FlowResult, LoopOptions } from './flow/shared.js';

export async function handleIntent(
  deps: GithubDeps,
  s: GithubSettings,
  loop: LoopOptions,
  intent: Intent,
): Promise<FlowResult> {
  if (intent.kind === 'ignore') return ignored(intent.reason);
  // Only what a permitted person did, a continuation or a CI result of the session itself starts
  // the agent; anything else ends here, before the lock is taken.
  const actor =
    intent.kind === 'review'
      ? intent.review.author
      : intent.kind === 'comment'
        ? intent.comment.author
        : intent.kind === 'start' || intent.kind === 'stop' || intent.kind === 'dismiss'
          ? intent.actor
          : undefined;
  const issue =
    intent.kind === 'start'
      ? intent.issue.number
      : intent.kind === 'review' || intent.kind === 'ci' || intent.kind === 'dismiss'
        ? issueOfBranch(s.branchPrefix, intent.branch)
        : intent.issue;
  if (issue === undefined) return ignored('the pull request is not on a session branch');
  if (intent.kind === 'ci') {
    const foreign = await notSessionCommit(deps, s, intent);
    if (foreign) return ignored(foreign);
  }
  const denied = actor ? await deny(deps, s, actor) : undefined;
  if (denied) return ignored(`${intent.kind} ignored: ${denied}`);
  // One run per session at a time, whatever the events: the lock lives on origin, next to the branch.
  const holder: LockHolder = {
    runId: s.runId ?? 'local',
    ...(s.runAttempt ? { attempt: s.runAttempt } : {}),
    since: deps.clock.now().toISOString(),
  };
  const lockName = `issue-${issue}`;
  // The session branch is looked up meanwhile (it is only read).
  const [busy, branch] = await Promise.all([
    acquireLock(deps, s, lockName, holder),
    intent.kind === 'review' || intent.kind === 'ci' || intent.kind === 'dismiss'
      ? Promise.resolve(intent.branch)
      : findBranch(deps, s, issue),
  ]);
  if (busy) return { handled: false, busy: true, message: busy };
  try {
    return await handleUnlocked(deps, s, loop, intent, issue, branch);
  } finally {
    await deps.lock
      .release(s.workspace, lockName, holder)
      .catch((error: Error) => s.warn(`could not release the session lock: ${error.message}`));
  }
}

async function acquireLock(
  deps: GithubDeps,
  s: GithubSettings,
  name: string,
  holder: LockHolder,
): Promise<string | undefined> {
  const taken = await deps.lock.acquire(s.workspace, name, holder);
  if (taken.acquired) return undefined;
  const held = taken.holder;
  const who = `run ${held.runId}${held.attempt ? ` (attempt ${held.attempt})` : ''}`;
  // A run has one attempt going at a time: an earlier attempt of this very run is gone.
  const earlierAttempt =
    held.runId === holder.runId && (held.attempt ?? '1') !== (holder.attempt ?? '1');
  if (!earlierAttempt && (await deps.runs.isActive(held.runId))) {
    return (
      `the session is busy: ${who} has been working on it since ${held.since}; ` +
      "it (or the next run) applies this event's comments and reviews"
    );
  }
  // The holder died (runner lost, job cancelled): its lock is stale.
  s.log(`taking over the session lock from ${who}, which is no longer running`);
  if (await deps.lock.takeOver(s.workspace, name, taken.holder, holder)) return undefined;
  return 'the session lock changed hands while taking it over; another run is working on the session';
}

async function handleUnlocked(
  deps: GithubDeps,
  s: GithubSettings,
  loop: LoopOptions,
  intent: Exclude<Intent, { kind: 'ignore' }>,
  issue: number,
  branch: string | undefined,
): Promise<FlowResult> {
  if (intent.kind === 'start') {
    if (!branch) return start(deps, s, loop, intent);
    // The issue already has a session (labelled again, or its first run died early): it goes on.
    s.log(`issue #${issue} already has session branch ${branch}; continuing it`);
    return handleUnlocked(deps, s, loop, { kind: 'continue', issue }, issue, branch);
  }
  if (!branch) {
    return ignored(`issue #${issue} has no session (no ${s.branchPrefix}${issue}-* branch)`);
  }
  await deps.branches.checkoutBranch(s.workspace, branch, s.baseBranch, true);
  // A done session's folder may have left the branch: it comes back from the session's record.
  let session = await openSession(deps, s, issue, branch);
  if (!session) return ignored(`branch ${branch} holds no session for issue #${issue}`);

  // A close or unlabel by a permitted person (admitted above) stops the session.
  if (intent.kind === 'stop') {
    session = await stop(deps, session, intent.why);
  } else if (intent.kind === 'review' || intent.kind === 'dismiss') {
    const elsewhere = notSessionPr(session.record, intent);
    if (elsewhere) return ignored(elsewhere);
    // The event's own review is applied in its place among those its run has not applied yet.
    session =
      intent.kind === 'review'
        ? await catchUpReviews(deps, s, session, intent.review)
        : await dismissReview(deps, s, session, intent.reviewId, intent.actor);
  }
  return continueSession(deps, s, loop, session, intent.kind === 'review');
}

async function findBranch(
  deps: GithubDeps,
  s: GithubSettings,
  issue: number,
): Promise<string | undefined> {
  const candidates = await deps.branches.remoteBranches(s.workspace, `${s.branchPrefix}${issue}`);
  return candidates.find((b) => issueOfBranch(s.branchPrefix, b) === issue);
}
