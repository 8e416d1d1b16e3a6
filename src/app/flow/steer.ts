// Steering between iterations: a long run hears a close or unlabel of the issue, and the comments
// made meanwhile, within an iteration. Permission rule: a close or unlabel stops the session only
// when the issue events name who did it and that person passes `deny` (an issue author with read
// permission, or a triager, does not stop it); comments follow the comment path's rule.
// Catch-up: the close or unlabel whose own run found the session busy is seen here instead.
import type { GithubDeps, GithubSettings, OpenSession } from '../github-session.js';
import { catchUpComments } from './comment.js';
import { deny, stop } from './shared.js';

/**
 * Between iterations: comments made during the run are applied at once (a stop, a pause, a rewind
 * …), so a person steering a long run is heard within an iteration; a closed issue stops the session.
 */
export async function steerBetween(
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
