// The continuation path and the loop: every run that finds its session (a continuation dispatched
// by the loop or the sweep, a comment, a review, a CI result, a start) catches up what people
// wrote, runs the loop and publishes the outcome. Permission rule: none of its own — it applies
// only comments and reviews whose authors pass `deny` (comment.ts, review.ts); a continuation or
// CI result carries no person and only continues the session it names. Catch-up: comments and
// reviews before the loop, between iterations (steer.ts) and whenever it stops at a gate.
import type { GithubRecord } from '../../core/github-record.js';
import { runSession } from '../run-session.js';
import type { RunResult } from '../run-session.js';
import {
  publish,
  recordPlanVersion,
  syncLabel,
  updateStatus,
  writeRecord,
} from '../github-session.js';
import type { GithubDeps, GithubSettings, OpenSession } from '../github-session.js';
import { checkCi } from './ci-result.js';
import { catchUpComments } from './comment.js';
import { catchUpReviews } from './review.js';
import { saveLast } from './record.js';
import { commitAndPush, saveAndPush } from './shared.js';
import type { FlowResult, LoopOptions } from './shared.js';
import { steerBetween } from './steer.js';

/**
 * Continues a session: applies the comments and the reviews it has not applied yet (the reviews
 * are skipped when the event's own review has just caught them up), saves them, runs the loop.
 */
export async function continueSession(
  deps: GithubDeps,
  s: GithubSettings,
  loop: LoopOptions,
  opened: OpenSession,
  reviewsCaughtUp: boolean,
): Promise<FlowResult> {
  let session = await catchUpComments(deps, s, opened);
  if (!reviewsCaughtUp) session = await catchUpReviews(deps, s, session);
  await saveAndPush(deps, s, session, 'apply comments and reviews');
  return runAndPublish(deps, s, loop, session);
}

export async function runAndPublish(
  deps: GithubDeps,
  s: GithubSettings,
  loop: LoopOptions,
  opened: OpenSession,
  announced?: Promise<GithubRecord>,
  pushed?: Promise<Error | undefined>,
  labelsReady: Promise<void> = Promise.resolve(),
): Promise<FlowResult> {
  let session = opened;
  let run: RunResult | undefined;
  let labelled: Promise<void> = Promise.resolve();
  const settle = async () => {
    // Work started alongside the first iteration lands in the session before anything is saved.
    await labelled;
    if (pushed) {
      const push = pushed;
      pushed = undefined;
      const failed = await push;
      if (failed) throw failed;
    }
    if (!announced) return;
    const record = await announced;
    announced = undefined;
    session = {
      ...session,
      record: {
        ...session.record,
        ...(record.statusCommentId !== undefined
          ? { statusCommentId: record.statusCommentId }
          : {}),
      },
    };
    await writeRecord(deps, session.name, session.record);
  };
  // A session in testing may have to wait for CI before its next iteration.
  session = await checkCi(deps, s, session);
  if (session.state !== opened.state) await saveAndPush(deps, s, session, 'check CI');
  let lastPoll = deps.clock.now().getTime();
  let lastStatus = lastPoll;
  // Comments that arrive while the loop works are applied when it stops, so an answer given
  // during a run is not left waiting for a run that may never come.
  for (let round = 0; round < 3 && session.state.status === 'running'; round++) {
    if (round === 0) {
      labelled = labelsReady
        .then(() => syncLabel(deps, session))
        .catch((error: Error) => s.warn(`could not update the labels: ${error.message}`));
    }
    run = await runSession(deps, {
      ...loop,
      session: session.name,
      workDir: s.workspace,
      branch: session.branch,
      hooks: {
        save: async (message) => {
          await settle();
          await deps.git.commitAll(s.workspace, message);
          await deps.branches.push(s.workspace, session.branch);
        },
        // GitHub is asked for new comments at most every `stopPollMs`, and the status comment is
        // edited when the phase changes or `statusIntervalMs` passed: quick iterations cost no calls.
        between: async (state) => {
          const checked = await checkCi(deps, s, { ...session, state });
          if (checked.state !== state) {
            session = checked;
            return { state: checked.state, message: 'check CI' };
          }
          const now = deps.clock.now().getTime();
          if (now - lastPoll < s.stopPollMs) return undefined;
          lastPoll = now;
          const before = { ...session, state };
          session = await steerBetween(deps, s, before);
          if (session.state === before.state) return undefined;
          lastStatus = now;
          await updateStatus(deps, s, session).then(
            (record) => {
              session = { ...session, record };
            },
            (error: Error) => s.warn(`could not update the status comment: ${error.message}`),
          );
          return { state: session.state, message: 'apply comments made during the run' };
        },
        afterIteration: async (state) => {
          const now = deps.clock.now().getTime();
          const due = state.phase !== session.state.phase || now - lastStatus >= s.statusIntervalMs;
          session = { ...session, state };
          if (!due) return;
          lastStatus = now;
          await updateStatus(deps, s, session);
        },
      },
    });
    session = { ...session, state: run.state };
    // The run's own budget is spent: the continuation carries on, not another round here.
    if (run.stop === 'run-limit' || run.stop === 'aborted') break;
    if (session.state.status === 'waiting') {
      // The new plan version is bound first, so an approval written while it was being made
      // counts for the old one.
      if (session.state.waitingFor === 'plan_approval')
        session = { ...session, record: await recordPlanVersion(deps, s, session) };
      session = await catchUpComments(deps, s, session);
      session = await catchUpReviews(deps, s, session);
      await saveAndPush(deps, s, session, 'apply comments made during the run');
      // Resumed (e.g. after a pause) in testing: CI is asked first, as at the start of a run.
      const resumed = session.state;
      session = await checkCi(deps, s, session);
      if (session.state !== resumed) await saveAndPush(deps, s, session, 'check CI');
    }
  }
  await settle();
  session = { ...session, record: await publish(deps, s, session, run) };
  await writeRecord(deps, session.name, session.record);
  // Commits only when something changed (a new PR, a posted questions round, an unsaved start).
  // When saving is what blocked the session (a conflict, a secret in a file), it fails again here:
  // the status comment already says why, and the next run records what this one could not.
  // A finished session's folder is kept under its record and leaves the branch here (record.ts).
  const last = session;
  await saveLast(deps, s, last, (what) => commitAndPush(deps, s, last, what)).catch(
    (error: Error) => s.warn(`could not save the GitHub state of the session: ${error.message}`),
  );
  const message = run
    ? `run ended: ${run.stop} after ${run.iterations} iterations`
    : `session is ${session.state.status}`;
  return { handled: true, message, session, ...(run ? { run } : {}) };
}
