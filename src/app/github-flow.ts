// One Action run: turn a GitHub event into what it means for its session — start it, apply the
// comments and reviews not yet applied, run the loop — then show the outcome on GitHub.
import { decideAccess } from '../core/access.js';
import { slashCommand } from '../core/github-event.js';
import { reopen } from './session-lifecycle.js';
import type { Actor, Intent, ReviewInfo } from '../core/github-event.js';
import { cleanUntrusted } from '../core/untrusted-text.js';
import { markHandled, wasHandled } from '../core/github-record.js';
import type { GithubRecord } from '../core/github-record.js';
import { isOwnComment, replyComment, whatToDo } from '../core/github-render.js';
import { block } from '../core/iteration.js';
import { issueOfBranch, sessionBranch, taskFromIssue } from '../core/issue-task.js';
import { ciGate } from './ci-gate.js';
import { PHASES } from '../core/phases.js';
import type { SessionState } from '../core/session-state.js';
import type { IssueComment, LockHolder } from './ports.js';
import { runSession } from './run-session.js';
import type { RunOptions, RunResult } from './run-session.js';
import { SessionError, appendHistory, saveState, syncOverviewFile } from './session-files.js';
import {
  answerQuestions,
  approve,
  budget,
  pause,
  requestChanges,
  resume,
  rewind,
  skip,
  startSession,
  withdraw,
} from './session-actions.js';
import {
  ensureLabels,
  findIssueSession,
  planHash,
  recordPlanVersion,
  publish,
  syncLabel,
  updateStatus,
  writeRecord,
} from './github-session.js';
import type { GithubDeps, GithubSettings, OpenSession } from './github-session.js';

export type LoopOptions = Omit<RunOptions, 'session' | 'workDir' | 'branch' | 'hooks'>;

export interface FlowResult {
  handled: boolean;
  /** Another run holds the session: this one did nothing and its input waits for that run. */
  busy?: boolean;
  message: string;
  session?: OpenSession;
  run?: RunResult;
}

const ignored = (message: string): FlowResult => ({ handled: false, message });

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
  if (
    intent.kind === 'ci' &&
    !(await deps.branches.hasCommit(s.workspace, intent.branch, intent.sha))
  )
    return ignored(
      `ci ignored: ${intent.sha.slice(0, 7)} is not a commit of ${intent.branch} (a fork's branch of that name, or gone)`,
    );
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
  if (intent.kind === 'start') return start(deps, s, loop, intent, branch);
  if (!branch) {
    return ignored(`issue #${issue} has no session (no ${s.branchPrefix}${issue}-* branch)`);
  }
  await deps.branches.checkoutBranch(s.workspace, branch, s.baseBranch, true);
  let session = await findIssueSession(deps, issue, branch);
  if (!session) return ignored(`branch ${branch} holds no session for issue #${issue}`);

  if (intent.kind === 'stop') {
    session = await stop(deps, session, intent.why);
  } else if (intent.kind === 'review' || intent.kind === 'dismiss') {
    // Only the session's own pull request carries its plan; a review elsewhere approves nothing.
    if (session.record.pr?.number !== intent.pr)
      return ignored(
        `${intent.kind === 'review' ? 'review' : 'dismissal'} ignored: pull request #${intent.pr} is not the session's pull request${session.record.pr ? ` (#${session.record.pr.number})` : ''}`,
      );
    // The event's own review is applied in its place among those its run has not applied yet.
    session =
      intent.kind === 'review'
        ? await catchUpReviews(deps, s, session, intent.review)
        : await dismissReview(deps, s, session, intent.reviewId, intent.actor);
  }
  session = await catchUpComments(deps, s, session);
  if (intent.kind !== 'review') session = await catchUpReviews(deps, s, session);
  await saveAndPush(deps, s, session, 'apply comments and reviews');
  return runAndPublish(deps, s, loop, session);
}

async function findBranch(
  deps: GithubDeps,
  s: GithubSettings,
  issue: number,
): Promise<string | undefined> {
  const candidates = await deps.branches.remoteBranches(s.workspace, `${s.branchPrefix}${issue}`);
  return candidates.find((b) => issueOfBranch(s.branchPrefix, b) === issue);
}

async function start(
  deps: GithubDeps,
  s: GithubSettings,
  loop: LoopOptions,
  intent: Extract<Intent, { kind: 'start' }>,
  existing: string | undefined,
): Promise<FlowResult> {
  const number = intent.issue.number;
  if (existing) {
    s.log(`issue #${number} already has session branch ${existing}; continuing it`);
    return handleUnlocked(deps, s, loop, { kind: 'continue', issue: number }, number, existing);
  }
  const branch = sessionBranch(s.branchPrefix, number, intent.issue.title);
  await deps.branches.checkoutBranch(s.workspace, branch, s.baseBranch, false);
  const { task, dive } = taskFromIssue(
    clean(s, 'the issue title', intent.issue.title, 300),
    clean(s, 'the issue body', intent.issue.body, 20_000),
  );
  const state = await startSession(
    { store: deps.store, clock: deps.clock },
    { task, ...(dive ? { dive } : {}), slug: `${number}-${intent.issue.title}` },
  );
  const session: OpenSession = {
    name: state.name,
    branch,
    state,
    record: {
      version: 1,
      issue: number,
      branch,
      base: s.baseBranch,
      handled: [],
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
  const labelsReady = ensureLabels(deps).catch((error: Error) =>
    s.warn(`could not create the labels: ${error.message}`),
  );
  return runAndPublish(deps, s, loop, session, announced, pushed, labelsReady);
}

async function runAndPublish(
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
  await saveAndPush(deps, s, session, 'record GitHub state').catch((error: Error) =>
    s.warn(`could not save the GitHub state of the session: ${error.message}`),
  );
  const message = run
    ? `run ended: ${run.stop} after ${run.iterations} iterations`
    : `session is ${session.state.status}`;
  return { handled: true, message, session, ...(run ? { run } : {}) };
}

/** The CI gate; a GitHub that will not show the checks is reported, and the session goes on. */
async function checkCi(
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

async function saveAndPush(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
  what: string,
): Promise<void> {
  const saved = await deps.git.commitAll(s.workspace, `samocode: ${session.name} ${what}`);
  if (saved.committed) await deps.branches.push(s.workspace, session.branch);
}

async function stop(deps: GithubDeps, session: OpenSession, why: string): Promise<OpenSession> {
  if (session.state.status === 'done') return session;
  const now = deps.clock.now().toISOString();
  const state = block(session.state, 'stopped', why, now);
  await saveState(deps.store, state);
  await syncOverviewFile(deps.store, state, `yes — ${why}`);
  await appendHistory(deps.store, state.name, {
    kind: 'human',
    time: now,
    action: 'stop',
    phase: state.phase,
    message: why,
  });
  return { ...session, state };
}

/**
 * Between iterations: comments made during the run are applied at once (a stop, a pause, a rewind
 * …), so a person steering a long run is heard within an iteration; a closed issue stops the session.
 */
async function steerBetween(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
): Promise<OpenSession> {
  const issue = await deps.issues.getIssue(session.record.issue);
  // The close or unlabel event's own run found the session busy; this run sees it instead, and
  // stops only when the person who did it may steer the session.
  const label = s.triggerLabel;
  const seen: Array<'closed' | 'unlabeled'> = [];
  if (!issue.open) seen.push('closed');
  if (label !== undefined && !issue.labels.includes(label)) seen.push('unlabeled');
  const events = seen.length > 0 ? await deps.issues.closings(session.record.issue) : [];
  for (const what of seen) {
    const last = events
      .filter((e) => e.event === what && (what === 'closed' || e.label === label))
      .at(-1);
    const denied = last ? await deny(deps, s, last.actor) : 'the issue events do not say who';
    const done = what === 'closed' ? 'closed the issue' : `removed the "${label ?? ''}" label`;
    if (!denied && last) return stop(deps, session, `@${last.actor.login} ${done}`);
    s.log(
      `${last ? `@${last.actor.login}` : 'someone'} ${done}; the session goes on: ${denied ?? ''}`,
    );
  }
  return catchUpComments(deps, s, session);
}

/**
 * Comments older than the session's status comment were written before the session existed and
 * are never read as answers or commands. GitHub's ids only grow, so this needs no clock.
 */
function isBefore(record: GithubRecord, commentId: number): boolean {
  return record.statusCommentId !== undefined && commentId <= record.statusCommentId;
}

/**
 * Applies, in order, every comment on the issue that the session has not applied yet: the event's
 * own comment and any whose runs were cancelled or are still queued. Each is applied once.
 */
async function catchUpComments(
  deps: GithubDeps,
  s: GithubSettings,
  opened: OpenSession,
): Promise<OpenSession> {
  let session = opened;
  const comments = await deps.issues.listComments(
    session.record.issue,
    session.record.seenCommentsUntil,
  );
  for (const comment of comments) {
    if (isBefore(session.record, comment.id)) continue;
    if (
      wasHandled(session.record, comment.id) ||
      comment.author.isBot ||
      isOwnComment(comment.body)
    )
      continue;
    const denied = await deny(deps, s, comment.author);
    if (denied) {
      // Never written into the session, never shown to the agent; only the log says why.
      s.log(`comment ${comment.id} ignored: ${denied}`);
    } else {
      const body = clean(s, `comment ${comment.id}`, comment.body, 10_000);
      session = await applyComment(deps, s, session, { ...comment, body });
    }
    session = { ...session, record: markHandled(session.record, comment.id) };
    if (!session.record.seenCommentsUntil || comment.createdAt > session.record.seenCommentsUntil) {
      session = { ...session, record: { ...session.record, seenCommentsUntil: comment.createdAt } };
    }
  }
  await writeRecord(deps, session.name, session.record);
  return session;
}

async function applyComment(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
  comment: IssueComment,
): Promise<OpenSession> {
  const store = { store: deps.store, clock: deps.clock };
  const login = comment.author.login;
  const who = `@${login}`;
  const reply = (text: string) =>
    deps.issues.createComment(session.record.issue, replyComment(text));
  const accepted = () => deps.issues.react(comment.id, 'eyes');
  const command = slashCommand(comment.body);
  const attempt = async (action: () => Promise<SessionState>): Promise<OpenSession> => {
    try {
      const state = await action();
      await accepted();
      const said = comment.body.trim().split('\n')[0]?.slice(0, 100) ?? '';
      return {
        ...session,
        state,
        record: { ...session.record, lastCommand: `\`${said}\` by ${who}` },
      };
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
      await reply(`${who} ${error.message}`);
      return session;
    }
  };
  if (command) {
    switch (command.kind) {
      case 'approve':
        return attempt(() =>
          approveBound(deps, s, session, {
            by: login,
            commentId: comment.id,
            ...(command.version ? { commit: command.version } : {}),
          }),
        );
      case 'resume':
        return attempt(() => resume(store, session.name, login));
      case 'pause':
        return attempt(() => pause(store, session.name, login));
      case 'skip':
        return attempt(() => skip(store, session.name, login));
      case 'rewind': {
        const rewound = await attempt(() => rewind(store, session.name, command.phase, login));
        // Back before the questions: the next round is posted even if it asks the same again.
        if (
          rewound.state.phase !== command.phase ||
          PHASES.indexOf(command.phase) > PHASES.indexOf('requirements')
        )
          return rewound;
        const { questionsPosted: _posted, ...record } = rewound.record;
        return { ...rewound, record };
      }
      case 'budget':
        return attempt(() => budget(store, session.name, command.usd, login));
      case 'reopen':
        return attempt(() => reopen(store, session.name, command.task, login));
      case 'stop': {
        await accepted();
        const stopped = await stop(deps, session, `${who} asked to stop`);
        return {
          ...stopped,
          record: { ...stopped.record, lastCommand: `\`/samocode stop\` by ${who}` },
        };
      }
      case 'status':
        await reply(
          `${whatToDo(session.state)} (phase ${session.state.phase}, iteration ${session.state.iteration})`,
        );
        return session;
      case 'invalid':
        await reply(`${who} ${command.error}.`);
        return session;
    }
  }
  if (session.state.status === 'waiting' && session.state.waitingFor === 'qa_answers') {
    try {
      const outcome = await answerQuestions(store, session.name, comment.body, login);
      await accepted();
      if (outcome.kind === 'incomplete') {
        const recorded = outcome.recorded.map((n) => `Q${n}`).join(', ');
        await reply(
          `Recorded ${recorded}. Still waiting for: ${outcome.missing.map((n) => `Q${n}`).join(', ')}.`,
        );
        return { ...session, state: outcome.state };
      }
      return { ...session, state: outcome.state };
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
      await reply(`${who} ${error.message}`);
      return session;
    }
  }
  s.log(
    `comment ${comment.id} by ${who}: no gate is open (session is ${session.state.status}); nothing to apply`,
  );
  return session;
}

async function applyReview(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
  pr: number,
  review: ReviewInfo,
): Promise<OpenSession> {
  if (wasHandled(session.record, review.id)) {
    s.log(`review ${review.id} was already applied`);
    return session;
  }
  const record: GithubRecord = markHandled(session.record, review.id);
  const store = { store: deps.store, clock: deps.clock };
  const waitingForPlan =
    session.state.status === 'waiting' && session.state.waitingFor === 'plan_approval';
  if (!waitingForPlan) {
    s.log(
      `review ${review.id} (${review.state}) by @${review.author.login}: the session is not waiting for plan approval`,
    );
    return { ...session, record };
  }
  if (review.state === 'approved') {
    try {
      const state = await approveBound(deps, s, session, {
        by: review.author.login,
        ...(review.commitId ? { commit: review.commitId } : {}),
      });
      const approval = { review: review.id, iteration: state.iteration };
      return { ...session, state, record: { ...record, approval } };
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
      await deps.issues.createComment(
        session.record.issue,
        replyComment(`@${review.author.login} ${error.message}`),
      );
      return { ...session, record };
    }
  }
  if (review.state === 'changes_requested' || review.state === 'commented') {
    const inline = (await deps.pulls.reviewComments(pr, review.id)).map((c) => ({
      ...c,
      body: clean(s, `an inline comment of review ${review.id}`, c.body, 5_000),
    }));
    review = { ...review, body: clean(s, `review ${review.id}`, review.body, 10_000) };
    if (!review.body.trim() && inline.length === 0) return { ...session, record };
    const feedback = [
      `Review by @${review.author.login} (${review.state.replace('_', ' ')}${review.commitId ? ` on ${review.commitId.slice(0, 7)}` : ''}):`,
      '',
      review.body.trim(),
      ...(inline.length > 0
        ? [
            '',
            '### Inline comments',
            ...inline.map((c) => `- \`${c.path}${c.line ? `:${c.line}` : ''}\` — ${c.body.trim()}`),
          ]
        : []),
    ].join('\n');
    const state = await requestChanges(store, session.name, feedback);
    return { ...session, state, record };
  }
  return { ...session, record };
}

/**
 * Applies, in order, every review on the session's pull request that it has not applied yet — the
 * event's own (`own`, in case GitHub does not list it yet) and any whose runs found the session
 * busy — each once, each author's permission checked as it is applied. Reviews speak to the plan
 * gate: while planning still works towards it they wait for it to open; once it has passed, a
 * review is logged and changes nothing. A review dismissed before it was applied is never applied.
 */
async function catchUpReviews(
  deps: GithubDeps,
  s: GithubSettings,
  opened: OpenSession,
  own?: ReviewInfo,
): Promise<OpenSession> {
  const pr = opened.record.pr?.number;
  const state = opened.state;
  const waiting = state.status === 'waiting' && state.waitingFor === 'plan_approval';
  if (pr === undefined || (!waiting && state.gates.planning !== 'passed')) {
    if (own) s.log(`review ${own.id} is applied when the plan gate opens`);
    return opened;
  }
  const listed = await deps.pulls.listReviews(pr);
  const reviews: ReviewInfo[] = [];
  for (const review of listed) {
    if (review.state === 'pending') continue;
    const since = opened.record.seenReviewsUntil;
    if (since && review.submittedAt && review.submittedAt < since) continue;
    reviews.push({ ...review, state: review.state });
  }
  if (own && !listed.some((r) => r.id === own.id)) reviews.push(own);
  let session = opened;
  for (const review of reviews) {
    if (wasHandled(session.record, review.id)) {
      if (review.id === own?.id) s.log(`review ${review.id} was already applied`);
      continue;
    }
    const gate = session.state;
    if (
      !(gate.status === 'waiting' && gate.waitingFor === 'plan_approval') &&
      gate.gates.planning !== 'passed'
    ) {
      s.log(`review ${review.id} is applied when the plan gate opens`);
      continue;
    }
    const denied = review.author.isBot
      ? `@${review.author.login} is a bot`
      : review.state === 'dismissed'
        ? 'it was dismissed before it was applied'
        : await deny(deps, s, review.author);
    if (denied) {
      s.log(`review ${review.id} ignored: ${denied}`);
      session = { ...session, record: markHandled(session.record, review.id) };
    } else {
      session = await applyReview(deps, s, session, pr, review);
    }
    const at = listed.find((r) => r.id === review.id)?.submittedAt;
    if (at && (!session.record.seenReviewsUntil || at > session.record.seenReviewsUntil))
      session = { ...session, record: { ...session.record, seenReviewsUntil: at } };
  }
  await writeRecord(deps, session.name, session.record);
  return session;
}

/**
 * A review was dismissed. One not applied yet never will be; the review that opened the plan gate
 * closes it again while implementation has not run an iteration since (after that, the session
 * goes on: `/samocode pause` or `rewind planning` stop it).
 */
async function dismissReview(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
  reviewId: number,
  by: Actor,
): Promise<OpenSession> {
  const approval = session.record.approval;
  const who = `@${by.login}`;
  if (approval?.review !== reviewId) {
    s.log(`review ${reviewId} was dismissed by ${who}; it did not open the plan gate`);
    return { ...session, record: markHandled(session.record, reviewId) };
  }
  const state = session.state;
  if (
    state.status !== 'running' ||
    state.phase !== 'implementation' ||
    state.iteration !== approval.iteration
  ) {
    s.log(
      `review ${reviewId} was dismissed by ${who} after implementation began; the session goes on`,
    );
    return session;
  }
  const withdrawn = await withdraw(
    { store: deps.store, clock: deps.clock },
    session.name,
    by.login,
  );
  const { approval: _withdrawn, ...record } = session.record;
  s.log(`review ${reviewId} was dismissed by ${who}: the plan waits for approval again`);
  return { ...session, state: withdrawn, record };
}

/**
 * Approves the plan only when the approval was given on the version under review: a review on a
 * commit whose plan differs, or a comment written before the current version was posted, is for
 * an older plan and leaves the gate closed (the error says where the new version is).
 */
async function approveBound(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
  given: { by: string; commit?: string; commentId?: number },
): Promise<SessionState> {
  const plan = session.record.plan;
  const waiting =
    session.state.status === 'waiting' && session.state.waitingFor === 'plan_approval';
  if (plan && waiting) {
    const current = `\`${plan.commit.slice(0, 7)}\` (${s.serverUrl.replace(/\/+$/, '')}/${s.repository}/blob/${plan.commit}/${plan.path})`;
    const retry = `; review that version and approve again`;
    if (given.commit) {
      const text = await deps.branches.readFileAt(s.workspace, given.commit, plan.path);
      if (text === null || planHash(text) !== plan.hash) {
        throw new SessionError(
          `that approval was given on \`${given.commit.slice(0, 7)}\`, not on the plan under review: the current version is ${current}${retry}`,
        );
      }
    } else if (given.commentId !== undefined && given.commentId <= plan.afterComment) {
      throw new SessionError(
        `that approval was written before the current version of the plan was posted: the plan under review is ${current}${retry}`,
      );
    }
  }
  return approve({ store: deps.store, clock: deps.clock }, session.name, given.by);
}

/** Why this person may not steer the session, or undefined when they may. */
async function deny(
  deps: GithubDeps,
  s: GithubSettings,
  actor: Actor,
): Promise<string | undefined> {
  if (actor.isBot) return `@${actor.login} is a bot`;
  const decision = decideAccess(actor, await deps.access.permission(actor.login), s.policy);
  return decision.ok ? undefined : decision.reason;
}

function clean(s: GithubSettings, what: string, text: string, limit: number): string {
  const cleaned = cleanUntrusted(text, limit);
  if (cleaned.removed.length > 0) s.log(`cleaned ${what}: removed ${cleaned.removed.join(', ')}`);
  return cleaned.text;
}
