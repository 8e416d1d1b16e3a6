import { describe, expect, it } from 'vitest';
import { checkAnswers, markQuestionsAsked } from '../../src/core/qa-gate.js';
import { parseQa, unanswered, writeAnswers } from '../../src/core/qa.js';
import { newSessionState } from '../../src/core/session-state.js';
import type { SessionState } from '../../src/core/session-state.js';

const NOW = '2026-11-25T10:00:00.000Z';
const waiting: SessionState = {
  ...newSessionState({ name: '26-11-25-x', task: 't', now: NOW }),
  phase: 'requirements',
  status: 'waiting',
  waitingFor: 'qa_answers',
  gates: { requirements: 'open', planning: 'closed' },
};

// The original tool's format: `### Qn` headings, bold labels, `_waiting_` in every slot.
const ORIGINAL = `# Q&A: Add login
Status: waiting

## Questions

### Q1: Where should tokens live?
A) httpOnly cookie
B) localStorage
**Suggestion:** A - not readable from scripts
**Answer:** _waiting_

### Q2: Token lifetime?
A) 15 minutes
B) 1 hour
**Suggestion:** B - fewer logins
**Answer:** _waiting_
`;

describe('the original format', () => {
  it('reads `### Qn` questions with bold labels and `_waiting_` as no answer', () => {
    const questions = parseQa(ORIGINAL);
    expect(questions).toEqual([
      {
        number: 1,
        title: 'Where should tokens live?',
        options: [
          { letter: 'A', text: 'httpOnly cookie' },
          { letter: 'B', text: 'localStorage' },
        ],
        suggestion: 'A - not readable from scripts',
      },
      {
        number: 2,
        title: 'Token lifetime?',
        options: [
          { letter: 'A', text: '15 minutes' },
          { letter: 'B', text: '1 hour' },
        ],
        suggestion: 'B - fewer logins',
      },
    ]);
    expect(unanswered(questions)).toEqual([1, 2]);
  });

  it.each(['_waiting_', 'TBD', '(pending)', '*pending*', '_', '<answer>', ''])(
    '%j is no answer',
    (slot) => {
      expect(parseQa(`### Q1: Go?\n**Answer:** ${slot}\n`)[0]?.answer).toBeUndefined();
    },
  );
});

describe('checkAnswers', () => {
  const agentFilled = ORIGINAL.replace('**Answer:** _waiting_', '**Answer:** A').replace(
    '**Answer:** _waiting_',
    '**Answer:** (the agent would pick B)',
  );

  it('does not count what the agent left in a slot, whatever it says', () => {
    const asked = markQuestionsAsked(waiting, agentFilled);
    expect(checkAnswers(asked, agentFilled).missing).toEqual([1, 2]);
  });

  it('counts a slot a person changed after the agent asked', () => {
    const asked = markQuestionsAsked(waiting, ORIGINAL);
    const edited = ORIGINAL.replace('**Answer:** _waiting_', '**Answer:** B');
    expect(checkAnswers(asked, edited).missing).toEqual([2]);
    const both = edited.replace('**Answer:** _waiting_', '**Answer:** A, but 30 minutes');
    expect(checkAnswers(asked, both).missing).toEqual([]);
  });

  it('does not count a person blanking a slot to another placeholder', () => {
    const asked = markQuestionsAsked(waiting, ORIGINAL);
    const edited = ORIGINAL.replaceAll('**Answer:** _waiting_', '**Answer:** TBD');
    expect(checkAnswers(asked, edited).missing).toEqual([1, 2]);
  });

  it('counts a reply that agrees with what the agent wrote there', () => {
    const asked = markQuestionsAsked(waiting, agentFilled);
    const written = writeAnswers(agentFilled, new Map([[1, 'A']]));
    expect(checkAnswers(asked, written, [1]).missing).toEqual([2]);
  });

  it('keeps people’s answers as theirs when the agent asks again', () => {
    const asked = markQuestionsAsked(waiting, ORIGINAL);
    const answered = ORIGINAL.replaceAll('**Answer:** _waiting_', '**Answer:** A');
    const accepted = checkAnswers(asked, answered);
    expect(accepted.missing).toEqual([]);
    // A new round: the agent adds Q3 and keeps Q1 and Q2 as people answered them.
    const round2 = `${answered}\n### Q3: Remember me?\n**Answer:** yes\n`;
    const again = markQuestionsAsked(accepted.state, round2);
    expect(checkAnswers(again, round2).missing).toEqual([3]);
    // Had the agent rewritten Q1's answer, it would be the agent's, not a person's.
    const rewritten = round2.replace('**Answer:** A', '**Answer:** B');
    const third = markQuestionsAsked(accepted.state, rewritten);
    expect(checkAnswers(third, rewritten).missing).toEqual([1, 3]);
  });

  it('falls back to the placeholder test for a session that waited before slots were kept', () => {
    expect(checkAnswers(waiting, agentFilled).missing).toEqual([]);
    expect(checkAnswers(waiting, ORIGINAL).missing).toEqual([1, 2]);
  });
});
