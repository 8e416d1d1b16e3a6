// Downloads images attached on GitHub for the agent, which cannot reach them from its sandbox.
// Redirects are followed by hand so that each hop is checked against the host rules
// (core/attachments.ts) before anything is sent: the token goes to the server alone, and a hop
// to any other host ends the download. The body is read with a byte cap, so a lying or missing
// Content-Length cannot make the runner hold more than the limit.
import {
  IMAGE_LIMITS,
  hostOf,
  isImageType,
  mayRedirectTo,
  sendsToken,
  signedAddress,
} from '../core/attachments.js';
import type { ImageSource } from '../core/attachments.js';
import type { ImageDownload, Images } from '../app/ports.js';

export interface ImageFetchOptions {
  serverUrl: string;
  token: string;
  maxBytes?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** The HTML GitHub renders for an issue or comment (REST `body_html`), or null. */
  rendered?: (from: ImageSource) => Promise<string | null>;
}

export function githubImages(options: ImageFetchOptions): Images {
  const maxBytes = options.maxBytes ?? IMAGE_LIMITS.maxBytes;
  const get = options.fetch ?? fetch;
  /** One download, following redirects; `refused` when a hop that carried the token was. */
  const download = async (
    url: string,
    withToken: boolean,
    signal: AbortSignal,
  ): Promise<ImageDownload & { refused?: boolean }> => {
    let at = url;
    for (let hop = 0; hop <= IMAGE_LIMITS.redirects; hop++) {
      const token = withToken && sendsToken(at, options.serverUrl);
      const response = await get(at, {
        redirect: 'manual',
        signal,
        headers: {
          accept: 'image/*',
          ...(token ? { authorization: `token ${options.token}` } : {}),
        },
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        const location = response.headers.get('location');
        if (!location) return failed(`a ${response.status} redirect without a Location`);
        const next = new URL(location, at).toString();
        if (!mayRedirectTo(next, options.serverUrl))
          return failed(`redirected to ${hostOf(next)}, which is not GitHub's`);
        at = next;
        continue;
      }
      const result = await read(response, maxBytes);
      return token && [401, 403, 404].includes(response.status)
        ? { ...result, refused: true }
        : result;
    }
    return failed(`more than ${IMAGE_LIMITS.redirects} redirects`);
  };
  const html = new Map<string, Promise<string | null>>();
  const signedFor = async (url: string, from: ImageSource): Promise<string | undefined> => {
    if (!options.rendered) return undefined;
    const key = JSON.stringify(from);
    // One rendering per text: its images are asked for one after another.
    if (!html.has(key))
      html.set(
        key,
        options.rendered(from).catch(() => null),
      );
    const text = await html.get(key);
    return text ? signedAddress(url, text, options.serverUrl) : undefined;
  };
  return {
    async fetch(url, from) {
      const signal = AbortSignal.timeout(options.timeoutMs ?? 30_000);
      try {
        const first = await download(url, true, signal);
        if (!first.refused) return first;
        // A public repository's attachments are served to anyone, and GitHub has refused them to
        // a token it did not expect: asked once more without it, the answer is the same or the image.
        const again = await download(url, false, signal);
        if (again.ok) return again;
        // A private repository's: GitHub signs the address in the text's rendered HTML.
        const signed = from && (await signedFor(url, from));
        if (signed) {
          const viaSigned = await download(signed, false, signal);
          if (viaSigned.ok) return viaSigned;
        }
        return failed(`${first.ok ? '' : first.why} (with and without the job token)`);
      } catch (error) {
        const why = signal.aborted ? 'timed out' : (error as Error).message;
        return failed(why);
      }
    },
  };
}

async function read(response: Response, maxBytes: number): Promise<ImageDownload> {
  const tooBig = `larger than ${formatBytes(maxBytes)}`;
  if (!response.ok) {
    await response.body?.cancel();
    return failed(`${response.status} ${response.statusText}`.trim());
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (!isImageType(contentType)) {
    await response.body?.cancel();
    return failed(`not an image (${contentType || 'no content type'})`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    return failed(tooBig);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    size += chunk.value.byteLength;
    if (size > maxBytes) {
      // The rest is never downloaded.
      await reader?.cancel();
      return failed(tooBig);
    }
    chunks.push(chunk.value);
  }
  if (size === 0) return failed('empty');
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes, contentType };
}

function failed(why: string): ImageDownload {
  return { ok: false, why };
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
