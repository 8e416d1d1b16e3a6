// The comment path: answers to the questions and `/samocode` commands written on the issue.
// Permission rule: a comment is applied only when its author passes `deny` (never a bot, never the
// action's own comments, never one written before the session's status comment); a denied comment
// is never written into the session nor shown to the agent, only logged. Catch-up: every comment
// not applied yet, in order, each once (handled ids, `seenCommentsUntil`) — the event's own and
// those whose runs found the session busy or were cancelled.
import { slashCommand } from '../../core/github-event.js';
import { markHandled, wasHandled } from '../../core/github-record.js';
import type { GithubRecord } from '../../core/github-record.js';
import { isOwnComment, replyComment, whatToDo } from '../../core/github-render.js';
import { PHASES } from '../../core/phases.js';
import type { SessionState } from '../../core/session-state.js';
import type { IssueComment } from '../ports.js';
import { SessionError } from '../session-files.js';
import { answerQuestions, budget, pause, resume, rewind, skip } from '../session-actions.js';
import { reopen } from '../session-lifecycle.js';
import { writeRecord } from '../github-session.js';
import type { GithubDeps, GithubSettings, OpenSession } from '../github-session.js';
import { findImages, sessionFolder, withImagesSaved } from '../attached-images.js';
import { approveBound } from './review.js';
import { deny, stop } from './shared.js';

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
export async function catchUpComments(
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
      const body = await commentText(deps, s, session, comment);
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

/**
 * A permitted comment, cleaned. Its images are fetched only when its text reaches the agent — as
 * answers to the questions or the task of `/samocode reopen` — and are saved into the session.
 */
async function commentText(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
  comment: IssueComment,
): Promise<string> {
  const input = {
    what: `comment ${comment.id}`,
    text: comment.body,
    limit: 10_000,
    source: `comment-${comment.id}`,
    from: { comment: comment.id },
    folder: sessionFolder(s.sessionsDir, session.name),
  };
  const found = findImages(s, input);
  const command = slashCommand(found.text);
  const answers = session.state.status === 'waiting' && session.state.waitingFor === 'qa_answers';
  const reachesAgent = command ? command.kind === 'reopen' : answers;
  if (!reachesAgent) return found.text;
  return withImagesSaved(deps, s, session.name, input, found);
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
      case 'start':
        // A start on an issue that has a session: there is one session per issue.
        await reply(
          `${who} this issue already has a session (${session.name}, ${session.state.status} in ${session.state.phase}); ${whatToDo(session.state)}`,
        );
        return session;
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
