// Text that strangers can write (issue bodies, comments, reviews, CI logs) is cleaned before any of
// it reaches the session or the agent: hidden content is how instructions get smuggled in. What
// is kept is what a reader of the rendered text on GitHub sees (visible-markdown.ts).
import { visibleMarkdown } from './visible-markdown.js';
import type { ImageHook } from './visible-markdown.js';

/**
 * Every Default_Ignorable_Code_Point (zero-width and formatting characters, bidirectional
 * controls, Hangul fillers, variation selectors VS1–VS256, tag characters), plus the interlinear
 * annotation controls. Emoji lose their VS16/ZWJ joins, which changes how they look, not what
 * they say.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\uFFF9-\uFFFB]/gu;

/** Elements with `hidden` or `display: none`, removed with their content before parsing. */
const HIDDEN_ELEMENT =
  /<(details|summary|span|div|p|font)\b[^>]*\b(?:hidden|display\s*:\s*none)[^>]*>[\s\S]*?<\/\1>/gi;

export interface CleanResult {
  text: string;
  /** What was removed, for the log: a reason per kind. */
  removed: string[];
}

/** `image` sees the source of every image a reader sees and may say what stands in for it. */
export function cleanUntrusted(input: string, limit = 20_000, image?: ImageHook): CleanResult {
  const removed = new Set<string>();
  const note = (what: string, before: string, after: string) => {
    if (before !== after) removed.add(what);
    return after;
  };
  const invisible = 'invisible or bidirectional-control characters';
  let text = input.replace(/\r\n?/g, '\n');
  text = note(invisible, text, text.replace(INVISIBLE, ''));
  // Also unterminated ones, which CommonMark would show as text but a later renderer might not.
  text = note('HTML comments', text, text.replace(/<!--[\s\S]*?(?:-->|$)/g, ''));
  text = note('hidden HTML', text, text.replace(HIDDEN_ELEMENT, ''));
  text = visibleMarkdown(text, (what) => removed.add(what), image);
  // Character references (`&#8203;`) decode to the characters removed above.
  text = note(invisible, text, text.replace(INVISIBLE, ''));
  if (text.length > limit) {
    removed.add(`${text.length - limit} characters over the ${limit}-character limit`);
    text = `${text.slice(0, limit)}\n[… cut: over the size limit]`;
  }
  return { text: text.trim(), removed: [...removed] };
}
