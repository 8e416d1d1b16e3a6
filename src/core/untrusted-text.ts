// Text that strangers can write (issue bodies, comments, reviews) is cleaned before any of it
// reaches the session or the agent: hidden content is how instructions get smuggled in.

/** Zero-width, invisible formatting and bidirectional-control characters, and tag characters. */
// Combining marks and variation selectors are listed on purpose: each is removed on its own.
/* eslint-disable no-misleading-character-class */
const INVISIBLE =
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFFB]|\uDB40[\uDC00-\uDC7F]/g;
/* eslint-enable no-misleading-character-class */

export interface CleanResult {
  text: string;
  /** What was removed, for the log: a reason per kind. */
  removed: string[];
}

export function cleanUntrusted(input: string, limit = 20_000): CleanResult {
  const removed: string[] = [];
  const note = (what: string, before: string, after: string) => {
    if (before !== after) removed.push(what);
    return after;
  };
  let text = input.replace(/\r\n?/g, '\n');
  text = note('HTML comments', text, text.replace(/<!--[\s\S]*?(?:-->|$)/g, ''));
  text = note('invisible or bidirectional-control characters', text, text.replace(INVISIBLE, ''));
  // Images: the alt text and title are invisible on GitHub but readable by the agent.
  text = note(
    'image alt text',
    text,
    text.replace(/!\[[^\]]*\]\(([^)\s]*)(?:\s+"[^"]*")?\)/g, '![image]($1)'),
  );
  text = note('link titles', text, text.replace(/\]\(([^)\s]+)\s+"[^"]*"\)/g, ']($1)'));
  // Reference-style link definitions never render, so nobody sees what they say.
  text = note(
    'link reference definitions',
    text,
    text.replace(/^\s{0,3}\[[^\]]+\]:\s+\S+.*$/gm, ''),
  );
  text = note(
    'hidden HTML',
    text,
    text.replace(
      /<(details|summary|span|div|p|font)\b[^>]*\b(?:hidden|display\s*:\s*none)[^>]*>[\s\S]*?<\/\1>/gi,
      '',
    ),
  );
  if (text.length > limit) {
    removed.push(`${text.length - limit} characters over the ${limit}-character limit`);
    text = `${text.slice(0, limit)}\n[… cut: over the size limit]`;
  }
  return { text: text.trim(), removed };
}
