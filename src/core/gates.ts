// What a person's answer, approval, review or resume does to a session. Each returns the new
// state or says, in one sentence, why it does not apply right now.
import type { SessionState } from './session-state.js';

export type GateResult =
  { ok: true; state: SessionState; message: string } | { ok: false; error: string };

function notWaitingFor(state: SessionState, what: string): GateResult {
  const now =
    state.status === 'waiting'
      ? `it is waiting for ${state.waitingFor ?? 'something else'}`
      : `it is ${state.status}${state.status === 'blocked' && state.blocked ? ` (${state.blocked.reason})` : ''}`;
  return { ok: false, error: `session "${state.name}" is not waiting for ${what}: ${now}` };
}

/** Answers were written into `_qa.md`: the requirements agent runs again with them. */
export function acceptAnswers(state: SessionState, now: string): GateResult {
  if (state.status !== 'waiting' || state.waitingFor !== 'qa_answers') {
    return notWaitingFor(state, 'answers');
  }
  const { waitingFor: _done, ...rest } = state;
  return {
    ok: true,
    state: {
      ...rest,
      status: 'running',
      gates: { ...state.gates, requirements: 'passed' },
      updatedAt: now,
    },
    message: 'answers recorded; the requirements phase continues with them',
  };
}

/** The plan was approved: the session moves straight to implementation. */
export function approvePlan(state: SessionState, now: string): GateResult {
  if (state.status !== 'waiting' || state.waitingFor !== 'plan_approval') {
    return notWaitingFor(state, 'plan approval');
  }
  const { waitingFor: _done, ...rest } = state;
  return {
    ok: true,
    state: {
      ...rest,
      status: 'running',
      phase: 'implementation',
      gates: { ...state.gates, planning: 'passed' },
      updatedAt: now,
    },
    message: 'plan approved; implementation starts',
  };
}

/**
 * The approval that opened the plan gate was withdrawn (its review dismissed) before implementation
 * did anything: the session waits for approval of the same plan again.
 */
export function withdrawApproval(state: SessionState, now: string): GateResult {
  if (state.status !== 'running' || state.phase !== 'implementation') {
    return {
      ok: false,
      error: `the plan approval of session "${state.name}" cannot be withdrawn: it is ${state.status} in ${state.phase}`,
    };
  }
  return {
    ok: true,
    state: {
      ...state,
      status: 'waiting',
      waitingFor: 'plan_approval',
      phase: 'planning',
      gates: { ...state.gates, planning: 'open' },
      updatedAt: now,
    },
    message:
      'plan approval withdrawn (the approving review was dismissed); waiting for approval again',
  };
}

/** The plan was sent back with feedback: planning runs again and must ask for approval anew. */
export function requestPlanChanges(state: SessionState, now: string): GateResult {
  if (state.status !== 'waiting' || state.waitingFor !== 'plan_approval') {
    return notWaitingFor(state, 'plan approval');
  }
  const { waitingFor: _done, ...rest } = state;
  return {
    ok: true,
    state: {
      ...rest,
      status: 'running',
      phase: 'planning',
      gates: { ...state.gates, planning: 'closed' },
      updatedAt: now,
    },
    message: 'changes requested; planning revises the plan',
  };
}

/**
 * Resumes a blocked session, one waiting for a person to act, or a running session whose last run
 * stopped early. A phase blocked on its cap gets a fresh allowance; gates still need answers.
 */
export function resumeSession(state: SessionState, now: string): GateResult {
  if (state.status === 'done') {
    return {
      ok: false,
      error: `session "${state.name}" is done; start a new session for more work`,
    };
  }
  if (state.status === 'waiting' && state.waitingFor === 'qa_answers') {
    return {
      ok: false,
      error: `session "${state.name}" is waiting for answers: answer the questions in _qa.md first`,
    };
  }
  if (state.status === 'waiting' && state.waitingFor === 'plan_approval') {
    return {
      ok: false,
      error: `session "${state.name}" is waiting for plan approval: approve the plan or request changes`,
    };
  }
  const { waitingFor: _w, blocked, ...rest } = state;
  const phaseIterations =
    blocked?.kind === 'cap'
      ? { ...state.phaseIterations, [state.phase]: 0 }
      : state.phaseIterations;
  return {
    ok: true,
    state: { ...rest, status: 'running', phaseIterations, missingSignals: 0, updatedAt: now },
    message:
      state.status === 'running'
        ? 'session continues'
        : `session resumed in phase ${state.phase}${blocked ? ` (was blocked: ${blocked.reason})` : ''}`,
  };
}
