// `_qa.md`: questions the agent asks at the requirements gate and the answers people give.
//
//   ## Q1: Where should tokens be stored?
//   - A) httpOnly cookie
//   - B) localStorage
//   Suggestion: A — not readable from scripts
//   Answer: A
export interface QaOption {
  letter: string;
  text: string;
}

export interface Question {
  number: number;
  title: string;
  options: QaOption[];
  suggestion?: string;
  answer?: string;
}

const QUESTION = /^#{2,4}\s*Q(\d+)\s*[:.)-]?\s*(.*)$/i;
const OPTION = /^\s*[-*]?\s*\**([A-Z])\**\s*[).:]\s+(.+)$/;
const SUGGESTION = /^\s*\**(?:suggestion|suggested|recommendation)\**\s*:\**\s*(.*)$/i;
const ANSWER = /^\s*\**answer\**\s*:\**\s*(.*)$/i;
// Only a first filter: what the agent left in a slot never counts, whatever it says (qa-gate.ts).
const PLACEHOLDER =
  /^(?:\.{3}|…|<[^>]*>|\[[^\]]*\]|\?+|-+|[_*(]*\s*(?:tbd|todo|pending|waiting)?\s*[_*)]*)$/i;

interface Block {
  number: number;
  title: string;
  start: number;
  end: number;
}

function blocks(lines: readonly string[]): Block[] {
  const found: Block[] = [];
  lines.forEach((line, index) => {
    const match = QUESTION.exec(line);
    if (!match) return;
    const last = found.at(-1);
    if (last) last.end = index;
    found.push({
      number: Number(match[1]),
      title: (match[2] ?? '').trim(),
      start: index,
      end: lines.length,
    });
  });
  // A question block ends at the next heading of any kind, so trailing sections are not answers.
  for (const block of found) {
    for (let i = block.start + 1; i < block.end; i++) {
      if (/^#{1,4}\s/.test(lines[i] ?? '')) {
        block.end = i;
        break;
      }
    }
  }
  return found;
}

export function parseQa(text: string): Question[] {
  return readQa(text).map(({ question }) => question);
}

/**
 * Each question's answer slot as it stands: the text after `Answer:` (placeholders included), or
 * undefined when the question has no `Answer:` line. The gate compares these to what the agent left.
 */
export function answerSlots(text: string): Map<number, string | undefined> {
  return new Map(readQa(text).map(({ question, slot }) => [question.number, slot]));
}

function readQa(text: string): { question: Question; slot: string | undefined }[] {
  const lines = text.split('\n');
  return blocks(lines).map((block) => {
    const question: Question = { number: block.number, title: block.title, options: [] };
    let answerLines: string[] | undefined;
    for (const line of lines.slice(block.start + 1, block.end)) {
      if (answerLines) {
        answerLines.push(line);
        continue;
      }
      const answer = ANSWER.exec(line);
      if (answer) {
        answerLines = [answer[1] ?? ''];
        continue;
      }
      const suggestion = SUGGESTION.exec(line);
      if (suggestion) {
        question.suggestion = (suggestion[1] ?? '').trim();
        continue;
      }
      const option = OPTION.exec(line);
      if (option)
        question.options.push({ letter: option[1] as string, text: (option[2] ?? '').trim() });
    }
    const answer = answerLines?.join('\n').trim();
    if (answer && !PLACEHOLDER.test(answer)) question.answer = answer;
    return { question, slot: answer };
  });
}

/** An empty-looking answer (`_`, `TBD`, `<answer>` …) that does not count as one. */
export function isPlaceholder(answer: string): boolean {
  return answer.trim() === '' || PLACEHOLDER.test(answer.trim());
}

export function unanswered(questions: readonly Question[]): number[] {
  return questions.filter((q) => q.answer === undefined).map((q) => q.number);
}

/** Writes answers under their questions, replacing any earlier answer; other text is kept as is. */
export function writeAnswers(text: string, answers: ReadonlyMap<number, string>): string {
  const lines = text.split('\n');
  const found = blocks(lines);
  // Work from the bottom so earlier line numbers stay valid.
  for (const block of [...found].reverse()) {
    const answer = answers.get(block.number);
    if (answer === undefined) continue;
    const body = lines.slice(block.start + 1, block.end);
    const at = body.findIndex((line) => ANSWER.test(line));
    const kept = at === -1 ? body : body.slice(0, at);
    while (kept.length > 0 && kept.at(-1)?.trim() === '') kept.pop();
    const replacement = [...kept, '', `Answer: ${answer.trim()}`, ''];
    lines.splice(block.start + 1, block.end - block.start - 1, ...replacement);
  }
  return lines.join('\n');
}
