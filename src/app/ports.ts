// The engine's view of the world: small interfaces that adapters implement for real and tests
// implement in memory.
import type { AgentFailure } from '../core/agent-retry.js';
import type { Phase } from '../core/phases.js';
import type { SessionStatus } from '../core/session-state.js';
import type { CheckRun } from '../core/ci.js';
import type { ImageSource } from '../core/attachments.js';

export interface AgentRun {
  /** The phase this iteration works in (a phase map may pick the agent by it). */
  phase?: Phase;
  /** The instructions for this iteration (workflow + phase prompt). */
  prompt: string;
  /** Session facts appended to the agent's system prompt. */
  context: string;
  cwd: string;
  /** Extra environment for the agent process, on top of the filtered parent environment. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Stop the agent when it prints nothing for this long (a stall), before the full timeout. */
  stallMs?: number;
  /** Where the agent's raw output stream is written as it arrives. */
  logFile: string;
  signal?: AbortSignal;
  /** Called with one-line descriptions of what the agent is doing (tool calls), for progress views. */
  onActivity?: (activity: string) => void;
  /** Called with the pid of the agent's process (its group leader) once it has started. */
  onStart?: (pid: number) => void;
}

export interface AgentStats {
  costUsd?: number;
  turns?: number;
  inputTokens?: number;
  outputTokens?: number;
  sessionId?: string;
  /** Which agent and model ran, when known (a phase map may use several). */
  agent?: string;
  model?: string;
}

export type AgentResult =
  | { ok: true; durationMs: number; stats: AgentStats }
  | { ok: false; durationMs: number; stats: AgentStats; failure: AgentFailure; message: string };

export interface Agent {
  readonly name: string;
  run(run: AgentRun): Promise<AgentResult>;
  /** The iteration time limit of a phase, when this agent has its own (ms). */
  timeoutFor?(phase: Phase): number | undefined;
}

/** One folder per session under a root; file names are relative to the session folder. */
export interface SessionStore {
  list(): Promise<string[]>;
  dir(name: string): string;
  create(name: string, files: Record<string, string>): Promise<void>;
  read(name: string, file: string): Promise<string | null>;
  /** Replaces a file atomically: readers see the old or the new content, never a torn one. */
  write(name: string, file: string, content: string): Promise<void>;
  /** Writes a binary file (an image), like `write`. */
  writeBytes(name: string, file: string, bytes: Uint8Array): Promise<void>;
  remove(name: string, file: string): Promise<void>;
  append(name: string, file: string, text: string): Promise<void>;
  /** Files at the top of the session folder. */
  listFiles(name: string): Promise<string[]>;
}

export interface Git {
  /** Makes `path` a worktree of `repo` on `branch`, creating the branch from the default branch. */
  prepareWorktree(options: {
    repo: string;
    path: string;
    branch: string;
  }): Promise<{ created: boolean }>;
  /** Stages everything in `cwd` and commits it; nothing to commit is an outcome, not an error. */
  commitAll(cwd: string, message: string): Promise<{ committed: boolean; sha?: string }>;
}

export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Notification {
  kind: 'waiting' | 'blocked' | 'done' | 'error';
  session: string;
  phase: Phase;
  status: SessionStatus;
  message: string;
}

export interface Notifier {
  notify(notification: Notification): Promise<void>;
}

export interface IssueComment {
  id: number;
  body: string;
  author: { login: string; isBot: boolean };
  createdAt: string;
}

export interface IssueClosing {
  event: 'closed' | 'unlabeled';
  actor: { login: string; isBot: boolean };
  /** The label removed (unlabeled only). */
  label?: string;
}

export interface PullRequest {
  number: number;
  nodeId: string;
  url: string;
  draft: boolean;
}

/** The issue side of GitHub: comments, labels, reactions. */
export interface Issues {
  createComment(issue: number, body: string): Promise<number>;
  /** The login the action's comments are written by (the token's identity). */
  ownLogin(): Promise<string>;
  updateComment(commentId: number, body: string): Promise<void>;
  /** Comments on the issue created at or after `since` (ISO time), oldest first. */
  listComments(issue: number, since?: string): Promise<IssueComment[]>;
  getIssue(issue: number): Promise<{ open: boolean; labels: string[] }>;
  /** Who closed the issue or removed a label, oldest first (the issue's events). */
  closings(issue: number): Promise<IssueClosing[]>;
  addLabel(issue: number, label: string): Promise<void>;
  /** Creates a repository label with its colour and description; one that exists is left as it is. */
  ensureLabel(name: string, color: string, description: string): Promise<void>;
  removeLabel(issue: number, label: string): Promise<void>;
  react(commentId: number, content: 'eyes' | '+1' | 'confused'): Promise<void>;
}

/** A review on a pull request as GitHub lists it (a pending one is still a draft of its author). */
export interface PullReview {
  id: number;
  state: 'approved' | 'changes_requested' | 'commented' | 'dismissed' | 'pending';
  body: string;
  author: { login: string; isBot: boolean };
  commitId?: string;
  /** When it was submitted (ISO time); pending reviews have none. */
  submittedAt?: string;
}

/** The pull request side of GitHub: the session's PR and its reviews. */
export interface PullRequests {
  findOpen(branch: string): Promise<PullRequest | undefined>;
  create(input: {
    branch: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullRequest>;
  update(number: number, input: { title?: string; body?: string }): Promise<void>;
  /** Drafts can be marked ready only through GraphQL. */
  markReady(pr: PullRequest): Promise<void>;
  reviewComments(
    number: number,
    reviewId: number,
  ): Promise<Array<{ path: string; line?: number; body: string }>>;
  /** The reviews of a pull request, oldest first, each in its state now (dismissed, …). */
  listReviews(number: number): Promise<PullReview[]>;
}

/** The checks (CI) of commits, and the logs of the GitHub Actions jobs behind them. */
export interface Checks {
  forCommit(sha: string): Promise<CheckRun[]>;
  /** The log of an Actions job, or null when it has none (another CI app, expired logs). */
  jobLog(jobId: number): Promise<string | null>;
}

/** Starts another run for a session whose work outlasted this one. */
export interface Dispatcher {
  continueSession(issue: number): Promise<void>;
}

/** The git operations a session branch needs beyond worktrees. */
export interface BranchGit {
  /** Session branches on origin whose names start with `prefix`. */
  remoteBranches(cwd: string, prefix: string): Promise<string[]>;
  /** Checks out `branch` from origin, or creates it from origin's `base` when it does not exist. */
  checkoutBranch(
    cwd: string,
    branch: string,
    base: string,
    exists?: boolean,
  ): Promise<{ created: boolean }>;
  /** Pushes HEAD to `branch`; a rejected push is rebased onto origin and tried again. */
  push(cwd: string, branch: string): Promise<void>;
  /** A file as it is on origin's `branch`, or null (fetches the branch). */
  readRemoteFile(cwd: string, branch: string, path: string): Promise<string | null>;
  /** Entries of a folder on origin's `branch` (fetches the branch). */
  listRemoteDir(cwd: string, branch: string, path: string): Promise<string[]>;
  /** The commit checked out in `cwd`. */
  headCommit(cwd: string): Promise<string>;
  /** The newest commit of HEAD's history that changed files outside `exclude` (the code). */
  lastCodeCommit(cwd: string, exclude: string): Promise<string>;
  /** Whether files outside `exclude` differ between two commits (true when `from` is unknown). */
  codeChanged(cwd: string, from: string, to: string, exclude: string): Promise<boolean>;
  /** Whether `sha` is a commit of origin's `branch` (fetches the branch; false when it is gone). */
  hasCommit(cwd: string, branch: string, sha: string): Promise<boolean>;
  /** A file as it was at `commit` (a full or short sha), or null when either is unknown. */
  readFileAt(cwd: string, commit: string, path: string): Promise<string | null>;
}

/**
 * Finished session folders kept on origin off the session branch (`refs/samocode/sessions/<name>`),
 * so that the pull request need not carry them. Paths are relative to the repository root.
 */
export interface SessionRecords {
  /** The record refs on origin (full ref names). */
  list(cwd: string): Promise<string[]>;
  /** A file as the record of `session` has it, or null (fetches the record). */
  read(cwd: string, session: string, path: string): Promise<string | null>;
  /** Puts `folder` back into the working tree as the record of `session` has it (not committed). */
  restore(cwd: string, session: string, folder: string): Promise<void>;
  /**
   * Makes the record of `session` hold `folder` as the working tree has it: HEAD itself when HEAD
   * has it so, else a commit on top of HEAD that is on no branch. Nothing is pushed when the record
   * holds that folder already; `pushed` says whether origin changed.
   */
  keep(cwd: string, session: string, folder: string): Promise<{ pushed: boolean }>;
  /** Commits the removal of `folder` from the branch (its files stay on disk, untracked). */
  untrack(cwd: string, folder: string, message: string): Promise<{ committed: boolean }>;
}

/** A lock on origin that one run holds while it works on a session (a ref written atomically). */
export interface SessionLock {
  /** Takes the lock for `holder`, or returns who holds it. */
  acquire(
    cwd: string,
    name: string,
    holder: LockHolder,
  ): Promise<{ acquired: true } | { acquired: false; holder: LockHolder }>;
  /** Takes the lock from a holder known to be gone; false if someone else changed it meanwhile. */
  takeOver(cwd: string, name: string, from: LockHolder, holder: LockHolder): Promise<boolean>;
  release(cwd: string, name: string, holder: LockHolder): Promise<void>;
  /** Who holds the lock now, without taking it. */
  holder(cwd: string, name: string): Promise<LockHolder | undefined>;
}

export interface LockHolder {
  runId: string;
  /** The run's attempt (a re-run keeps the run id and counts up the attempt). */
  attempt?: string;
  since: string;
}

/** Whether the run that holds a lock is still going. */
export interface Runs {
  isActive(runId: string): Promise<boolean>;
}

/** The repository permission of a person, as GitHub reports it now. */
export interface Access {
  permission(login: string): Promise<'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'>;
}

/** An image as downloaded; the expected failures (404, too big, not an image) are values. */
export type ImageDownload =
  { ok: true; bytes: Uint8Array; contentType: string } | { ok: false; why: string };

/** Images attached on GitHub, fetched from GitHub's own hosts (rules in core/attachments.ts). */
export interface Images {
  /** `from`: the issue or comment the image is in, where GitHub's rendering may sign its address. */
  fetch(url: string, from?: ImageSource): Promise<ImageDownload>;
}
