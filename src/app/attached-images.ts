// Images in a permitted person's text (an issue body, a comment whose content reaches the agent,
// a review applied to the plan).
// The agent runs behind a network allow-list and cannot fetch them, so they are fetched here,
// saved into the session folder's `_images/`, and named in the text where the image was. Only
// images a reader sees count: the text is cleaned once to find them (hidden HTML, comments and
// invisible characters are gone by then) and once more to name them. A failure (404, too big,
// not an image) is a note in that text and a line in the log, never a failed run.
import {
  IMAGE_LIMITS,
  imageExtension,
  imageFileName,
  imageLabel,
  isAttachment,
  withoutQuery,
} from '../core/attachments.js';
import type { ImageOutcome, ImageSource } from '../core/attachments.js';
import { cleanUntrusted } from '../core/untrusted-text.js';
import type { Images, SessionStore } from './ports.js';

export const IMAGES_DIR = '_images';

export interface ImageSettings {
  serverUrl: string;
  log: (line: string) => void;
}

export interface CleanedText {
  /** The cleaned text, each image replaced by where it was saved or why it was not. */
  text: string;
  /** The images to save, by name inside `_images/`. */
  files: Array<{ file: string; bytes: Uint8Array }>;
}

export interface TextToClean {
  /** What the text is, for the log (`the issue body`, `comment 12`). */
  what: string;
  text: string;
  limit: number;
  /** Names the images: `issue-7`, `comment-1234`, `review-56`. */
  source: string;
  /** Where the text is on GitHub. */
  from: ImageSource;
  /** The session folder as the agent finds it from the repository root. */
  folder: string;
}

/** The text cleaned (as `clean` does), and the images a reader of it sees, in order. */
export interface FoundImages {
  text: string;
  urls: string[];
}

/** Cleans an untrusted text and finds the images it shows; logs what the cleaning removed. */
export function findImages(s: ImageSettings, input: TextToClean): FoundImages {
  const urls: string[] = [];
  const cleaned = cleanUntrusted(input.text, input.limit, (url) => {
    if (!urls.includes(url)) urls.push(url);
    return undefined;
  });
  if (cleaned.removed.length > 0)
    s.log(`cleaned ${input.what}: removed ${cleaned.removed.join(', ')}`);
  return { text: cleaned.text, urls };
}

/** Fetches the images found in a text and names each in it: where it was saved, or why not. */
export async function fetchImages(
  images: Images,
  s: ImageSettings,
  input: TextToClean,
  found: FoundImages,
): Promise<CleanedText> {
  if (found.urls.length === 0) return { text: found.text, files: [] };
  const labels = new Map<string, string>();
  const files: CleanedText['files'] = [];
  let fetched = 0;
  for (const [index, url] of found.urls.entries()) {
    let outcome: ImageOutcome;
    if (!isAttachment(url, s.serverUrl)) {
      outcome = { kind: 'foreign', url };
    } else if (fetched >= IMAGE_LIMITS.perText) {
      outcome = { kind: 'over-limit' };
    } else {
      fetched += 1;
      const download = await images.fetch(url, input.from);
      if (download.ok) {
        const file = imageFileName(
          input.source,
          fetched,
          imageExtension(download.bytes, download.contentType),
        );
        files.push({ file, bytes: download.bytes });
        outcome = { kind: 'saved', path: `${input.folder}/${IMAGES_DIR}/${file}` };
      } else {
        outcome = { kind: 'failed', url, why: download.why };
      }
    }
    s.log(`image in ${input.what}: ${describe(outcome, url)}`);
    labels.set(url, imageLabel(outcome, index + 1));
  }
  const named = cleanUntrusted(input.text, input.limit, (url) => labels.get(url));
  return { text: named.text, files };
}

/**
 * The text as the agent reads it: cleaned, and with `images`, its images fetched, saved into the
 * session's `_images/` and named where they were.
 */
export async function withImagesSaved(
  deps: { images?: Images | undefined; store: SessionStore },
  s: ImageSettings,
  session: string,
  input: TextToClean,
  found: FoundImages = findImages(s, input),
): Promise<string> {
  if (!deps.images) return found.text;
  const cleaned = await fetchImages(deps.images, s, input, found);
  await saveImages(deps.store, session, cleaned.files);
  return cleaned.text;
}

/** Writes the fetched images into the session's `_images/`. */
export async function saveImages(
  store: SessionStore,
  name: string,
  files: CleanedText['files'],
): Promise<void> {
  for (const { file, bytes } of files) await store.writeBytes(name, `${IMAGES_DIR}/${file}`, bytes);
}

/** The session folder relative to the repository root, as the agent's working directory sees it. */
export function sessionFolder(sessionsDir: string, name: string): string {
  const dir = sessionsDir.replace(/^\.?\/+|\/+$/g, '');
  return dir ? `${dir}/${name}` : name;
}

function describe(outcome: ImageOutcome, url: string): string {
  const at = withoutQuery(url);
  switch (outcome.kind) {
    case 'saved':
      return `${at} saved as ${outcome.path}`;
    case 'failed':
      return `${at} could not be fetched: ${outcome.why}`;
    case 'foreign':
      return `${at} not fetched: not an attachment on GitHub`;
    case 'over-limit':
      return `${at} not fetched: over ${IMAGE_LIMITS.perText} images`;
  }
}
