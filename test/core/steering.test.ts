import { describe, expect, it } from 'vitest';
import { planNextIteration } from '../../src/core/iteration.js';
import { appendFlowLog, initialOverview } from '../../src/core/overview.js';
import { PHASES } from '../../src/core/phases.js';
import type { Phase } from '../../src/core/phases.js';
import { newSessionState } from '../../src/core/session-state.js';
import type { SessionState } from '../../src/core/session-state.js';
import {
  parseUsd,
  pauseSession,
  rewindSession,
  setBudget,
  skipPhase,
} from '../../src/core/steering.js';

const NOW = '2026-11-25T10:00:00.000Z';
const base = newSessionState({ name: '26-11-25-x', task: 't', now: NOW });
const at = (phase: Phase, patch: Partial<SessionState> = {}): SessionState => ({
  ...base,
  phase,
  iteration: 9,
  phaseIterations: { [phase]: 4 },
  gates: { requirements: 'passed', planning: 'passed' },
  ...patch,
});

describe('pauseSession', () => {
  it('turns a running session into one waiting for a person', () => {
    const result = pauseSession(at('implementation'), NOW);
    expect(result.ok && result.state).toMatchObject({
      status: 'waiting',
      waitingFor: 'human_action',
      phase: 'implementation',
    });
  });

  it('refuses when the session is not running', () => {
    const waiting = at('requirements', { status: 'waiting', waitingFor: 'qa_answers' });
    const result = pauseSession(waiting, NOW);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/already waiting \(for qa_answers\)/);
  });
});

describe('rewindSession', () => {
  it('goes back to planning, closing the plan gate and starting the phase count afresh', () => {
    const result = rewindSession(at('implementation'), 'planning', NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.state).toMatchObject({
      phase: 'planning',
      status: 'running',
      iteration: 9,
      phaseIterations: { planning: 0, implementation: 4 },
      gates: { requirements: 'passed', planning: 'closed' },
    });
    expect(result.message).toBe('rewound from implementation to planning');
  });

  it('closes both gates when going back before requirements', () => {
    const result = rewindSession(at('testing'), 'investigation', NOW);
    expect(result.ok && result.state.gates).toEqual({ requirements: 'closed', planning: 'closed' });
  });

  it('refuses a done session, and says init has nothing before it', () => {
    expect(rewindSession(at('done', { status: 'done' }), 'planning', NOW)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/is done; start a new session for more work/),
    });
    expect(rewindSession(at('init'), 'init', NOW)).toMatchObject({
      ok: false,
      error: 'cannot rewind from "init" to "init": "init" is the first phase',
    });
  });

  it('clears a block and a wait', () => {
    const blocked = at('testing', {
      status: 'blocked',
      blocked: { kind: 'agent', reason: 'tests never pass' },
    });
    const result = rewindSession(blocked, 'implementation', NOW);
    expect(result.ok && result.state.status).toBe('running');
    expect(result.ok && result.state.blocked).toBeUndefined();
  });

  it.each(PHASES.map((p) => [p] as const))('never rewinds forward or in place (%s)', (to) => {
    const result = rewindSession(at('planning'), to, NOW);
    expect(result.ok).toBe(PHASES.indexOf(to) < PHASES.indexOf('planning'));
  });
});

describe('skipPhase', () => {
  it('moves to the next phase of the transition table', () => {
    const result = skipPhase(at('testing'), NOW);
    expect(result.ok && result.state.phase).toBe('quality');
  });

  it('passes the gate of a skipped gate phase so the agent may go on', () => {
    const waiting = at('requirements', {
      status: 'waiting',
      waitingFor: 'qa_answers',
      gates: { requirements: 'open', planning: 'closed' },
    });
    const result = skipPhase(waiting, NOW);
    expect(result.ok && result.state).toMatchObject({
      phase: 'planning',
      status: 'running',
      gates: { requirements: 'passed', planning: 'closed' },
    });
    expect(result.ok && result.state.waitingFor).toBeUndefined();
  });

  it('only goes forward, so testing and quality cannot skip into each other forever', () => {
    expect(skipPhase(at('quality'), NOW).ok && skipPhase(at('quality'), NOW)).toMatchObject({
      state: { phase: 'done' },
    });
    expect(
      skipPhase(at('implementation'), NOW).ok && skipPhase(at('implementation'), NOW),
    ).toMatchObject({
      state: { phase: 'testing' },
    });
  });

  it('refuses in done, which has nowhere to go', () => {
    const result = skipPhase(at('done'), NOW);
    expect(!result.ok && result.error).toMatch(/no next phase/);
  });
});

describe('setBudget', () => {
  const spent = (usd: number, patch: Partial<SessionState> = {}) =>
    at('implementation', { totals: { ...base.totals, costUsd: usd }, ...patch });

  it('becomes the limit the loop checks, under the run option as a ceiling', () => {
    const result = setBudget(spent(3), 5, NOW);
    if (!result.ok) throw new Error(result.error);
    expect(result.message).toBe('budget set to $5.00 ($2.00 left)');
    expect(planNextIteration(result.state, {}, NOW).kind).toBe('run');
    expect(planNextIteration(result.state, { maxCostUsd: 10 }, NOW).kind).toBe('run');
    const capped = planNextIteration(result.state, { maxCostUsd: 3 }, NOW);
    expect(capped.kind === 'block' && capped.state.blocked?.reason).toMatch(
      /reached the budget of \$3\.00; raise the limit \(the max-cost-usd input/,
    );
    const lowered = setBudget(spent(3), 2, NOW);
    if (!lowered.ok) throw new Error(lowered.error);
    const next = planNextIteration(lowered.state, { maxCostUsd: 100 }, NOW);
    expect(next.kind).toBe('block');
    expect(next.kind === 'block' && next.state.blocked?.reason).toMatch(
      /reached the budget of \$2\.00; raise it with `\/samocode budget <usd>`/,
    );
  });

  it('frees a session blocked on its budget when the new one leaves room', () => {
    const blocked = spent(5, {
      status: 'blocked',
      blocked: { kind: 'budget', reason: 'spent' },
    });
    const result = setBudget(blocked, 8, NOW);
    expect(result.ok && result.state.status).toBe('running');
    expect(result.ok && result.message).toMatch(/the session continues$/);
    const still = setBudget(blocked, 4, NOW);
    expect(still.ok && still.state.status).toBe('blocked');
  });

  it('leaves other blocks alone', () => {
    const blocked = spent(5, { status: 'blocked', blocked: { kind: 'agent', reason: 'x' } });
    const result = setBudget(blocked, 50, NOW);
    expect(result.ok && result.state).toMatchObject({
      status: 'blocked',
      budgetUsd: 50,
      blocked: { kind: 'agent' },
    });
  });

  it('refuses nothing-amounts', () => {
    expect(setBudget(spent(0), 0, NOW).ok).toBe(false);
    expect(setBudget(spent(0), Number.NaN, NOW).ok).toBe(false);
  });

  it.each([
    ['25', 25],
    ['$7.50', 7.5],
    ['7,5 USD', 7.5],
    ['ten', undefined],
    ['-3', undefined],
    ['', undefined],
  ])('parses %j as %s', (text, usd) => {
    expect(parseUsd(text)).toBe(usd);
  });
});

describe('appendFlowLog', () => {
  it('adds the line at the end of the Flow Log section, before the next one', () => {
    const text = initialOverview({ name: 'n', task: 'build it', createdAt: NOW });
    const out = appendFlowLog(text, '2026-11-25T11:00Z @octo rewound   to planning');
    expect(out).toContain(
      `## Flow Log\n- ${NOW} session created\n- 2026-11-25T11:00Z @octo rewound to planning\n\n## Files`,
    );
  });

  it('adds the section when the agent lost it, and appends at the end of a last section', () => {
    expect(appendFlowLog('# s\n', 'x')).toBe('# s\n\n## Flow Log\n- x\n');
    expect(appendFlowLog('## Flow Log\n- a\n', 'b')).toBe('## Flow Log\n- a\n- b\n');
  });
});
