// The orchestrator's own record of a session (`_state.json`). The agent never edits it; the
// `Phase:` and `Total Iterations:` lines of `_overview.md` mirror it for the agent to read.
import { z } from 'zod';
import { FIRST_PHASE, PHASES, SESSION_WAITS } from './phases.js';
import type { Phase, SessionWait } from './phases.js';

export const SESSION_STATUSES = ['running', 'waiting', 'blocked', 'done'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Where each human gate stands: `open` after the agent asked, `passed` once a person answered. */
export const GATE_STATES = ['closed', 'open', 'passed'] as const;
export type GateState = (typeof GATE_STATES)[number];

export const BLOCK_KINDS = [
  'agent',
  'protocol',
  'cap',
  'agent-error',
  'budget',
  'git',
  'stopped',
] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

export interface Totals {
  costUsd: number;
  turns: number;
  inputTokens: number;
  outputTokens: number;
  agentRuns: number;
  agentMs: number;
}

/**
 * `_qa.md`'s answer slots by question number, as fingerprints: `asked` as the agent left them
 * when it signalled waiting, `people` as people wrote them. See qa-gate.ts.
 */
export interface QaSlots {
  asked: Record<string, string>;
  people: Record<string, string>;
}

export interface SessionState {
  version: 1;
  name: string;
  task: string;
  dive?: string;
  createdAt: string;
  updatedAt: string;
  phase: Phase;
  status: SessionStatus;
  iteration: number;
  phaseIterations: Partial<Record<Phase, number>>;
  gates: { requirements: GateState; planning: GateState };
  waitingFor?: SessionWait;
  qaSlots?: QaSlots;
  blocked?: { kind: BlockKind; reason: string; needs?: string };
  summary?: string;
  /** The session's own spending limit, set by a person (`/samocode budget`); beats the run's. */
  budgetUsd?: number;
  /** Consecutive iterations that ended without a signal; one is forgiven, two block. */
  missingSignals: number;
  /** The CLI session's branch when it is not `<GIT_BRANCH_PREFIX>/<slug>` (an imported session's). */
  branch?: string;
  totals: Totals;
}

const count = z.number().int().min(0);

const stateSchema = z.object({
  version: z.literal(1),
  name: z.string().min(1),
  task: z.string(),
  dive: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  phase: z.enum(PHASES),
  status: z.enum(SESSION_STATUSES),
  iteration: count,
  phaseIterations: z.partialRecord(z.enum(PHASES), count),
  gates: z.object({ requirements: z.enum(GATE_STATES), planning: z.enum(GATE_STATES) }),
  waitingFor: z.enum(SESSION_WAITS).optional(),
  qaSlots: z
    .object({
      asked: z.record(z.string(), z.string()),
      people: z.record(z.string(), z.string()),
    })
    .optional(),
  blocked: z
    .object({ kind: z.enum(BLOCK_KINDS), reason: z.string(), needs: z.string().optional() })
    .optional(),
  summary: z.string().optional(),
  budgetUsd: z.number().positive().optional(),
  missingSignals: count,
  branch: z.string().min(1).optional(),
  totals: z.object({
    costUsd: z.number().min(0),
    turns: count,
    inputTokens: count,
    outputTokens: count,
    agentRuns: count,
    agentMs: z.number().min(0),
  }),
});

export function emptyTotals(): Totals {
  return { costUsd: 0, turns: 0, inputTokens: 0, outputTokens: 0, agentRuns: 0, agentMs: 0 };
}

export function newSessionState(input: {
  name: string;
  task: string;
  dive?: string;
  now: string;
}): SessionState {
  return {
    version: 1,
    name: input.name,
    task: input.task,
    ...(input.dive ? { dive: input.dive } : {}),
    createdAt: input.now,
    updatedAt: input.now,
    phase: FIRST_PHASE,
    status: 'running',
    iteration: 0,
    phaseIterations: {},
    gates: { requirements: 'closed', planning: 'closed' },
    missingSignals: 0,
    totals: emptyTotals(),
  };
}

export type StateParse = { ok: true; state: SessionState } | { ok: false; error: string };

export function parseSessionState(text: string): StateParse {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `"${issue.path.join('.') || '(root)'}": ${issue.message}`);
    return { ok: false, error: problems.join('; ') };
  }
  return { ok: true, state: parsed.data };
}

export function serializeSessionState(state: SessionState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

export function phaseIterationsOf(state: SessionState, phase: Phase = state.phase): number {
  return state.phaseIterations[phase] ?? 0;
}
