// Which answers in `_qa.md` people gave. The agent writes `_qa.md`, answer slots included, and may
// fill them with anything (`_waiting_`, `TBD`, a guess of its own); none of that is an answer.
// When the agent signals `waiting`, each slot is fingerprinted as it stood; afterwards a slot
// counts as answered only if a person changed it (by editing `_qa.md`) or wrote it (a reply).
import { digest } from './digest.js';
import { answerSlots, isPlaceholder } from './qa.js';
import type { SessionState } from './session-state.js';

function fingerprint(number: number, slot: string | undefined): string {
  return digest(`Q${number}\n${slot ?? ''}`);
}

/** Records each answer slot as the agent left it; answers people gave earlier stay theirs. */
export function markQuestionsAsked(state: SessionState, qaText: string): SessionState {
  const asked: Record<string, string> = {};
  const people: Record<string, string> = {};
  for (const [number, slot] of answerSlots(qaText)) {
    const print = fingerprint(number, slot);
    asked[number] = print;
    if (state.qaSlots?.people[number] === print) people[number] = print;
  }
  return { ...state, qaSlots: { asked, people } };
}

export interface AnswerCheck {
  /** Questions whose slot holds no answer from a person, in file order. */
  missing: number[];
  /** The state with the answers people gave recorded, so a later round keeps them as theirs. */
  state: SessionState;
}

/**
 * Which questions people have answered. `replied` are the questions a person's reply just wrote;
 * every other slot must differ from what the agent left there. A session that waited before
 * slots were recorded (no `qaSlots`) falls back to the placeholder test alone.
 */
export function checkAnswers(
  state: SessionState,
  qaText: string,
  replied: readonly number[] = [],
): AnswerCheck {
  const recorded = state.qaSlots;
  const people: Record<string, string> = { ...recorded?.people };
  const missing: number[] = [];
  for (const [number, slot] of answerSlots(qaText)) {
    const print = fingerprint(number, slot);
    const filled = slot !== undefined && !isPlaceholder(slot);
    const byPerson =
      replied.includes(number) ||
      recorded === undefined ||
      recorded.asked[number] !== print ||
      recorded.people[number] === print;
    if (filled && byPerson) people[number] = print;
    else missing.push(number);
  }
  return {
    missing,
    state: recorded ? { ...state, qaSlots: { asked: recorded.asked, people } } : state,
  };
}
