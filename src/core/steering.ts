// What a person's steering commands do to a session: pause it after the current iteration, rewind
// it to an earlier phase, skip the current phase, or change its budget. Like the gates, each
// returns the new state or says in one sentence why it does not apply now.
import type { GateResult } from './gates.js';
import { formatUsd } from './money.js';
import { NEXT_PHASES, PHASES } from './phases.js';
import type { Phase } from './phases.js';
import type { SessionState } from './session-state.js';

/** Without its gate fields: a steered session is running (or paused), never at a gate or blocked. */
function unblocked(state: SessionState): SessionState {
  const { waitingFor: _w, blocked: _b, ...rest } = state;
  return rest;
}

/** The session finishes the iteration it is in, then waits for a person to resume it. */
export function pauseSession(state: SessionState, now: string): GateResult {
  if (state.status !== 'running') {
    return {
      ok: false,
      error: `session "${state.name}" is ${state.status === 'waiting' ? `already waiting (for ${state.waitingFor ?? 'a person'})` : state.status}: there is nothing to pause`,
    };
  }
  return {
    ok: true,
    state: { ...state, status: 'waiting', waitingFor: 'human_action', updatedAt: now },
    message: `paused in phase ${state.phase}; resume to continue`,
  };
}

/**
 * Goes back to an earlier phase and runs from there. The history and the session folder are kept;
 * the gates from that phase on close again, so requirements asks anew and a new plan needs a new
 * approval.
 */
export function rewindSession(state: SessionState, to: Phase, now: string): GateResult {
  const from = PHASES.indexOf(state.phase);
  const target = PHASES.indexOf(to);
  if (state.status === 'done') {
    return {
      ok: false,
      error: `session "${state.name}" is done; start a new session for more work`,
    };
  }
  if (target >= from) {
    const earlier =
      from === 0
        ? `"${state.phase}" is the first phase`
        : `rewind goes back to an earlier phase (${PHASES.slice(0, from).join(', ')})`;
    return {
      ok: false,
      error: `cannot rewind from "${state.phase}" to "${to}": ${earlier}`,
    };
  }
  const gates = { ...state.gates };
  if (target <= PHASES.indexOf('requirements')) gates.requirements = 'closed';
  if (target <= PHASES.indexOf('planning')) gates.planning = 'closed';
  return {
    ok: true,
    state: {
      ...unblocked(state),
      status: 'running',
      phase: to,
      phaseIterations: { ...state.phaseIterations, [to]: 0 },
      gates,
      missingSignals: 0,
      updatedAt: now,
    },
    message: `rewound from ${state.phase} to ${to}`,
  };
}

/**
 * Moves on to the phase that follows in the transition table. Skipping a gate phase passes its gate:
 * the person who may approve chose to go on without it.
 */
export function skipPhase(state: SessionState, now: string): GateResult {
  // Forward only: quality and testing lead to each other, and skipping must not loop between them.
  const next = NEXT_PHASES[state.phase].find(
    (p) => PHASES.indexOf(p) > PHASES.indexOf(state.phase),
  );
  if (state.status === 'done' || !next) {
    return {
      ok: false,
      error: `session "${state.name}" is in phase "${state.phase}", which has no next phase to skip to`,
    };
  }
  const gates = { ...state.gates };
  if (state.phase === 'requirements') gates.requirements = 'passed';
  if (state.phase === 'planning') gates.planning = 'passed';
  return {
    ok: true,
    state: {
      ...unblocked(state),
      status: 'running',
      phase: next,
      gates,
      missingSignals: 0,
      updatedAt: now,
    },
    message: `skipped ${state.phase}; ${next} starts`,
  };
}

/** Sets the session's own spending limit; a session blocked on its budget runs again when it fits. */
export function setBudget(state: SessionState, usd: number, now: string): GateResult {
  if (!Number.isFinite(usd) || usd <= 0) {
    return { ok: false, error: `the budget must be a positive amount in USD, like 25 or 7.50` };
  }
  const spent = state.totals.costUsd;
  const freed = state.status === 'blocked' && state.blocked?.kind === 'budget' && usd > spent;
  const next: SessionState = freed
    ? { ...unblocked(state), status: 'running', budgetUsd: usd, updatedAt: now }
    : { ...state, budgetUsd: usd, updatedAt: now };
  const room =
    usd > spent
      ? `${formatUsd(usd - spent)} left`
      : `already spent ${formatUsd(spent)}: the next iteration blocks`;
  return {
    ok: true,
    state: next,
    message: `budget set to ${formatUsd(usd)} (${room})${freed ? '; the session continues' : ''}`,
  };
}

/** Reads `25`, `$25`, `7.50` or `7,50 USD` as an amount; undefined when it is not one. */
export function parseUsd(text: string): number | undefined {
  const match = /^\$?\s*(\d+(?:[.,]\d{1,4})?)\s*(?:usd)?$/i.exec(text.trim());
  if (!match?.[1]) return undefined;
  return Number(match[1].replace(',', '.'));
}
