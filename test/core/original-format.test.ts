// Reading the original tool's session files: its `_qa.md` form, both history schemas, and the
// state each way a session of the original can stand is rebuilt into.
import { describe, expect, it } from 'vitest';
import { checkAnswers } from '../../src/core/qa-gate.js';
import { importedState, parseOriginalHistory } from '../../src/core/original-format.js';
import { parseQa, unanswered } from '../../src/core/qa.js';
import { ORIGINAL_HISTORY, ORIGINAL_OVERVIEW, ORIGINAL_QA } from '../support/original-session.js';

const NOW = '2026-11-28T05:00:00.000Z';

function rebuild(overview: string, history: string, qa: string | null = null) {
  const plan = importedState({ name: '26-01-15-add-auth', overview, qa, history, now: NOW });
  if (!plan.ok) throw new Error(plan.error);
  return plan.state;
}

const row = (fields: object) =>
  `${JSON.stringify({ timestamp: '2026-01-15 15:00:00', ...fields })}\n`;

describe("the original's _qa.md", () => {
  it('reads ### Qn questions, lettered options and the _waiting_ placeholder as unanswered', () => {
    const questions = parseQa(ORIGINAL_QA);
    expect(questions.map((q) => [q.number, q.title, q.options.length, q.answer])).toEqual([
      [1, 'Where should tokens be stored?', 3, 'A'],
      [2, 'How long should a token live?', 2, undefined],
    ]);
    expect(questions[0]?.suggestion).toBe('A - not readable from scripts');
    expect(unanswered(questions)).toEqual([2]);
    const state = rebuild(ORIGINAL_OVERVIEW, ORIGINAL_HISTORY, ORIGINAL_QA);
    expect(checkAnswers(state, ORIGINAL_QA).missing).toEqual([2]);
  });
});

describe("the original's history", () => {
  it("reads legacy and v2 rows, skipping corrupt lines and this engine's own", () => {
    const text = `${ORIGINAL_HISTORY}not json\n[1]\n{"kind":"human","action":"import"}\n`;
    expect(parseOriginalHistory(text).map((r) => [r.phase, r.status, r.for])).toEqual([
      ['investigation', 'continue', undefined],
      ['investigation', 'continue', undefined],
      ['requirements', 'waiting', 'qa_answers'],
    ]);
  });
});

describe('the rebuilt state', () => {
  it('is blocked with the reason and needs of a blocked last signal', () => {
    const overview = ORIGINAL_OVERVIEW.replace('Phase: requirements', 'Phase: implementation');
    const state = rebuild(
      overview,
      row({
        phase: 'implementation',
        status: 'blocked',
        reason: 'tests need a database',
        needs: 'environment',
      }),
    );
    expect(state).toMatchObject({
      phase: 'implementation',
      status: 'blocked',
      blocked: { kind: 'agent', reason: 'tests need a database', needs: 'environment' },
      gates: { requirements: 'passed', planning: 'passed' },
    });
  });

  it('is blocked when the overview says Blocked: yes', () => {
    const overview = ORIGINAL_OVERVIEW.replace('Blocked: no', 'Blocked: yes - waiting on API keys');
    expect(rebuild(overview, '').blocked?.reason).toBe('yes - waiting on API keys');
  });

  it('is done with the summary of a done signal in phase done', () => {
    const overview = ORIGINAL_OVERVIEW.replace('Phase: requirements', 'Phase: done');
    const state = rebuild(
      overview,
      row({ v: 2, source_phase: 'done', status: 'done', summary: 'shipped' }),
    );
    expect(state).toMatchObject({ status: 'done', summary: 'shipped' });
  });

  it('waits for plan approval, and runs on after a continue', () => {
    const planning = ORIGINAL_OVERVIEW.replace('Phase: requirements', 'Phase: planning');
    expect(
      rebuild(planning, row({ phase: 'planning', status: 'waiting', for: 'plan_approval' })),
    ).toMatchObject({
      status: 'waiting',
      waitingFor: 'plan_approval',
      gates: { planning: 'open' },
    });
    expect(rebuild(planning, row({ phase: 'planning', status: 'continue' })).status).toBe(
      'running',
    );
  });

  it('opens the requirements gate only when every question has an answer', () => {
    const answered = ORIGINAL_QA.replace('**Answer:** _waiting_', '**Answer:** B');
    const state = rebuild(
      ORIGINAL_OVERVIEW,
      row({ phase: 'requirements', status: 'continue' }),
      answered,
    );
    expect(state.gates.requirements).toBe('passed');
  });

  it('refuses an overview without a phase it knows', () => {
    for (const overview of [
      '# Session: x\n',
      ORIGINAL_OVERVIEW.replace('Phase: requirements', 'Phase: review'),
    ]) {
      const plan = importedState({ name: 'x', overview, qa: null, history: null, now: NOW });
      expect(plan.ok).toBe(false);
    }
  });
});
