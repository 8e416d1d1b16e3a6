import { describe, expect, it } from 'vitest';
import { beginIteration, judgeIteration, planNextIteration } from '../../src/core/iteration.js';
import {
  ALLOWED_SIGNALS,
  NEXT_PHASES,
  PHASES,
  PHASE_ITERATION_CAPS,
  SIGNAL_STATUSES,
} from '../../src/core/phases.js';
import type { Phase, SignalStatus } from '../../src/core/phases.js';
import { newSessionState } from '../../src/core/session-state.js';
import type { SessionState } from '../../src/core/session-state.js';

const NOW = '2026-11-25T10:00:00.000Z';
const ok = { ok: true, durationMs: 1 } as const;

function inPhase(phase: Phase, patch: Partial<SessionState> = {}): SessionState {
  return { ...newSessionState({ name: '26-11-25-x', task: 't', now: NOW }), phase, ...patch };
}

function judge(state: SessionState, signal: unknown) {
  return judgeIteration(state, {
    agent: ok,
    signalText: typeof signal === 'string' ? signal : JSON.stringify(signal),
    now: NOW,
  });
}

const EXPECTED_NEXT: Record<Phase, Phase[]> = {
  init: ['investigation'],
  investigation: ['requirements'],
  requirements: ['planning'],
  planning: ['implementation'],
  implementation: ['testing', 'quality'],
  testing: ['quality', 'done'],
  quality: ['testing', 'done'],
  done: [],
};

const EXPECTED_SIGNALS: Record<Phase, SignalStatus[]> = {
  init: ['continue', 'blocked'],
  investigation: ['continue', 'blocked'],
  requirements: ['continue', 'waiting', 'blocked'],
  planning: ['continue', 'waiting', 'blocked'],
  implementation: ['continue', 'waiting', 'blocked'],
  testing: ['continue', 'blocked'],
  quality: ['continue', 'blocked'],
  done: ['done', 'blocked'],
};

describe('phase tables', () => {
  it('match the protocol', () => {
    expect(NEXT_PHASES).toEqual(EXPECTED_NEXT);
    expect(ALLOWED_SIGNALS).toEqual(EXPECTED_SIGNALS);
    expect(PHASE_ITERATION_CAPS).toEqual({
      init: 5,
      investigation: 20,
      requirements: 10,
      planning: 10,
      implementation: 100,
      testing: 20,
      quality: 10,
      done: 3,
    });
  });
});

describe('continue transitions, every pair', () => {
  // Gates passed, so only the transition table decides (planning → implementation is never a signal's to make).
  const cases = PHASES.filter((p) => p !== 'done').flatMap((from) =>
    PHASES.map((to) => [from, to] as const),
  );
  it.each(cases)('%s → %s', (from, to) => {
    const state = inPhase(from, { gates: { requirements: 'passed', planning: 'passed' } });
    const verdict = judge(state, { status: 'continue', phase: to });
    const legal = from === to || EXPECTED_NEXT[from].includes(to);
    const gateOnly = from === 'planning' && to === 'implementation';
    if (legal && !gateOnly) {
      expect(verdict.outcome).toBe('continue');
      expect(verdict.state.phase).toBe(to);
      expect(verdict.state.status).toBe('running');
    } else {
      expect(verdict.outcome).toBe('blocked');
      expect(verdict.state.phase).toBe(from);
      expect(verdict.state.blocked?.kind).toBe('protocol');
      expect(verdict.state.blocked?.reason).toMatch(
        gateOnly ? /skipped gate/ : new RegExp(`illegal transition "${from}" → "${to}"`),
      );
    }
  });
});

describe('signals allowed per phase', () => {
  const signals: Record<SignalStatus, object> = {
    continue: { status: 'continue' },
    done: { status: 'done', summary: 'all good' },
    blocked: { status: 'blocked', reason: 'need a key', needs: 'API key' },
    waiting: { status: 'waiting', for: 'human_action' },
  };
  const cases = PHASES.flatMap((phase) =>
    SIGNAL_STATUSES.map((status) => [phase, status] as const),
  );
  it.each(cases)('%s accepts %s?', (phase, status) => {
    const verdict = judge(inPhase(phase), signals[status]);
    const allowed = EXPECTED_SIGNALS[phase].includes(status);
    const waitAllowed =
      status !== 'waiting' || ['requirements', 'planning', 'implementation'].includes(phase);
    if (!allowed) {
      expect(verdict.outcome).toBe('blocked');
      expect(verdict.state.blocked?.reason).toBe(
        `signal "${status}" is not allowed in phase "${phase}" (allowed: ${EXPECTED_SIGNALS[phase].join(', ')})`,
      );
      return;
    }
    expect(waitAllowed).toBe(true);
    const expected = { continue: 'continue', done: 'done', blocked: 'blocked', waiting: 'waiting' }[
      status
    ];
    expect(verdict.outcome).toBe(expected);
    if (status === 'blocked')
      expect(verdict.state.blocked).toEqual({
        kind: 'agent',
        reason: 'need a key',
        needs: 'API key',
      });
    if (status === 'done')
      expect(verdict.state).toMatchObject({ status: 'done', summary: 'all good' });
    if (status === 'waiting')
      expect(verdict.state).toMatchObject({ status: 'waiting', waitingFor: 'human_action' });
  });
});

describe('gates', () => {
  it('requirements cannot reach planning before a person answered', () => {
    const verdict = judge(inPhase('requirements'), { status: 'continue', phase: 'planning' });
    expect(verdict.outcome).toBe('blocked');
    expect(verdict.state.blocked?.reason).toMatch(
      /^skipped gate: leaving "requirements" needs answered questions/,
    );
  });

  it('an open but unanswered gate still blocks', () => {
    const state = inPhase('requirements', { gates: { requirements: 'open', planning: 'closed' } });
    expect(judge(state, { status: 'continue', phase: 'planning' }).outcome).toBe('blocked');
  });

  it('answered questions let requirements move to planning', () => {
    const state = inPhase('requirements', {
      gates: { requirements: 'passed', planning: 'closed' },
    });
    const verdict = judge(state, { status: 'continue', phase: 'planning' });
    expect(verdict.state.phase).toBe('planning');
  });

  it('waiting for answers opens the requirements gate, and asking again re-opens it', () => {
    const asked = judge(inPhase('requirements'), { status: 'waiting', for: 'qa_answers' });
    expect(asked.state).toMatchObject({
      status: 'waiting',
      waitingFor: 'qa_answers',
      gates: { requirements: 'open' },
    });
    const again = judge(
      inPhase('requirements', { gates: { requirements: 'passed', planning: 'closed' } }),
      {
        status: 'waiting',
        for: 'qa_answers',
      },
    );
    expect(again.state.gates.requirements).toBe('open');
  });

  it('waiting for plan approval opens the planning gate', () => {
    const verdict = judge(inPhase('planning'), {
      status: 'waiting',
      for: 'plan_approval',
      phase: 'planning',
    });
    expect(verdict.state).toMatchObject({
      status: 'waiting',
      waitingFor: 'plan_approval',
      gates: { planning: 'open' },
    });
  });

  it.each([
    ['requirements', 'plan_approval'],
    ['planning', 'qa_answers'],
    ['implementation', 'qa_answers'],
    ['implementation', 'plan_approval'],
  ] as const)('%s cannot wait for %s', (phase, reason) => {
    const verdict = judge(inPhase(phase), { status: 'waiting', for: reason });
    expect(verdict.outcome).toBe('blocked');
    expect(verdict.state.blocked?.reason).toMatch(
      new RegExp(`phase "${phase}" cannot wait for "${reason}"`),
    );
  });

  it('a waiting signal may not name another phase', () => {
    const verdict = judge(inPhase('planning'), {
      status: 'waiting',
      for: 'plan_approval',
      phase: 'implementation',
    });
    expect(verdict.state.blocked?.reason).toMatch(/a "waiting" signal stays in its phase/);
  });
});

describe('iteration caps', () => {
  it.each(PHASES.map((p) => [p, PHASE_ITERATION_CAPS[p]] as const))(
    '%s blocks once it used %i iterations',
    (phase, cap) => {
      const under = inPhase(phase, { phaseIterations: { [phase]: cap - 1 } });
      expect(planNextIteration(under, {}, NOW)).toEqual({ kind: 'run' });
      const at = inPhase(phase, { phaseIterations: { [phase]: cap } });
      const step = planNextIteration(at, {}, NOW);
      expect(step.kind).toBe('block');
      if (step.kind !== 'block') return;
      expect(step.state.blocked?.kind).toBe('cap');
      expect(step.state.blocked?.reason).toContain(
        `phase "${phase}" used its cap of ${cap} iterations`,
      );
    },
  );

  it('counts iterations per phase and in all', () => {
    const state = beginIteration(beginIteration(inPhase('testing'), NOW), NOW);
    expect(state.iteration).toBe(2);
    expect(state.phaseIterations).toEqual({ testing: 2 });
  });

  it('custom caps apply', () => {
    const state = inPhase('init', { phaseIterations: { init: 1 } });
    const caps = { ...PHASE_ITERATION_CAPS, init: 1 };
    expect(planNextIteration(state, { caps }, NOW).kind).toBe('block');
  });

  it('a session that is not running does not start an iteration', () => {
    expect(planNextIteration(inPhase('planning', { status: 'waiting' }), {}, NOW)).toEqual({
      kind: 'stop',
      reason: 'session is waiting',
    });
  });
});

describe('budget', () => {
  it('blocks before the next iteration once the recorded cost reaches the budget', () => {
    const state = inPhase('implementation', {
      totals: { ...inPhase('init').totals, costUsd: 5.01 },
    });
    const step = planNextIteration(state, { maxCostUsd: 5 }, NOW);
    expect(step.kind).toBe('block');
    if (step.kind === 'block')
      expect(step.state.blocked?.reason).toMatch(
        /session cost \$5\.01 reached the budget of \$5\.00; raise the limit \(the max-cost-usd input/,
      );
    expect(planNextIteration(state, { maxCostUsd: 6 }, NOW)).toEqual({ kind: 'run' });
  });
});

describe('bad and missing signals', () => {
  it('a missing signal is retried once, then blocks', () => {
    const first = judgeIteration(inPhase('investigation'), {
      agent: ok,
      signalText: null,
      now: NOW,
    });
    expect(first.outcome).toBe('retry-missing-signal');
    expect(first.state.missingSignals).toBe(1);
    const second = judgeIteration(first.state, { agent: ok, signalText: '{}', now: NOW });
    expect(second.outcome).toBe('blocked');
    expect(second.state.blocked?.reason).toBe(
      'the agent ended two iterations in a row without writing _signal.json',
    );
  });

  it('a good signal resets the missing-signal count', () => {
    const state = inPhase('investigation', { missingSignals: 1 });
    expect(judge(state, { status: 'continue' }).state.missingSignals).toBe(0);
  });

  it.each([
    ['not json', '{status: continue}', /_signal\.json is not valid JSON/],
    ['an array', '[]', /must hold a JSON object/],
    [
      'unknown status',
      '{"status": "finished"}',
      /"status": expected one of continue, done, blocked, waiting \(got "finished"\)/,
    ],
    [
      'unknown phase',
      '{"status": "continue", "phase": "deploy"}',
      /"phase": expected one of init, .* \(got "deploy"\)/,
    ],
    ['waiting without for', '{"status": "waiting"}', /"for": a "waiting" signal needs "for"/],
    [
      'unknown wait',
      '{"status": "waiting", "for": "coffee"}',
      /"for": expected one of qa_answers, plan_approval, human_action/,
    ],
  ])('%s blocks with a precise reason', (_name, text, reason) => {
    const verdict = judge(inPhase('requirements'), text);
    expect(verdict.outcome).toBe('blocked');
    expect(verdict.state.blocked?.kind).toBe('protocol');
    expect(verdict.state.blocked?.reason).toMatch(reason);
  });

  it('an agent failure blocks with its message and still counts its cost', () => {
    const verdict = judgeIteration(inPhase('testing'), {
      agent: { ok: false, error: 'API error 529: overloaded', durationMs: 3, costUsd: 0.5 },
      signalText: null,
      now: NOW,
    });
    expect(verdict.state.blocked).toEqual({
      kind: 'agent-error',
      reason: 'agent failed: API error 529: overloaded',
    });
    expect(verdict.state.totals.costUsd).toBe(0.5);
  });

  it('adds the agent numbers to the totals', () => {
    const verdict = judgeIteration(inPhase('init'), {
      agent: {
        ok: true,
        durationMs: 1500,
        costUsd: 0.25,
        turns: 3,
        inputTokens: 100,
        outputTokens: 40,
      },
      signalText: '{"status":"continue","phase":"investigation"}',
      now: NOW,
    });
    expect(verdict.state.totals).toEqual({
      costUsd: 0.25,
      turns: 3,
      inputTokens: 100,
      outputTokens: 40,
      agentRuns: 1,
      agentMs: 1500,
    });
  });
});
