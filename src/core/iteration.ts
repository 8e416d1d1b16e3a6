// The loop's decisions: whether another iteration may start, and what an iteration's signal
// does to the session. Pure functions from state to state; the app layer carries them out.
import {
  ALLOWED_SIGNALS,
  ALLOWED_WAITS,
  NEXT_PHASES,
  PHASE_ITERATION_CAPS,
  canMove,
} from './phases.js';
import type { Phase, SessionWait, WaitReason } from './phases.js';
import { formatUsd } from './money.js';
import { parseSignal } from './signal.js';
import type { Signal } from './signal.js';
import { phaseIterationsOf } from './session-state.js';
import type { BlockKind, SessionState } from './session-state.js';

export interface Limits {
  caps?: Readonly<Record<Phase, number>>;
  /** Session-wide spending limit; checked before each iteration. */
  maxCostUsd?: number;
}

export type NextStep =
  { kind: 'run' } | { kind: 'stop'; reason: string } | { kind: 'block'; state: SessionState };

export function planNextIteration(state: SessionState, limits: Limits, now: string): NextStep {
  if (state.status !== 'running') return { kind: 'stop', reason: `session is ${state.status}` };
  const caps = limits.caps ?? PHASE_ITERATION_CAPS;
  const used = phaseIterationsOf(state);
  if (used >= caps[state.phase]) {
    const reason =
      `phase "${state.phase}" used its cap of ${caps[state.phase]} iterations without moving on; ` +
      `check _overview.md for a loop, then resume to grant the phase another ${caps[state.phase]}`;
    return { kind: 'block', state: block(state, 'cap', reason, now) };
  }
  // The run's limit (an input or setting) is a ceiling that a session's own budget cannot raise.
  const ceiling = limits.maxCostUsd ?? Infinity;
  const own = state.budgetUsd ?? Infinity;
  const budget = Math.min(own, ceiling);
  if (budget !== Infinity && state.totals.costUsd >= budget) {
    const raise =
      own <= ceiling
        ? 'raise it with `/samocode budget <usd>` (or `samocode budget`)'
        : 'raise the limit (the max-cost-usd input, --max-cost-usd or SAMOCODE_MAX_COST_USD) and resume';
    const reason = `session cost ${formatUsd(state.totals.costUsd)} reached the budget of ${formatUsd(budget)}; ${raise}`;
    return { kind: 'block', state: block(state, 'budget', reason, now) };
  }
  return { kind: 'run' };
}

/** Counts the iteration that is about to run, before the agent starts, so a crash still counts it. */
export function beginIteration(state: SessionState, now: string): SessionState {
  return {
    ...state,
    iteration: state.iteration + 1,
    phaseIterations: { ...state.phaseIterations, [state.phase]: phaseIterationsOf(state) + 1 },
    updatedAt: now,
  };
}

export interface AgentOutcome {
  ok: boolean;
  /** Why the agent failed, after any retries. */
  error?: string;
  costUsd?: number;
  turns?: number;
  inputTokens?: number;
  outputTokens?: number;
  durationMs: number;
}

export type IterationOutcome = 'continue' | 'retry-missing-signal' | 'waiting' | 'blocked' | 'done';

export interface IterationVerdict {
  state: SessionState;
  outcome: IterationOutcome;
  signal?: Signal;
  /** One sentence on what happened, for logs, history and notifications. */
  message: string;
}

export function judgeIteration(
  before: SessionState,
  input: { agent: AgentOutcome; signalText: string | null; now: string },
): IterationVerdict {
  const state = addTotals(before, input.agent, input.now);
  if (!input.agent.ok) {
    const reason = `agent failed: ${input.agent.error ?? 'unknown error'}`;
    return blocked(state, 'agent-error', reason);
  }
  if (input.signalText === null || isEmptySignal(input.signalText)) {
    if (state.missingSignals === 0) {
      return {
        state: { ...state, missingSignals: 1 },
        outcome: 'retry-missing-signal',
        message: 'the agent wrote no _signal.json; running the iteration again with a reminder',
      };
    }
    return blocked(
      { ...state, missingSignals: state.missingSignals + 1 },
      'protocol',
      'the agent ended two iterations in a row without writing _signal.json',
    );
  }
  const parsed = parseSignal(input.signalText);
  if (!parsed.ok) return blocked(state, 'protocol', parsed.error);
  return applySignal({ ...state, missingSignals: 0 }, parsed.signal);
}

function applySignal(state: SessionState, signal: Signal): IterationVerdict {
  const phase = state.phase;
  const withSignal = (verdict: IterationVerdict): IterationVerdict => ({ ...verdict, signal });
  if (!ALLOWED_SIGNALS[phase].includes(signal.status)) {
    const allowed = ALLOWED_SIGNALS[phase].join(', ');
    return withSignal(
      blocked(
        state,
        'protocol',
        `signal "${signal.status}" is not allowed in phase "${phase}" (allowed: ${allowed})`,
      ),
    );
  }
  switch (signal.status) {
    case 'blocked':
      return withSignal(
        blocked(
          state,
          'agent',
          signal.reason?.trim() || 'the agent signalled blocked without giving a reason',
          signal.needs,
        ),
      );
    case 'done': {
      // `done` ends the session whatever phase it names: a stray phase is read as `done`, with a
      // warning kept in the history (docs/signal-protocol.md).
      const stray =
        signal.phase !== undefined && signal.phase !== 'done'
          ? ` (warning: the "done" signal named phase "${signal.phase}"; read as "done")`
          : '';
      return withSignal({
        state: { ...state, status: 'done', summary: signal.summary ?? '' },
        outcome: 'done',
        message: `session done${stray}: ${signal.summary ?? '(no summary)'}`,
      });
    }
    case 'waiting':
      return withSignal(applyWaiting(state, signal.for as WaitReason, signal.phase));
    case 'continue':
      return withSignal(applyContinue(state, signal.phase ?? phase));
  }
}

function applyWaiting(state: SessionState, reason: WaitReason, target?: Phase): IterationVerdict {
  const phase = state.phase;
  if (!ALLOWED_WAITS[phase].includes(reason)) {
    const allowed = ALLOWED_WAITS[phase].join(', ');
    return blocked(
      state,
      'protocol',
      `phase "${phase}" cannot wait for "${reason}" (it may wait for: ${allowed})`,
    );
  }
  if (target !== undefined && target !== phase) {
    return blocked(
      state,
      'protocol',
      `a "waiting" signal stays in its phase: got phase "${target}" while in "${phase}"`,
    );
  }
  const gates = { ...state.gates };
  if (reason === 'qa_answers') gates.requirements = 'open';
  if (reason === 'plan_approval') gates.planning = 'open';
  return {
    state: { ...state, status: 'waiting', waitingFor: reason, gates },
    outcome: 'waiting',
    message: `waiting for ${WAIT_LABELS[reason]}`,
  };
}

function applyContinue(state: SessionState, target: Phase): IterationVerdict {
  const phase = state.phase;
  if (!canMove(phase, target)) {
    return blocked(
      state,
      'protocol',
      `illegal transition "${phase}" → "${target}" (from "${phase}" the session may go to: ` +
        `${[phase, ...NEXT_PHASES[phase]].join(', ')})`,
    );
  }
  if (phase === 'requirements' && target === 'planning' && state.gates.requirements !== 'passed') {
    return blocked(
      state,
      'protocol',
      'skipped gate: leaving "requirements" needs answered questions; write _qa.md and signal ' +
        '{"status": "waiting", "for": "qa_answers"} first',
    );
  }
  if (phase === 'planning' && target === 'implementation') {
    return blocked(
      state,
      'protocol',
      'skipped gate: only a person\'s approval moves "planning" to "implementation"; signal ' +
        '{"status": "waiting", "for": "plan_approval"} instead',
    );
  }
  const moved = target !== phase;
  return {
    state: { ...state, phase: target },
    outcome: 'continue',
    message: moved ? `moved to ${target}` : `continuing ${phase}`,
  };
}

export const WAIT_LABELS: Readonly<Record<SessionWait, string>> = {
  qa_answers: 'answers to the questions in _qa.md',
  plan_approval: 'approval of the plan',
  human_action: 'a person to act (see _overview.md)',
  ci_checks: 'the CI checks of the latest commit',
};

function blocked(
  state: SessionState,
  kind: BlockKind,
  reason: string,
  needs?: string,
): IterationVerdict {
  return {
    state: block(state, kind, reason, undefined, needs),
    outcome: 'blocked',
    message: `blocked: ${reason}`,
  };
}

export function block(
  state: SessionState,
  kind: BlockKind,
  reason: string,
  now?: string,
  needs?: string,
): SessionState {
  return {
    ...state,
    status: 'blocked',
    blocked: { kind, reason, ...(needs ? { needs } : {}) },
    ...(now ? { updatedAt: now } : {}),
  };
}

function addTotals(state: SessionState, agent: AgentOutcome, now: string): SessionState {
  const t = state.totals;
  return {
    ...state,
    updatedAt: now,
    totals: {
      costUsd: t.costUsd + (agent.costUsd ?? 0),
      turns: t.turns + (agent.turns ?? 0),
      inputTokens: t.inputTokens + (agent.inputTokens ?? 0),
      outputTokens: t.outputTokens + (agent.outputTokens ?? 0),
      agentRuns: t.agentRuns + 1,
      agentMs: t.agentMs + agent.durationMs,
    },
  };
}

function isEmptySignal(text: string): boolean {
  const trimmed = text.trim();
  return trimmed === '' || trimmed === '{}';
}
