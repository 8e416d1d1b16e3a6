import { describe, expect, it } from 'vitest';
import { parseReply } from '../../src/core/answers.js';
import { parseQa, unanswered, writeAnswers } from '../../src/core/qa.js';

const QA = `# Questions

## Q1: Where should tokens live?
Matters for XSS exposure.
- A) httpOnly cookie
- B) localStorage
Suggestion: A — not readable from scripts

Answer:

## Q2: Token lifetime?
- A) 15 minutes
- B) 1 hour
- C) 1 day
Suggestion: B

Answer: _

## Notes
Something else entirely.
`;

describe('parseQa', () => {
  it('reads questions, options, suggestions and empty answers', () => {
    const questions = parseQa(QA);
    expect(questions).toEqual([
      {
        number: 1,
        title: 'Where should tokens live?',
        options: [
          { letter: 'A', text: 'httpOnly cookie' },
          { letter: 'B', text: 'localStorage' },
        ],
        suggestion: 'A — not readable from scripts',
      },
      {
        number: 2,
        title: 'Token lifetime?',
        options: [
          { letter: 'A', text: '15 minutes' },
          { letter: 'B', text: '1 hour' },
          { letter: 'C', text: '1 day' },
        ],
        suggestion: 'B',
      },
    ]);
    expect(unanswered(questions)).toEqual([1, 2]);
  });

  it('reads multi-line answers and stops at the next heading', () => {
    const text = QA.replace('Answer:\n\n## Q2', 'Answer: A\nbecause of XSS\n\n## Q2').replace(
      'Answer: _',
      '**Answer:** C',
    );
    const questions = parseQa(text);
    expect(questions.map((q) => q.answer)).toEqual(['A\nbecause of XSS', 'C']);
    expect(unanswered(questions)).toEqual([]);
  });

  it('finds no questions in free text', () => {
    expect(parseQa('just some notes\n- A) not a question')).toEqual([]);
  });
});

describe('writeAnswers', () => {
  it('writes answers under their questions and keeps everything else', () => {
    const written = writeAnswers(QA, new Map([[2, 'B) 1 hour']]));
    expect(parseQa(written).map((q) => q.answer)).toEqual([undefined, 'B) 1 hour']);
    expect(written).toContain('## Notes\nSomething else entirely.');
    expect(written).toContain('Suggestion: A — not readable from scripts');
    const both = writeAnswers(
      written,
      new Map([
        [1, 'A'],
        [2, 'C'],
      ]),
    );
    expect(parseQa(both).map((q) => q.answer)).toEqual(['A', 'C']);
    expect(both.match(/Answer:/g)).toHaveLength(2);
  });

  it('adds an Answer line where the question had none', () => {
    const written = writeAnswers('## Q1: Go?\n- A) yes\n- B) no\n', new Map([[1, 'yes']]));
    expect(parseQa(written)[0]?.answer).toBe('yes');
  });
});

describe('parseReply', () => {
  const questions = parseQa(QA);
  const answers = (reply: string) => Object.fromEntries(parseReply(reply, questions).answers);

  it.each([
    ['Q1: A\nQ2: B', { 1: 'A) httpOnly cookie', 2: 'B) 1 hour' }],
    ['1. B\n2. C', { 1: 'B) localStorage', 2: 'C) 1 day' }],
    [
      '1) A — because cookies are safer\n2) B',
      { 1: 'A) httpOnly cookie — because cookies are safer', 2: 'B) 1 hour' },
    ],
    ['**Q2**: A', { 2: 'A) 15 minutes' }],
    ['A\nC', { 1: 'A) httpOnly cookie', 2: 'C) 1 day' }],
    ['b', { 1: 'B) localStorage' }],
    [
      'Q1: keep them in memory only\nand refresh often',
      { 1: 'keep them in memory only\nand refresh often' },
    ],
  ])('%j', (reply, expected) => {
    expect(answers(reply)).toEqual(expected);
  });

  it('reports questions that do not exist', () => {
    expect(parseReply('Q7: A', questions).unknown).toEqual([7]);
  });

  it('does not read words that start with a letter as an option', () => {
    expect(answers('A lot of thought went into this')).toEqual({});
  });

  it('takes free text as the answer to a single question', () => {
    const one = parseQa('## Q1: Name?\nAnswer:\n');
    expect(Object.fromEntries(parseReply('Call it Orbit', one).answers)).toEqual({
      1: 'Call it Orbit',
    });
  });
});
