// Images people attach to issues and comments: which addresses are GitHub's own attachments (the
// only ones fetched), where a download may be redirected, which hosts may see the job token, and
// how a fetched image is named and shown to the agent. The agent runs behind a network allow-list
// and cannot fetch them itself; the action does, for the texts of permitted people only.
//
// Host rules, from the server's URL (GITHUB_SERVER_URL: github.com, an Enterprise Server, or a
// test's local server) — compared by origin, so scheme and port count:
//   attachment  <server>/user-attachments/assets/<uuid>, <server>/<owner>/<repo>/assets/<id>/<uuid>,
//               and https://{private-user-images,user-images}.githubusercontent.com/…
//   redirect    to the server or those githubusercontent hosts only
//   token       sent to the server only: the githubusercontent addresses are signed or public
//               and need none, and no other host ever sees it

import { imgSources } from './visible-markdown.js';

export const IMAGE_LIMITS = {
  /** Bytes per image. */
  maxBytes: 10 * 1024 * 1024,
  /** Images fetched per text (an issue body, a comment); the rest are noted, not fetched. */
  perText: 10,
  /** Redirects followed per image. */
  redirects: 5,
} as const;

export const CONTENT_HOSTS: readonly string[] = [
  'private-user-images.githubusercontent.com',
  'user-images.githubusercontent.com',
];

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ON_SERVER = [
  new RegExp(`^/user-attachments/assets/${UUID}$`, 'i'),
  new RegExp(`^/[\\w.-]+/[\\w.-]+/assets/\\d+/${UUID}$`, 'i'),
];

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function isServer(url: URL, serverUrl: string): boolean {
  const server = parse(serverUrl);
  return server !== undefined && url.origin === server.origin && !url.username && !url.password;
}

function isContentHost(url: URL): boolean {
  return url.protocol === 'https:' && CONTENT_HOSTS.includes(url.hostname) && url.port === '';
}

/** Whether `url` is an image attached on GitHub (and so one the action fetches). */
export function isAttachment(url: string, serverUrl: string): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (isServer(parsed, serverUrl)) return ON_SERVER.some((re) => re.test(parsed.pathname));
  return isContentHost(parsed);
}

/** Where the text an image came from is on GitHub: its rendered HTML holds signed addresses. */
export type ImageSource = { issue: number } | { comment: number } | { pr: number; review: number };

/**
 * The signed `private-user-images` address GitHub rendered for an attachment on the server, found
 * in the text's HTML by the attachment's uuid (a private repository's attachment addresses refuse
 * API tokens; the signed ones need none). Matched in the address's file name only, so text that
 * merely mentions a uuid cannot stand in for another image.
 */
export function signedAddress(url: string, html: string, serverUrl: string): string | undefined {
  const parsed = parse(url);
  if (!parsed || !isServer(parsed, serverUrl)) return undefined;
  const uuid = new RegExp(`(${UUID})$`, 'i').exec(parsed.pathname)?.[1]?.toLowerCase();
  if (!uuid) return undefined;
  return imgSources(html).find((src) => {
    const signed = parse(src);
    if (!signed || !isContentHost(signed)) return false;
    const file = signed.pathname.split('/').at(-1) ?? '';
    return file
      .toLowerCase()
      .replace(/\.[a-z0-9]+$/, '')
      .endsWith(`-${uuid}`);
  });
}

/** Whether a download may follow a redirect to `url`. */
export function mayRedirectTo(url: string, serverUrl: string): boolean {
  const parsed = parse(url);
  return parsed !== undefined && (isServer(parsed, serverUrl) || isContentHost(parsed));
}

/** Whether a request to `url` may carry the job token. */
export function sendsToken(url: string, serverUrl: string): boolean {
  const parsed = parse(url);
  return parsed !== undefined && isServer(parsed, serverUrl);
}

/** An address without its query: signed addresses carry their signature there. */
export function withoutQuery(url: string): string {
  const parsed = parse(url);
  return parsed ? `${parsed.origin}${parsed.pathname}` : url;
}

/** The host of an address, for notes that should not repeat a whole foreign URL. */
export function hostOf(url: string): string {
  return parse(url)?.host ?? 'an unreadable address';
}

/** Whether a response's content type is an image's (parameters such as `; charset` ignored). */
export function isImageType(contentType: string | null | undefined): boolean {
  return /^image\/[\w.+-]+$/i.test((contentType ?? '').split(';')[0]?.trim() ?? '');
}

const BY_TYPE: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'image/bmp': 'bmp',
  'image/avif': 'avif',
  'image/tiff': 'tiff',
};

/**
 * The file extension of an image: from its first bytes when they are a known signature (GitHub
 * serves attachments with a generic type at times, and a reader such as an agent's image tool
 * goes by the extension), else from the content type, else `img`.
 */
export function imageExtension(bytes: Uint8Array, contentType: string): string {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (
    starts(0x52, 0x49, 0x46, 0x46) &&
    [0x57, 0x45, 0x42, 0x50].every((b, i) => bytes[8 + i] === b)
  )
    return 'webp';
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return BY_TYPE[type] ?? 'img';
}

/** The name of the `index`th (from 1) image of a text: `issue-7-1.png`, `comment-1234-2.jpg`. */
export function imageFileName(source: string, index: number, extension: string): string {
  return `${source.replace(/[^\w-]/g, '-')}-${index}.${extension}`;
}

/** What became of an image (`url` is for the log; the agent is not shown other hosts' addresses). */
export type ImageOutcome =
  | { kind: 'saved'; path: string }
  | { kind: 'failed'; url: string; why: string }
  | { kind: 'foreign'; url: string }
  | { kind: 'over-limit' };

/**
 * What the agent reads in place of the `number`th image of a text: where it was saved, or why it
 * was not. No address: a reader of the text on GitHub does not see it either.
 */
export function imageLabel(outcome: ImageOutcome, number: number): string {
  switch (outcome.kind) {
    case 'saved':
      return `[image ${number}, saved as ${outcome.path}]`;
    case 'failed':
      return `[image ${number} could not be fetched: ${outcome.why}]`;
    case 'foreign':
      return `[image ${number} not fetched: not an attachment on GitHub]`;
    case 'over-limit':
      return `[image ${number} not fetched: only ${IMAGE_LIMITS.perText} images per text are]`;
  }
}
