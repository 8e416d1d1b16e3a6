// The image download adapter: each redirect hop checked before anything is sent, the token only
// on the server's own hops, and the size cap held even when the server does not say the size.
import { describe, expect, it } from 'vitest';
import { githubImages } from '../../src/adapters/github-images.js';
import { listenLocal } from '../support/local-server.js';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ASSET = 'https://github.com/user-attachments/assets/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const SIGNED = 'https://private-user-images.githubusercontent.com/1/2-x.png?jwt=signed';

/** A `fetch` that answers from a table and records who was asked with which Authorization. */
function scripted(routes: Record<string, () => Response>) {
  const asked: Array<{ url: string; authorization: string | null }> = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    asked.push({ url, authorization: new Headers(init?.headers).get('authorization') });
    expect(init?.redirect).toBe('manual');
    return routes[url]?.() ?? new Response('nope', { status: 404, statusText: 'Not Found' });
  }) as typeof globalThis.fetch;
  return { fetch, asked };
}

describe('downloading an attached image', () => {
  it('follows GitHub’s redirect to the signed address without the token', async () => {
    const { fetch, asked } = scripted({
      [ASSET]: () => new Response(null, { status: 302, headers: { location: SIGNED } }),
      [SIGNED]: () => new Response(PNG, { headers: { 'content-type': 'image/png' } }),
    });
    const images = githubImages({ serverUrl: 'https://github.com', token: 'ghs_job', fetch });
    const got = await images.fetch(ASSET);
    expect(got).toEqual({ ok: true, bytes: PNG, contentType: 'image/png' });
    expect(asked).toEqual([
      { url: ASSET, authorization: 'token ghs_job' },
      { url: SIGNED, authorization: null },
    ]);
  });

  it('asks once more without the token when GitHub refuses it (public attachments)', async () => {
    const { fetch, asked } = scripted({
      [ASSET]: () => new Response(null, { status: 302, headers: { location: SIGNED } }),
    });
    let first = true;
    const refusing = (async (input: string | URL | Request, init?: RequestInit) => {
      const token = new Headers(init?.headers).get('authorization');
      if (String(input) === ASSET && token && first) {
        first = false;
        return new Response('', { status: 404, statusText: 'Not Found' });
      }
      if (String(input) === SIGNED)
        return new Response(PNG, { headers: { 'content-type': 'image/png' } });
      return fetch(input, init);
    }) as typeof globalThis.fetch;
    const images = githubImages({
      serverUrl: 'https://github.com',
      token: 'ghs_job',
      fetch: refusing,
    });
    expect(await images.fetch(ASSET)).toMatchObject({ ok: true, bytes: PNG });
    expect(asked).toEqual([{ url: ASSET, authorization: null }]);
  });

  it('takes a private repository’s image from the signed address in the text’s rendering', async () => {
    const uuid = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    const signed = `https://private-user-images.githubusercontent.com/9/123-${uuid}.png?jwt=abc&x=1`;
    const { fetch, asked } = scripted({
      [signed]: () => new Response(PNG, { headers: { 'content-type': 'image/png' } }),
    });
    const rendered: Array<unknown> = [];
    const images = githubImages({
      serverUrl: 'https://github.com',
      token: 'ghs_job',
      fetch,
      rendered: async (from) => {
        rendered.push(from);
        return `<p><a href="${signed.replace('&', '&amp;')}"><img src="${signed.replace('&', '&amp;')}" alt="x"></a></p>`;
      },
    });
    expect(await images.fetch(ASSET, { comment: 77 })).toMatchObject({ ok: true, bytes: PNG });
    expect(asked).toEqual([
      { url: ASSET, authorization: 'token ghs_job' },
      { url: ASSET, authorization: null },
      { url: signed, authorization: null },
    ]);
    // Without a signed address for it, the reason is GitHub's answer.
    const other = ASSET.replace('0f1e', 'aaaa');
    expect(await images.fetch(other, { comment: 77 })).toEqual({
      ok: false,
      why: '404 Not Found (with and without the job token)',
    });
    // The text was rendered once for both.
    expect(rendered).toEqual([{ comment: 77 }]);
  });

  it('stops at a redirect to any other host, before asking it anything', async () => {
    const { fetch, asked } = scripted({
      [ASSET]: () =>
        new Response(null, { status: 301, headers: { location: 'https://evil.example/x.png' } }),
    });
    const images = githubImages({ serverUrl: 'https://github.com', token: 'ghs_job', fetch });
    expect(await images.fetch(ASSET)).toEqual({
      ok: false,
      why: "redirected to evil.example, which is not GitHub's",
    });
    expect(asked.map((a) => a.url)).toEqual([ASSET]);
  });

  it('reports 404, redirect loops and non-images as reasons', async () => {
    const loop = scripted({
      [ASSET]: () => new Response(null, { status: 302, headers: { location: ASSET } }),
    });
    const images = (fetch: typeof globalThis.fetch) =>
      githubImages({ serverUrl: 'https://github.com', token: 't', fetch });
    expect(await images(loop.fetch).fetch(ASSET)).toEqual({
      ok: false,
      why: 'more than 5 redirects',
    });
    const missing = scripted({});
    expect(await images(missing.fetch).fetch(ASSET)).toEqual({
      ok: false,
      why: '404 Not Found (with and without the job token)',
    });
    expect(missing.asked).toEqual([
      { url: ASSET, authorization: 'token t' },
      { url: ASSET, authorization: null },
    ]);
    const page = scripted({
      [ASSET]: () => new Response('<html>', { headers: { 'content-type': 'text/html' } }),
    });
    expect(await images(page.fetch).fetch(ASSET)).toEqual({
      ok: false,
      why: 'not an image (text/html)',
    });
  });

  it('stops reading past the cap when the server does not say the size', async () => {
    let sent = 0;
    const server = await listenLocal(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' }); // chunked: no Content-Length
      const chunk = Buffer.alloc(64 * 1024);
      const more = () => {
        while (sent < 50 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
    try {
      const images = githubImages({
        serverUrl: server.url,
        token: 't',
        maxBytes: 256 * 1024,
      });
      const url = `${server.url}/user-attachments/assets/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
      expect(await images.fetch(url)).toEqual({ ok: false, why: 'larger than 262144 bytes' });
      expect(sent).toBeLessThan(50 * 1024 * 1024);
    } finally {
      await server.close();
    }
  });
});
