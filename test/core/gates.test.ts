import { describe, expect, it } from 'vitest';
import {
  acceptAnswers,
  approvePlan,
  requestPlanChanges,
  resumeSession,
  withdrawApproval,
} from '../../src/core/gates.js';
import { newSessionState } from '../../src/core/session-state.js';
import type { SessionState } from '../../src/core/session-state.js';

const NOW = '2026-11-25T10:00:00.000Z';
const base = newSessionState({ name: '26-11-25-x', task: 't', now: NOW });
const waiting = (
  waitingFor: SessionState['waitingFor'],
  phase: SessionState['phase'],
): SessionState => ({
  ...base,
  phase,
  status: 'waiting',
  waitingFor,
  gates: {
    requirements: phase === 'requirements' ? 'open' : 'passed',
    planning: phase === 'planning' ? 'open' : 'closed',
  },
});

describe('acceptAnswers', () => {
  it('passes the requirements gate and keeps the phase', () => {
    const result = acceptAnswers(waiting('qa_answers', 'requirements'), NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.state).toMatchObject({
      status: 'running',
      phase: 'requirements',
      gates: { requirements: 'passed' },
    });
    expect(result.state.waitingFor).toBeUndefined();
  });

  it('refuses when the session waits for something else', () => {
    const result = acceptAnswers(waiting('plan_approval', 'planning'), NOW);
    expect(result).toEqual({
      ok: false,
      error: 'session "26-11-25-x" is not waiting for answers: it is waiting for plan_approval',
    });
  });
});

describe('approvePlan', () => {
  it('moves the session to implementation', () => {
    const result = approvePlan(waiting('plan_approval', 'planning'), NOW);
    expect(result.ok && result.state).toMatchObject({
      status: 'running',
      phase: 'implementation',
      gates: { planning: 'passed' },
    });
  });

  it('refuses a running session', () => {
    const result = approvePlan({ ...base, phase: 'planning' }, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toBe(
        'session "26-11-25-x" is not waiting for plan approval: it is running',
      );
  });
});

describe('withdrawApproval', () => {
  it('puts an approved session back to waiting for approval of its plan', () => {
    const approved = approvePlan(waiting('plan_approval', 'planning'), NOW);
    if (!approved.ok) throw new Error(approved.error);
    const result = withdrawApproval(approved.state, NOW);
    expect(result.ok && result.state).toMatchObject({
      status: 'waiting',
      waitingFor: 'plan_approval',
      phase: 'planning',
      gates: { planning: 'open' },
    });
  });

  it('refuses a session that is not running in implementation', () => {
    const result = withdrawApproval(waiting('plan_approval', 'planning'), NOW);
    expect(result).toEqual({
      ok: false,
      error:
        'the plan approval of session "26-11-25-x" cannot be withdrawn: it is waiting in planning',
    });
  });
});

describe('requestPlanChanges', () => {
  it('sends the session back to planning with the gate closed', () => {
    const result = requestPlanChanges(waiting('plan_approval', 'planning'), NOW);
    expect(result.ok && result.state).toMatchObject({
      status: 'running',
      phase: 'planning',
      gates: { planning: 'closed' },
    });
  });
});

describe('resumeSession', () => {
  it('clears a block and grants a capped phase a fresh allowance', () => {
    const blocked: SessionState = {
      ...base,
      phase: 'testing',
      status: 'blocked',
      phaseIterations: { testing: 20, init: 2 },
      blocked: { kind: 'cap', reason: 'cap' },
      missingSignals: 2,
    };
    const result = resumeSession(blocked, NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.state.status).toBe('running');
    expect(result.state.blocked).toBeUndefined();
    expect(result.state.phaseIterations).toEqual({ testing: 0, init: 2 });
    expect(result.state.missingSignals).toBe(0);
  });

  it('keeps the count for other kinds of block', () => {
    const blocked: SessionState = {
      ...base,
      phase: 'testing',
      status: 'blocked',
      phaseIterations: { testing: 4 },
      blocked: { kind: 'agent', reason: 'x' },
    };
    const result = resumeSession(blocked, NOW);
    expect(result.ok && result.state.phaseIterations).toEqual({ testing: 4 });
  });

  it('continues a session waiting for a person to act', () => {
    const result = resumeSession(waiting('human_action', 'implementation'), NOW);
    expect(result.ok && result.state).toMatchObject({ status: 'running', phase: 'implementation' });
  });

  it.each([
    ['qa_answers', 'requirements', /waiting for answers/],
    ['plan_approval', 'planning', /waiting for plan approval/],
  ] as const)('does not skip the %s gate', (reason, phase, message) => {
    const result = resumeSession(waiting(reason, phase), NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it('refuses a finished session', () => {
    const result = resumeSession({ ...base, status: 'done' }, NOW);
    expect(result.ok).toBe(false);
  });
});
