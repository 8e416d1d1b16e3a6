// The engine's view of the world: small interfaces that adapters implement for real and tests
// implement in memory.
import type { AgentFailure } from '../core/agent-retry.js';
import type { Phase } from '../core/phases.js';
import type { SessionStatus } from '../core/session-state.js';

export interface AgentRun {
  /** The instructions for this iteration (workflow + phase prompt). */
  prompt: string;
  /** Session facts appended to the agent's system prompt. */
  context: string;
  cwd: string;
  /** Extra environment for the agent process, on top of the filtered parent environment. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Where the agent's raw output stream is written as it arrives. */
  logFile: string;
  signal?: AbortSignal;
  /** Called with one-line descriptions of what the agent is doing (tool calls), for progress views. */
  onActivity?: (activity: string) => void;
}

export interface AgentStats {
  costUsd?: number;
  turns?: number;
  inputTokens?: number;
  outputTokens?: number;
  sessionId?: string;
}

export type AgentResult =
  | { ok: true; durationMs: number; stats: AgentStats }
  | { ok: false; durationMs: number; stats: AgentStats; failure: AgentFailure; message: string };

export interface Agent {
  readonly name: string;
  run(run: AgentRun): Promise<AgentResult>;
}

/** One folder per session under a root; file names are relative to the session folder. */
export interface SessionStore {
  list(): Promise<string[]>;
  dir(name: string): string;
  create(name: string, files: Record<string, string>): Promise<void>;
  read(name: string, file: string): Promise<string | null>;
  /** Replaces a file atomically: readers see the old or the new content, never a torn one. */
  write(name: string, file: string, content: string): Promise<void>;
  remove(name: string, file: string): Promise<void>;
  append(name: string, file: string, text: string): Promise<void>;
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
