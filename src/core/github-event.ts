// Which GitHub event means what for a session. Payloads are parsed with zod at this edge; the
// result is an intent the app carries out, or a reason to do nothing.
import { z } from 'zod';
import { PHASES, isPhase } from './phases.js';
import type { Phase } from './phases.js';
import { parseUsd } from './steering.js';

export interface Actor {
  login: string;
  isBot: boolean;
}

export type Intent =
  | { kind: 'start'; issue: IssueInfo; actor: Actor; via: StartVia }
  | { kind: 'comment'; issue: number; comment: CommentInfo; onPullRequest: boolean }
  | { kind: 'review'; pr: number; branch: string; review: ReviewInfo }
  /** A review on a session's pull request was dismissed: an approval it gave may be withdrawn. */
  | { kind: 'dismiss'; pr: number; branch: string; reviewId: number; actor: Actor }
  | { kind: 'stop'; issue: number; actor: Actor; why: string }
  | { kind: 'continue'; issue: number }
  /** CI finished on a session branch: a session waiting for its checks may go on. */
  | { kind: 'ci'; branch: string; sha: string }
  | { kind: 'ignore'; reason: string };

/** What asked for the session: the trigger label, assigning the trigger user, or a comment. */
export type StartVia =
  | { kind: 'label' }
  | { kind: 'assignee'; login: string }
  /** `/samocode start`: what follows it in the comment is a note for the task (may be empty). */
  | { kind: 'comment'; commentId: number; note: string };

export interface IssueInfo {
  number: number;
  title: string;
  body: string;
  /** Who wrote the issue (may not be who added the label); absent when the payload lacks it. */
  author?: Actor;
}

export interface CommentInfo {
  id: number;
  body: string;
  author: Actor;
  createdAt: string;
}

export interface ReviewInfo {
  id: number;
  state: 'approved' | 'changes_requested' | 'commented' | 'dismissed';
  body: string;
  author: Actor;
  commitId?: string;
}

export interface EventSettings {
  triggerLabel: string;
  /** Assigning an issue to this login starts a session; empty or absent: assigning does nothing. */
  triggerAssignee?: string;
  branchPrefix: string;
}

const user = z.object({ login: z.string(), type: z.string().optional() });
const issue = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullable().optional(),
  user: user.nullable().optional(),
  pull_request: z.unknown().optional(),
});
const repository = z.object({ full_name: z.string(), fork: z.boolean().optional() }).optional();

const issuesEvent = z.object({
  action: z.string(),
  issue,
  label: z.object({ name: z.string() }).optional(),
  assignee: user.nullable().optional(),
  sender: user,
});
const commentEvent = z.object({
  action: z.string(),
  issue,
  comment: z.object({ id: z.number(), body: z.string().nullable(), user, created_at: z.string() }),
});
const reviewEvent = z.object({
  action: z.string(),
  review: z.object({
    id: z.number(),
    state: z.string(),
    body: z.string().nullable(),
    user,
    commit_id: z.string().optional(),
  }),
  pull_request: z.object({
    number: z.number(),
    head: z.object({
      ref: z.string(),
      repo: z.object({ full_name: z.string() }).nullable().optional(),
    }),
  }),
  repository,
  sender: user.optional(),
});
const dispatchEvent = z.object({
  inputs: z.record(z.string(), z.unknown()).nullable().optional(),
  client_payload: z.record(z.string(), z.unknown()).nullable().optional(),
  action: z.string().optional(),
});

const repoId = z.object({ repo: z.object({ id: z.number() }) });
const checkSuiteEvent = z.object({
  action: z.string(),
  check_suite: z.object({
    head_branch: z.string().nullable(),
    head_sha: z.string(),
    pull_requests: z
      .array(z.object({ head: repoId, base: repoId }))
      .nullable()
      .optional(),
  }),
});
const workflowRunEvent = z.object({
  action: z.string(),
  workflow_run: z.object({
    head_branch: z.string().nullable(),
    head_sha: z.string(),
    head_repository: z.object({ full_name: z.string() }).nullable().optional(),
  }),
  repository,
});

export function actorOf(u: { login: string; type?: string | undefined }): Actor {
  return { login: u.login, isBot: u.type === 'Bot' || u.login.endsWith('[bot]') };
}

function issueInfo(i: z.infer<typeof issue>): IssueInfo {
  return {
    number: i.number,
    title: i.title,
    body: i.body ?? '',
    ...(i.user ? { author: actorOf(i.user) } : {}),
  };
}

export function routeEvent(name: string, payload: unknown, settings: EventSettings): Intent {
  const parse = <T>(schema: z.ZodType<T>): T | Intent => {
    const parsed = schema.safeParse(payload);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    return {
      kind: 'ignore',
      reason: `the ${name} payload is not what GitHub sends: "${issue?.path.join('.') ?? ''}" ${issue?.message ?? ''}`,
    };
  };
  const isIntent = (v: unknown): v is Intent => typeof v === 'object' && v !== null && 'kind' in v;

  switch (name) {
    case 'issues': {
      const e = parse(issuesEvent);
      if (isIntent(e)) return e;
      const actor = actorOf(e.sender);
      if (e.issue.pull_request !== undefined)
        return { kind: 'ignore', reason: 'labels on pull requests do not start sessions' };
      if (e.action === 'labeled') {
        if (e.label?.name !== settings.triggerLabel)
          return {
            kind: 'ignore',
            reason: `label "${e.label?.name ?? ''}" is not the trigger label "${settings.triggerLabel}"`,
          };
        if (actor.isBot) return { kind: 'ignore', reason: `label added by bot ${actor.login}` };
        return { kind: 'start', issue: issueInfo(e.issue), actor, via: { kind: 'label' } };
      }
      if (e.action === 'assigned') {
        const wanted = settings.triggerAssignee?.replace(/^@/, '').trim() ?? '';
        const assignee = e.assignee?.login ?? '';
        // Logins are case-insensitive on GitHub.
        if (!wanted || assignee.toLowerCase() !== wanted.toLowerCase())
          return {
            kind: 'ignore',
            reason: wanted
              ? `assigned to ${assignee || 'nobody'}, not the trigger assignee ${wanted}`
              : 'issues.assigned: no trigger-assignee is set',
          };
        if (actor.isBot) return { kind: 'ignore', reason: `assigned by bot ${actor.login}` };
        return {
          kind: 'start',
          issue: issueInfo(e.issue),
          actor,
          via: { kind: 'assignee', login: assignee },
        };
      }
      if (e.action === 'unlabeled' && e.label?.name === settings.triggerLabel) {
        return {
          kind: 'stop',
          issue: e.issue.number,
          actor,
          why: `@${actor.login} removed the "${settings.triggerLabel}" label`,
        };
      }
      if (e.action === 'closed')
        return {
          kind: 'stop',
          issue: e.issue.number,
          actor,
          why: `@${actor.login} closed the issue`,
        };
      return { kind: 'ignore', reason: `issues.${e.action} does not concern sessions` };
    }
    case 'issue_comment': {
      const e = parse(commentEvent);
      if (isIntent(e)) return e;
      if (e.action !== 'created')
        return { kind: 'ignore', reason: `issue_comment.${e.action}: only new comments are read` };
      const author = actorOf(e.comment.user);
      if (author.isBot) return { kind: 'ignore', reason: `comment by bot ${author.login}` };
      const command = slashCommand(e.comment.body ?? '');
      // `/samocode start` on an issue asks for a session; on a pull request it is only a comment.
      // An issue that has a session already reads it as a comment (see the app's start path).
      if (command?.kind === 'start' && e.issue.pull_request === undefined)
        return {
          kind: 'start',
          issue: issueInfo(e.issue),
          actor: author,
          via: { kind: 'comment', commentId: e.comment.id, note: command.note },
        };
      return {
        kind: 'comment',
        issue: e.issue.number,
        onPullRequest: e.issue.pull_request !== undefined,
        comment: {
          id: e.comment.id,
          body: e.comment.body ?? '',
          author,
          createdAt: e.comment.created_at,
        },
      };
    }
    case 'pull_request_review': {
      const e = parse(reviewEvent);
      if (isIntent(e)) return e;
      if (e.action !== 'submitted' && e.action !== 'dismissed')
        return {
          kind: 'ignore',
          reason: `pull_request_review.${e.action}: only submitted and dismissed reviews are read`,
        };
      // GitHub sends a null head repository once a fork is deleted: that is a fork too.
      const headRepo = e.pull_request.head.repo?.full_name;
      if (!headRepo || (e.repository && headRepo !== e.repository.full_name)) {
        return {
          kind: 'ignore',
          reason: `pull request #${e.pull_request.number} comes from ${headRepo ? `the fork ${headRepo}` : 'a deleted fork'}; samocode never acts on forks`,
        };
      }
      if (!e.pull_request.head.ref.startsWith(settings.branchPrefix)) {
        return {
          kind: 'ignore',
          reason: `pull request #${e.pull_request.number} is not a session branch (${e.pull_request.head.ref})`,
        };
      }
      if (e.action === 'dismissed') {
        // Who dismissed it decides, not who wrote it (a bot dismissing stale approvals is a bot).
        const actor = actorOf(e.sender ?? e.review.user);
        if (actor.isBot)
          return { kind: 'ignore', reason: `review dismissed by bot ${actor.login}` };
        return {
          kind: 'dismiss',
          pr: e.pull_request.number,
          branch: e.pull_request.head.ref,
          reviewId: e.review.id,
          actor,
        };
      }
      const author = actorOf(e.review.user);
      if (author.isBot) return { kind: 'ignore', reason: `review by bot ${author.login}` };
      const state = e.review.state.toLowerCase();
      if (!['approved', 'changes_requested', 'commented', 'dismissed'].includes(state)) {
        return {
          kind: 'ignore',
          reason: `review state "${e.review.state}" is not one GitHub sends`,
        };
      }
      return {
        kind: 'review',
        pr: e.pull_request.number,
        branch: e.pull_request.head.ref,
        review: {
          id: e.review.id,
          state: state as ReviewInfo['state'],
          body: e.review.body ?? '',
          author,
          ...(e.review.commit_id ? { commitId: e.review.commit_id } : {}),
        },
      };
    }
    case 'workflow_dispatch':
    case 'repository_dispatch': {
      const e = parse(dispatchEvent);
      if (isIntent(e)) return e;
      const raw = (name === 'workflow_dispatch' ? e.inputs : e.client_payload)?.issue;
      const number =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && /^\d+$/.test(raw.trim())
            ? Number(raw)
            : undefined;
      if (number === undefined)
        return {
          kind: 'ignore',
          reason: `${name} without an "issue" number in its ${name === 'workflow_dispatch' ? 'inputs' : 'client_payload'}`,
        };
      return { kind: 'continue', issue: number };
    }
    case 'check_suite':
    case 'workflow_run': {
      const e = name === 'check_suite' ? parse(checkSuiteEvent) : parse(workflowRunEvent);
      if (isIntent(e)) return e;
      if (e.action !== 'completed')
        return { kind: 'ignore', reason: `${name}.${e.action}: only finished CI is read` };
      const run = 'check_suite' in e ? e.check_suite : e.workflow_run;
      // Only CI for a push of the session branch in this repository speaks for the session. A
      // workflow run names its head repository (null once a fork is deleted: a fork too); a check
      // suite names none, and lists a fork's pull request only sometimes: the checks that count are
      // chosen again when they are read (see githubChecks).
      if ('workflow_run' in e) {
        const headRepo = e.workflow_run.head_repository?.full_name;
        if (!headRepo) return { kind: 'ignore', reason: `${name} from a deleted fork` };
        if (e.repository && headRepo !== e.repository.full_name)
          return { kind: 'ignore', reason: `${name} from the fork ${headRepo}` };
      } else if (
        (e.check_suite.pull_requests ?? []).some((pr) => pr.head.repo.id !== pr.base.repo.id)
      ) {
        return { kind: 'ignore', reason: `${name} for a pull request from a fork` };
      }
      if (!run.head_branch?.startsWith(settings.branchPrefix))
        return {
          kind: 'ignore',
          reason: `${name} on ${run.head_branch ?? 'no branch'}, not a session branch`,
        };
      return { kind: 'ci', branch: run.head_branch, sha: run.head_sha };
    }
    case 'pull_request_target':
      return {
        kind: 'ignore',
        reason:
          'samocode refuses to run on pull_request_target: it would run an agent on untrusted code with secrets',
      };
    default:
      return { kind: 'ignore', reason: `the ${name} event does not concern sessions` };
  }
}

/** `/samocode <command> [argument]` on the first line of a comment, read into what it asks. */
export type SlashCommand =
  | { kind: 'approve'; version?: string }
  | { kind: 'resume' | 'stop' | 'status' | 'pause' | 'skip' }
  | { kind: 'rewind'; phase: Phase }
  | { kind: 'budget'; usd: number }
  /** A done session back to implementation: the rest of the comment is the new task. */
  | { kind: 'reopen'; task: string }
  /** A new session for the issue: the rest of the comment is a note for the task (may be empty). */
  | { kind: 'start'; note: string }
  /** A command that cannot be applied as written; `error` says how to write it. */
  | { kind: 'invalid'; error: string };

export const COMMAND_HELP =
  'start, approve, resume, stop, status, pause, skip, rewind <phase>, budget <usd>, reopen <task>';

export function slashCommand(body: string): SlashCommand | undefined {
  const first = body.trimStart().split('\n')[0]?.trim() ?? '';
  const match = /^\/samocode(?:\s+(\S+))?(?:\s+(\S+))?/i.exec(first);
  if (!match) return undefined;
  const word = (match[1] ?? '').toLowerCase();
  const arg = match[2] ?? '';
  switch (word) {
    case 'approve':
      // A commit (short or full sha) pins the approval to the plan version it names.
      return /^[0-9a-f]{7,40}$/i.test(arg)
        ? { kind: 'approve', version: arg.toLowerCase() }
        : { kind: 'approve' };
    case 'resume':
    case 'stop':
    case 'status':
    case 'pause':
    case 'skip':
      return { kind: word };
    case 'rewind': {
      const phase = arg.toLowerCase();
      if (isPhase(phase)) return { kind: 'rewind', phase };
      return {
        kind: 'invalid',
        error: `\`/samocode rewind\` needs the phase to go back to, one of: ${PHASES.join(', ')} (e.g. \`/samocode rewind planning\`)`,
      };
    }
    case 'budget': {
      const usd = parseUsd(arg);
      if (usd !== undefined && usd > 0) return { kind: 'budget', usd };
      return {
        kind: 'invalid',
        error: '`/samocode budget` needs an amount in USD, e.g. `/samocode budget 25`',
      };
    }
    case 'start':
      return {
        kind: 'start',
        note: body
          .trimStart()
          .replace(/^\/samocode\s+start\b/i, '')
          .trim(),
      };
    case 'reopen': {
      const task = body
        .trimStart()
        .replace(/^\/samocode\s+reopen\b/i, '')
        .trim();
      if (task) return { kind: 'reopen', task };
      return {
        kind: 'invalid',
        error:
          '`/samocode reopen` needs the new task after it, e.g. `/samocode reopen also handle empty input`',
      };
    }
    default:
      return {
        kind: 'invalid',
        error: `unknown command \`/samocode ${word}\`: use ${COMMAND_HELP}`,
      };
  }
}
