// A session as it lives on GitHub: its branch, its `_github.json` record, and what the issue and
// pull request show for it (status comment, questions, labels, the plan PR).
import { digest } from '../core/digest.js';
import { parseGithubRecord, serializeGithubRecord } from '../core/github-record.js';
import type { GithubRecord } from '../core/github-record.js';
import {
  MARKERS,
  pullRequestBody,
  questionsComment,
  statusComment,
} from '../core/github-render.js';
import type { Links, SessionRecordLink } from '../core/github-render.js';
import { readStatusField } from '../core/overview.js';
import { recordRef, restoreCommand } from '../core/session-record-ref.js';
import { parseHistory } from '../core/history.js';
import { describeFailover } from '../core/run-summary.js';
import { parseQa } from '../core/qa.js';
import type { SessionState } from '../core/session-state.js';
import type { RunResult } from './run-session.js';
import type { SessionDeps } from './run-session.js';
import type { AccessPolicy } from '../core/access.js';
import type {
  Access,
  Runs,
  SessionLock,
  BranchGit,
  Checks,
  Dispatcher,
  Images,
  Issues,
  PullRequest,
  PullRequests,
  SessionRecords,
} from './ports.js';
import { FILES, SessionError, loadState } from './session-files.js';

export const GITHUB_FILE = '_github.json';

export const STATE_LABELS = {
  running: 'samocode:running',
  waitingAnswers: 'samocode:waiting-answers',
  waitingApproval: 'samocode:waiting-approval',
  waitingCi: 'samocode:waiting-ci',
  blocked: 'samocode:blocked',
  done: 'samocode:done',
} as const;

export interface GithubDeps extends SessionDeps {
  access: Access;
  lock: SessionLock;
  runs: Runs;
  branches: BranchGit;
  issues: Issues;
  pulls: PullRequests;
  dispatcher: Dispatcher;
  checks: Checks;
  /** Fetches images attached to permitted people's texts; without it they are not fetched. */
  images?: Images;
  records: SessionRecords;
}

export interface GithubSettings {
  workspace: string;
  /** The sessions folder, relative to the repository root. */
  sessionsDir: string;
  branchPrefix: string;
  baseBranch: string;
  policy: AccessPolicy;
  serverUrl: string;
  repository: string;
  runUrl?: string;
  /** How often a running loop asks GitHub whether the session was stopped. */
  stopPollMs: number;
  /** Least time between status comment edits within a phase. */
  statusIntervalMs: number;
  /** This run's id, written into the session lock so others can tell whether it is still going. */
  runId?: string;
  /** This run's attempt: a re-run of a killed job keeps the run id, not the attempt. */
  runAttempt?: string;
  log: (line: string) => void;
  warn: (line: string) => void;
  /** In testing, wait for the checks of the latest session commit and give them to the agent. */
  waitForCi: boolean;
  /** How long to wait for checks to appear on a fresh commit before deciding it has none. */
  ciStartMs: number;
  /** The label that keeps a session going: removing it while a run works stops the session. */
  triggerLabel?: string;
  /**
   * Whether a finished session's folder stays on its branch (and so reaches the base branch with
   * the pull request); otherwise it is kept under its record ref and removed from the branch.
   */
  keepSessionFolder: boolean;
}

/** An open session: its name, state and GitHub record, as checked out from its branch. */
export interface OpenSession {
  name: string;
  branch: string;
  record: GithubRecord;
  state: SessionState;
}

export async function readRecord(
  deps: GithubDeps,
  name: string,
): Promise<GithubRecord | undefined> {
  const text = await deps.store.read(name, GITHUB_FILE);
  if (text === null) return undefined;
  const parsed = parseGithubRecord(text);
  if (!parsed.ok)
    throw new SessionError(`${deps.store.dir(name)}/${GITHUB_FILE} is malformed: ${parsed.error}`);
  return parsed.record;
}

export async function writeRecord(
  deps: GithubDeps,
  name: string,
  record: GithubRecord,
): Promise<void> {
  await deps.store.write(name, GITHUB_FILE, serializeGithubRecord(record));
}

/** The newest session on the checked-out branch that belongs to `issue`. */
export async function findIssueSession(
  deps: GithubDeps,
  issue: number,
  branch: string,
): Promise<OpenSession | undefined> {
  for (const name of (await deps.store.list()).reverse()) {
    const record = await readRecord(deps, name);
    if (record?.issue === issue && record.branch === branch) {
      return { name, branch, record, state: await loadState(deps.store, name) };
    }
  }
  return undefined;
}

export function linksFor(s: GithubSettings, session: OpenSession, pr?: { number: number }): Links {
  const repo = `${s.serverUrl.replace(/\/+$/, '')}/${s.repository}`;
  const folder = sessionFolderPath(s, session.name);
  return {
    ...(s.runUrl ? { run: s.runUrl } : {}),
    branch: `${repo}/tree/${session.branch}`,
    // A finished session's folder leaves the branch: people are sent to its record instead.
    ...(leavesBranch(s, session.state)
      ? {
          sessionRecord: {
            ref: recordRef(session.name),
            restore: restoreCommand(session.name, folder),
          },
        }
      : { sessionFolder: `${repo}/tree/${session.branch}/${folder}` }),
    ...(pr ? { pr: { number: pr.number, url: `${repo}/pull/${pr.number}` } } : {}),
  };
}

/** Whether the session's folder is off its branch now (kept under its record ref instead). */
export function leavesBranch(s: GithubSettings, state: SessionState): boolean {
  return !s.keepSessionFolder && state.status === 'done';
}

/** The session folder's path in the repository. */
export function sessionFolderPath(s: GithubSettings, session: string): string {
  return `${s.sessionsDir.replace(/^\.?\/+|\/+$/g, '')}/${session}`;
}

export function stateLabel(state: SessionState): string {
  if (state.status === 'done') return STATE_LABELS.done;
  if (state.status === 'blocked') return STATE_LABELS.blocked;
  if (state.status === 'waiting') {
    if (state.waitingFor === 'qa_answers') return STATE_LABELS.waitingAnswers;
    if (state.waitingFor === 'plan_approval') return STATE_LABELS.waitingApproval;
    if (state.waitingFor === 'ci_checks') return STATE_LABELS.waitingCi;
    return STATE_LABELS.blocked;
  }
  return STATE_LABELS.running;
}

/** Colours and descriptions of the labels, created on a repository's first session. */
export const LABELS: ReadonlyArray<{ name: string; color: string; description: string }> = [
  { name: 'samocode', color: '5319e7', description: 'Samocode works on this issue' },
  { name: STATE_LABELS.running, color: '1d76db', description: 'Samocode: the agent is working' },
  {
    name: STATE_LABELS.waitingAnswers,
    color: 'fbca04',
    description: 'Samocode: waiting for answers to its questions',
  },
  {
    name: STATE_LABELS.waitingApproval,
    color: 'e99695',
    description: 'Samocode: waiting for approval of the plan (review the PR)',
  },
  {
    name: STATE_LABELS.waitingCi,
    color: 'fbca04',
    description: 'Samocode: waiting for the CI checks of the session branch',
  },
  {
    name: STATE_LABELS.blocked,
    color: 'd93f0b',
    description: 'Samocode: blocked; see the status comment',
  },
  {
    name: STATE_LABELS.done,
    color: '0e8a16',
    description: 'Samocode: done; the pull request is ready for review',
  },
];

export async function ensureLabels(deps: GithubDeps): Promise<void> {
  await Promise.all(LABELS.map((l) => deps.issues.ensureLabel(l.name, l.color, l.description)));
}

/** When the session's last iteration ran on a fallback agent: "codex after claude failed: …". */
async function lastFailover(deps: GithubDeps, name: string): Promise<string | undefined> {
  const history = parseHistory((await deps.store.read(name, FILES.history)) ?? '');
  const last = history.filter((r) => r.kind === 'iteration').at(-1);
  if (!last || last.kind !== 'iteration' || !last.failover?.length) return undefined;
  return `${last.agent ?? 'the next agent'} ${describeFailover(last)}`;
}

/** Creates or edits the one status comment of the session; returns the record with its id. */
export async function updateStatus(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
): Promise<GithubRecord> {
  const overview = (await deps.store.read(session.name, FILES.overview)) ?? '';
  const lastAction = readStatusField(overview, 'Last Action');
  const next = readStatusField(overview, 'Next');
  const failover = await lastFailover(deps, session.name);
  const body = statusComment(
    session.state,
    {
      ...(lastAction ? { lastAction } : {}),
      ...(next ? { next } : {}),
      ...(session.record.lastCommand ? { lastCommand: session.record.lastCommand } : {}),
      ...(session.record.plan ? { planVersion: session.record.plan.commit } : {}),
      ...(failover ? { failover } : {}),
    },
    linksFor(s, session, session.record.pr),
    deps.clock.now().toISOString(),
  );
  if (session.record.statusCommentId !== undefined) {
    await deps.issues.updateComment(session.record.statusCommentId, body);
    return session.record;
  }
  // A run that died after posting but before recording the id left the comment behind: reuse it.
  // Only the action's own: anyone can write a comment that looks like it.
  const header = `${MARKERS.status}\n### Samocode · \`${session.name}\``;
  const candidates = (await deps.issues.listComments(session.record.issue)).filter((c) =>
    c.body.startsWith(header),
  );
  const own = candidates.length > 0 ? (await deps.issues.ownLogin()).toLowerCase() : '';
  const earlier = candidates.find((c) => c.author.login.toLowerCase() === own);
  if (earlier) {
    await deps.issues.updateComment(earlier.id, body);
    return { ...session.record, statusCommentId: earlier.id };
  }
  const id = await deps.issues.createComment(session.record.issue, body);
  return { ...session.record, statusCommentId: id };
}

/**
 * Moves the issue to the label of the session's state, keeping exactly one state label. The issue's
 * labels are read each time: a run that crashed may have left any state label behind.
 */
export async function syncLabel(deps: GithubDeps, session: OpenSession): Promise<void> {
  const wanted = stateLabel(session.state);
  const stateLabels: readonly string[] = Object.values(STATE_LABELS);
  const { labels } = await deps.issues.getIssue(session.record.issue);
  if (!labels.includes(wanted)) await deps.issues.addLabel(session.record.issue, wanted);
  for (const label of labels)
    if (label !== wanted && stateLabels.includes(label))
      await deps.issues.removeLabel(session.record.issue, label);
}

/** The newest plan document in the session folder (`*-plan-*.md`, by name). */
async function latestPlan(
  deps: GithubDeps,
  name: string,
): Promise<{ file: string; text: string } | undefined> {
  const files = await deps.store.listFiles(name);
  const file = files
    .filter((f) => /-plan-.*\.md$/.test(f))
    .sort()
    .at(-1);
  if (!file) return undefined;
  const text = await deps.store.read(name, file);
  return text === null ? undefined : { file, text };
}

/** The repository path of a file in the session folder. */
export function sessionFilePath(s: GithubSettings, session: string, file: string): string {
  return `${sessionFolderPath(s, session)}/${file}`;
}

/** Fingerprint of a plan's text; trailing whitespace is not a new version. */
export function planHash(text: string): string {
  return digest(text.trimEnd());
}

/**
 * Records which plan the gate asks about. A new version (its text changed) is bound to the commit
 * the pull request shows now; the same text keeps its version, so an approval already given holds.
 */
export async function recordPlanVersion(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
): Promise<GithubRecord> {
  const plan = await latestPlan(deps, session.name);
  if (!plan) return session.record;
  const hash = planHash(plan.text);
  const path = sessionFilePath(s, session.name, plan.file);
  if (session.record.plan?.hash === hash && session.record.plan.path === path)
    return session.record;
  const [commit, comments] = await Promise.all([
    deps.branches.headCommit(s.workspace),
    deps.issues.listComments(session.record.issue, session.record.seenCommentsUntil),
  ]);
  const afterComment = Math.max(session.record.statusCommentId ?? 0, ...comments.map((c) => c.id));
  return { ...session.record, plan: { path, hash, commit, afterComment } };
}

/** Where the pull request body points for the session folder: the branch, or the record. */
function pick(links: Links): { sessionFolder?: string; sessionRecord?: SessionRecordLink } {
  if (links.sessionRecord) return { sessionRecord: links.sessionRecord };
  return links.sessionFolder ? { sessionFolder: links.sessionFolder } : {};
}

async function ensurePullRequest(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
): Promise<PullRequest> {
  const plan = await latestPlan(deps, session.name);
  const body = pullRequestBody({
    issue: session.record.issue,
    state: session.state,
    ...(plan ? { plan } : {}),
    ...(session.record.plan && session.state.status === 'waiting'
      ? { planVersion: session.record.plan.commit }
      : {}),
    ...pick(linksFor(s, session)),
  });
  const title = `Samocode: ${session.state.task.split('\n')[0]?.slice(0, 200) ?? session.name}`;
  const existing = await deps.pulls.findOpen(session.branch);
  if (existing) {
    await deps.pulls.update(existing.number, { body });
    return existing;
  }
  return deps.pulls.create({ branch: session.branch, base: s.baseBranch, title, body });
}

/**
 * Shows the session's state on GitHub after a run: questions, plan PR, done PR, labels, the status
 * comment, and a continuation when the run stopped with work left. Returns the updated record.
 */
export async function publish(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
  result: RunResult | undefined,
): Promise<GithubRecord> {
  let record = session.record;
  const state = session.state;
  // Each step is shown on its own: a failing one is reported and the others still happen; the
  // session itself is already safe on its branch, and the next run shows what this one could not.
  const step = async (what: string, action: () => Promise<void>) => {
    try {
      await action();
    } catch (error) {
      s.warn(`could not ${what}: ${(error as Error).message}`);
    }
  };
  if (state.status === 'waiting' && state.waitingFor === 'qa_answers') {
    await step('post the questions', async () => {
      const qa = (await deps.store.read(session.name, FILES.qa)) ?? '';
      const questions = parseQa(qa);
      // The round is the questions as asked; answers written under them do not make it new.
      const round = digest(JSON.stringify(questions.map(({ answer: _answer, ...asked }) => asked)));
      if (record.questionsPosted !== round && questions.length > 0) {
        await deps.issues.createComment(record.issue, questionsComment(session.name, questions));
        record = { ...record, questionsPosted: round };
      }
    });
  }
  if (
    (state.status === 'waiting' && state.waitingFor === 'plan_approval') ||
    state.status === 'done'
  ) {
    await step('open or update the pull request', async () => {
      if (state.status === 'waiting')
        record = await recordPlanVersion(deps, s, { ...session, record });
      const pr = await ensurePullRequest(deps, s, { ...session, record });
      record = { ...record, pr: { number: pr.number, nodeId: pr.nodeId } };
      if (state.status === 'done') await deps.pulls.markReady(pr);
    });
  }
  await step('update the labels', () => syncLabel(deps, { ...session, record }));
  await step('update the status comment', async () => {
    record = await updateStatus(deps, s, { ...session, record });
  });
  if (result?.stop === 'run-limit' && state.status === 'running') {
    await step('dispatch a continuation', async () => {
      await deps.dispatcher.continueSession(record.issue);
      s.log(`dispatched a continuation for issue #${record.issue}`);
    });
  }
  return record;
}
