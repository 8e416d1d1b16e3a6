// The review path: reviews on the session's pull request speak to the plan gate. Permission rule:
// only reviews on the session's own pull request count (`notSessionPr`; the event's fork check is
// in core/github-event); each review's author is checked with `deny` when it is applied (only then
// are the images its body shows fetched), never a bot, never a review dismissed before it was
// applied. Catch-up: every review not applied yet, in order, each once (handled ids,
// `seenReviewsUntil`). An approval counts only for the plan version
// under review (`approveBound`, shared with the `/samocode approve` command). A dismissal of the
// review that opened the gate closes it again before implementation has run.
import type { Actor, Intent, ReviewInfo } from '../../core/github-event.js';
import { markHandled, wasHandled } from '../../core/github-record.js';
import type { GithubRecord } from '../../core/github-record.js';
import { replyComment } from '../../core/github-render.js';
import type { SessionState } from '../../core/session-state.js';
import { SessionError } from '../session-files.js';
import { approve, requestChanges, withdraw } from '../session-actions.js';
import { planHash, writeRecord } from '../github-session.js';
import type { GithubDeps, GithubSettings, OpenSession } from '../github-session.js';
import { sessionFolder, withImagesSaved } from '../attached-images.js';
import { clean, deny } from './shared.js';

/** Why a review event's pull request is not the session's, or undefined when it is. */
export function notSessionPr(
  record: GithubRecord,
  intent: Extract<Intent, { kind: 'review' | 'dismiss' }>,
): string | undefined {
  // Only the session's own pull request carries its plan; a review elsewhere approves nothing.
  if (record.pr?.number === intent.pr) return undefined;
  return `${intent.kind === 'review' ? 'review' : 'dismissal'} ignored: pull request #${intent.pr} is not the session's pull request${record.pr ? ` (#${record.pr.number})` : ''}`;
}

/**
 * Applies, in order, every review on the session's pull request that it has not applied yet — the
 * event's own (`own`, in case GitHub does not list it yet) and any whose runs found the session
 * busy — each once, each author's permission checked as it is applied. Reviews speak to the plan
 * gate: while planning still works towards it they wait for it to open; once it has passed, a
 * review is logged and changes nothing. A review dismissed before it was applied is never applied.
 */
export async function catchUpReviews(
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
    review = { ...review, body: await reviewText(deps, s, session, pr, review) };
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
 * A permitted review's body, cleaned, with the images it shows fetched into the session (the
 * planner reads it in `_review.md`).
 */
async function reviewText(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
  pr: number,
  review: ReviewInfo,
): Promise<string> {
  const input = {
    what: `review ${review.id}`,
    text: review.body,
    limit: 10_000,
    source: `review-${review.id}`,
    from: { pr, review: review.id },
    folder: sessionFolder(s.sessionsDir, session.name),
  };
  return withImagesSaved(deps, s, session.name, input);
}

/**
 * A review was dismissed. One not applied yet never will be; the review that opened the plan gate
 * closes it again while implementation has not run an iteration since (after that, the session
 * goes on: `/samocode pause` or `rewind planning` stop it).
 */
export async function dismissReview(
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
export async function approveBound(
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
