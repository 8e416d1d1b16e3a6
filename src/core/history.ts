// `_signal_history.jsonl`: one line per iteration and per human action, appended, never rewritten.
import type { Phase, SignalStatus } from './phases.js';
import type { IterationOutcome } from './iteration.js';

export interface IterationRecord {
  kind: 'iteration';
  time: string;
  iteration: number;
  phase: Phase;
  nextPhase: Phase;
  signal: SignalStatus | null;
  outcome: IterationOutcome | 'aborted';
  message: string;
  attempts: number;
  durationMs: number;
  log?: string;
  costUsd?: number;
  turns?: number;
  inputTokens?: number;
  outputTokens?: number;
  agentSessionId?: string;
  /** The agent and model that ran the iteration. */
  agent?: string;
  model?: string;
  /** Agents of fallback-agents tried before it, each with why it was left. */
  failover?: Array<{ agent: string; reason: string; sessionId?: string }>;
}

export interface HumanRecord {
  kind: 'human';
  time: string;
  action:
    | 'answers'
    | 'approve'
    /** An approving review was dismissed before implementation began: the gate closed again. */
    | 'withdraw'
    | 'changes'
    | 'resume'
    | 'blocked'
    | 'stop'
    | 'pause'
    | 'rewind'
    | 'skip'
    | 'budget'
    /** The orchestrator waited for CI, or recorded its results. */
    | 'ci'
    /** A person settled which phase is right when `_overview.md` and `_state.json` disagreed. */
    | 'sync-phase'
    /** A finished session was taken back to implementation with a new task. */
    | 'reopen'
    /** The session folder was turned from the original tool's format into this engine's. */
    | 'import';
  phase: Phase;
  message: string;
  /** Who acted, when known (a GitHub login). */
  by?: string;
}

export type HistoryRecord = IterationRecord | HumanRecord;

export function historyLine(record: HistoryRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** Parses history lines, skipping any that a crash left half-written. */
export function parseHistory(text: string): HistoryRecord[] {
  const records: HistoryRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as HistoryRecord;
      if (value && (value.kind === 'iteration' || value.kind === 'human')) records.push(value);
    } catch {
      // A torn last line from a killed run: the state file, not the history, is authoritative.
    }
  }
  return records;
}
