// Reading a person's free-form reply to the questions: `Q1: A`, `1. B`, `2) C — because ...`,
// one letter per line in order, or plain text when there is a single question.
import { isPlaceholder } from './qa.js';
import type { Question } from './qa.js';

const NUMBERED = /^\s*(?:\*\*)?Q?(\d+)(?:\*\*)?\s*[:.)\-–—]\s*(.*)$/i;
const LETTER_ONLY = /^\s*([A-Za-z])\s*[).:]?\s*(?:[—–-]\s*(.*))?$/;

export interface ReplyParse {
  answers: Map<number, string>;
  /** Question numbers in the reply that `_qa.md` does not have. */
  unknown: number[];
}

export function parseReply(reply: string, questions: readonly Question[]): ReplyParse {
  const parsed = readReply(reply, questions);
  // `_`, `TBD` and the like are not answers, here as in _qa.md.
  for (const [number, answer] of parsed.answers)
    if (isPlaceholder(answer)) parsed.answers.delete(number);
  return parsed;
}

function readReply(reply: string, questions: readonly Question[]): ReplyParse {
  const known = new Map(questions.map((q) => [q.number, q]));
  const answers = new Map<number, string>();
  const unknown: number[] = [];
  const lines = reply.split('\n').map((line) => line.replace(/\s+$/, ''));
  const content = lines.filter((line) => line.trim() !== '');

  const numbered = content.some((line) => NUMBERED.test(line));
  if (numbered) {
    let current: number | undefined;
    const collected = new Map<number, string[]>();
    for (const line of lines) {
      const match = NUMBERED.exec(line);
      if (match) {
        current = Number(match[1]);
        collected.set(current, [match[2] ?? '']);
      } else if (current !== undefined) {
        collected.get(current)?.push(line);
      }
    }
    for (const [number, parts] of collected) {
      const text = parts.join('\n').trim();
      if (!text) continue;
      const question = known.get(number);
      if (!question) unknown.push(number);
      else answers.set(number, expandLetter(text, question));
    }
    return { answers, unknown };
  }

  const letters = content.map((line) => LETTER_ONLY.exec(line));
  if (content.length > 0 && content.length <= questions.length && letters.every(Boolean)) {
    content.forEach((line, index) => {
      const question = questions[index];
      if (question) answers.set(question.number, expandLetter(line.trim(), question));
    });
    return { answers, unknown };
  }

  const only = questions.length === 1 ? questions[0] : undefined;
  if (only && content.length > 0) answers.set(only.number, expandLetter(reply.trim(), only));
  return { answers, unknown };
}

/** `B — because` becomes `B) <option text> — because` so the agent sees what was chosen. */
function expandLetter(text: string, question: Question): string {
  const match = /^([A-Za-z])(?:\s*[).:]\s*|\s+(?=[—–-])|\s*$)(.*)$/s.exec(text);
  if (!match) return text;
  const letter = (match[1] as string).toUpperCase();
  const option = question.options.find((o) => o.letter === letter);
  if (!option) return text;
  const rest = (match[2] ?? '').trim();
  return rest ? `${letter}) ${option.text} ${rest}` : `${letter}) ${option.text}`;
}
