// The text of a Markdown document that a reader of GitHub sees, and nothing else.
//
// Parsed with mdast-util-from-markdown + the GFM extensions (the unified family) rather than
// markdown-it: it is CommonMark-exact, gives a typed syntax tree (@types/mdast) to walk instead of
// a token stream, and does no I/O, so core can use it. It is bundled into dist/ by esbuild. GFM
// is loaded piece by piece without autolink literals: a bare URL reads the same as text or as a
// link, and leaving that piece (~17 KB) out keeps dist/action.js under its cold-start size limit.
//
// Rendered back as Markdown-like text so structure the app reads (lines such as `Q1: A`, `1. B`,
// `/samocode approve`, headings, lists, code) stays as it was:
//   kept      paragraphs, headings, lists (with their numbers), task boxes, quotes, code (without
//             the info string), tables, emphasis, the TEXT of links, footnotes (GitHub shows them)
//   dropped   link destinations and titles, images (alt, title, source; `[image]` stands in, or
//             what the caller's `image` hook says for the source: attachments.ts),
//             definitions, every HTML tag (comments, `<img alt>`, attributes), the content of
//             hidden or script/style inline elements, the `\phantom` family of math commands.
//             An HTML block is dropped whole, text included: GitHub would show some of that text,
//             but reading HTML is not this file's job, and removing too much is the safe side.
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFootnoteFromMarkdown } from 'mdast-util-gfm-footnote';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { gfmFootnote } from 'micromark-extension-gfm-footnote';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import type { Definition, ListItem, Node, Parent, PhrasingContent, Root, RootContent } from 'mdast';

/** Drops `\phantom{…}`, `\hphantom{…}`, `\vphantom{…}`: GitHub math renders them as blank space. */
const PHANTOM = /\\[hv]?phantom\s*\{[^{}]*\}/g;
const HIDDEN_TAG =
  /^<([a-z][a-z0-9-]*)\b[^>]*(?:\bhidden\b|display\s*:\s*none|visibility\s*:\s*hidden)/i;
const CONTENT_TAG = /^<(script|style|template|textarea|title)\b/i;
/** Each `<img>` tag of a piece of HTML: raw HTML is a string in the tree, not parsed further. */
const IMG_TAG = /<img\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const SRC = /\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
const HIDDEN_ATTRIBUTE = /\shidden\b|display\s*:\s*none|visibility\s*:\s*hidden/i;

/**
 * Called with the source of every image a reader sees (Markdown images, reference images and
 * `<img>` tags), in order; what it returns stands in for the image, `undefined` keeps the default
 * (`[image]`, or nothing for HTML).
 */
export type ImageHook = (url: string) => string | undefined;

export function visibleMarkdown(
  source: string,
  note: (what: string) => void,
  image?: ImageHook,
): string {
  const tree: Root = fromMarkdown(source, {
    extensions: [gfmFootnote(), gfmStrikethrough(), gfmTable(), gfmTaskListItem()],
    mdastExtensions: [
      gfmFootnoteFromMarkdown(),
      gfmStrikethroughFromMarkdown(),
      gfmTableFromMarkdown(),
      gfmTaskListItemFromMarkdown(),
    ],
  });
  const render = new Renderer(source, note, definitions(tree), image);
  return render.blocks(tree.children);
}

/** Reference definitions by their normalized label, for `![alt][ref]`. */
function definitions(tree: Root): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (node: Node) => {
    if (node.type === 'definition') {
      const definition = node as Definition;
      if (!found.has(definition.identifier)) found.set(definition.identifier, definition.url);
    }
    if ('children' in node) for (const child of (node as Parent).children) walk(child);
  };
  walk(tree);
  return found;
}

/**
 * The sources of the `<img>` tags a reader sees in a piece of HTML (hidden ones are left out),
 * with `&amp;` decoded as a browser would.
 */
export function imgSources(html: string): string[] {
  return [...html.matchAll(IMG_TAG)].flatMap(([tag]) => {
    if (HIDDEN_ATTRIBUTE.test(tag)) return [];
    const src = SRC.exec(tag);
    const url = (src?.[1] ?? src?.[2] ?? src?.[3] ?? '').trim().replaceAll('&amp;', '&');
    return url ? [url] : [];
  });
}

class Renderer {
  constructor(
    private readonly source: string,
    private readonly note: (what: string) => void,
    private readonly definitions: ReadonlyMap<string, string>,
    private readonly image?: ImageHook,
  ) {}

  /** What stands in for the images of a piece of HTML (nothing unless the hook names them). */
  private htmlImages(html: string): string[] {
    if (!this.image) return [];
    return imgSources(html).flatMap((url) => this.image?.(url) ?? []);
  }

  blocks(children: readonly RootContent[], tight = false): string {
    return children
      .map((child) => this.block(child))
      .filter((text) => text !== '')
      .join(tight ? '\n' : '\n\n');
  }

  private block(node: RootContent): string {
    switch (node.type) {
      case 'paragraph':
        return this.inline(node.children).trim();
      case 'heading':
        return `${'#'.repeat(node.depth)} ${this.inline(node.children).trim()}`;
      case 'thematicBreak':
        return '---';
      case 'blockquote':
        return prefixLines(this.blocks(node.children), '> ');
      case 'list':
        return node.children
          .map((item, index) => this.listItem(item, node.ordered ? (node.start ?? 1) + index : 0))
          .join(node.spread ? '\n\n' : '\n');
      case 'code': {
        if (node.lang || node.meta) this.note('code block info strings');
        const value = this.math(node.value);
        const fence = '`'.repeat(Math.max(3, longestRun(value, '`') + 1));
        return `${fence}\n${value}\n${fence}`;
      }
      case 'table':
        return node.children
          .map((row, index) => {
            const cells = row.children.map((cell) =>
              this.inline(cell.children).trim().replaceAll('|', '\\|'),
            );
            const line = `| ${cells.join(' | ')} |`;
            return index === 0 ? `${line}\n|${cells.map(() => ' --- |').join('')}` : line;
          })
          .join('\n');
      case 'footnoteDefinition':
        return `[^${node.label ?? node.identifier}]: ${this.blocks(node.children)}`;
      case 'definition':
        this.note('link reference definitions');
        return '';
      case 'html':
        this.note('HTML');
        return this.htmlImages(node.value).join('\n');
      default:
        return this.inline([node as PhrasingContent]).trim();
    }
  }

  private listItem(item: ListItem, number: number): string {
    const marker = number > 0 ? `${number}${this.delimiter(item)} ` : '- ';
    const box = item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : '';
    const body = this.blocks(item.children, !item.spread);
    const [first = '', ...rest] = body.split('\n');
    const indent = ' '.repeat(marker.length);
    return [`${marker}${box}${first}`, ...rest.map((line) => (line ? indent + line : line))].join(
      '\n',
    );
  }

  /** `1.` or `1)`, as the author wrote it: a reply's `2) A` stays `2) A`. */
  private delimiter(item: ListItem): string {
    const start = item.position?.start.offset;
    if (start === undefined) return '.';
    return /^\s*\d+\)/.test(this.source.slice(start, start + 12)) ? ')' : '.';
  }

  inline(children: readonly PhrasingContent[]): string {
    let out = '';
    let hiddenUntil: string | undefined;
    for (const node of children) {
      if (hiddenUntil !== undefined) {
        if (node.type === 'html' && new RegExp(`^</${hiddenUntil}\\s*>`, 'i').test(node.value))
          hiddenUntil = undefined;
        continue;
      }
      if (node.type === 'html') {
        this.note('HTML');
        const tag = HIDDEN_TAG.exec(node.value) ?? CONTENT_TAG.exec(node.value);
        if (tag && !node.value.endsWith('/>')) {
          this.note('hidden HTML');
          hiddenUntil = (tag[1] as string).toLowerCase();
        } else {
          out += this.htmlImages(node.value).join(' ');
        }
        continue;
      }
      out += this.phrase(node);
    }
    return out;
  }

  private phrase(node: PhrasingContent): string {
    switch (node.type) {
      case 'text':
        return this.math(node.value);
      case 'inlineCode': {
        const value = this.math(node.value);
        const ticks = '`'.repeat(longestRun(value, '`') + 1);
        const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
        return `${ticks}${pad}${value}${pad}${ticks}`;
      }
      case 'emphasis':
        return `*${this.inline(node.children)}*`;
      case 'strong':
        return `**${this.inline(node.children)}**`;
      case 'delete':
        return `~~${this.inline(node.children)}~~`;
      case 'break':
        return '\n';
      case 'link': {
        const text = this.inline(node.children);
        if (node.title) this.note('link titles');
        if (node.url !== text && node.url !== `mailto:${text}`) this.note('link destinations');
        return text;
      }
      case 'linkReference':
        this.note('link destinations');
        return this.inline(node.children);
      case 'image':
        this.note('images');
        return this.image?.(node.url) ?? '[image]';
      case 'imageReference': {
        this.note('images');
        const url = this.definitions.get(node.identifier);
        return (url === undefined ? undefined : this.image?.(url)) ?? '[image]';
      }
      case 'footnoteReference':
        return `[^${node.label ?? node.identifier}]`;
      default:
        return 'value' in node && typeof node.value === 'string' ? this.math(node.value) : '';
    }
  }

  private math(text: string): string {
    const cleaned = text.replace(PHANTOM, '');
    if (cleaned !== text) this.note('math \\phantom');
    return cleaned;
  }
}

function prefixLines(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line ? prefix + line : prefix.trimEnd()))
    .join('\n');
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}
