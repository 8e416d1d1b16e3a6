// Images in issues and comments: which ones a reader sees (and so are fetched), which addresses
// are GitHub's attachments, where downloads may go and who sees the token, and how they are named.
import { describe, expect, it } from 'vitest';
import {
  imageExtension,
  imageFileName,
  imageLabel,
  isAttachment,
  isImageType,
  mayRedirectTo,
  sendsToken,
  signedAddress,
} from '../../src/core/attachments.js';
import { cleanUntrusted } from '../../src/core/untrusted-text.js';

const SERVER = 'https://github.com';
const UUID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const ASSET = `https://github.com/user-attachments/assets/${UUID}`;

/** The images a reader of `text` sees, in order, as the flow finds them. */
function seen(text: string): string[] {
  const urls: string[] = [];
  cleanUntrusted(text, 20_000, (url) => {
    urls.push(url);
    return undefined;
  });
  return urls;
}

describe('images a reader sees', () => {
  it('finds Markdown images, reference images and <img> tags, inline or as blocks', () => {
    const text = [
      `Broken here: ![screenshot](${ASSET}) see?`,
      '',
      `<img width="600" alt="Image" src="https://github.com/acme/widgets/assets/42/${UUID}" />`,
      '',
      "Inline <img src='https://user-images.githubusercontent.com/1/a.png'> too, and ![ref][shot]",
      '',
      '[shot]: https://private-user-images.githubusercontent.com/1/2-x.png?jwt=a&amp;b',
    ].join('\n');
    expect(seen(text)).toEqual([
      ASSET,
      `https://github.com/acme/widgets/assets/42/${UUID}`,
      'https://user-images.githubusercontent.com/1/a.png',
      // Markdown decodes character references in destinations, as a browser does in HTML.
      'https://private-user-images.githubusercontent.com/1/2-x.png?jwt=a&b',
    ]);
  });

  it('leaves out images nobody sees: in comments, hidden elements, hidden tags, code', () => {
    const text = [
      `<!-- ![x](${ASSET}) -->`,
      `<div hidden>![y](${ASSET}?hidden)</div>`,
      `<img hidden src="${ASSET}?attr" />`,
      `<img style="display:none" src="${ASSET}?style" />`,
      '```',
      `![z](${ASSET}?code)`,
      '```',
      `\`![w](${ASSET}?inline-code)\``,
    ].join('\n\n');
    expect(seen(text)).toEqual([]);
  });

  it('puts what the hook says where each image was, and keeps [image] otherwise', () => {
    const text = `Q1: B, like ![a](${ASSET})\n\n<img src="${ASSET}">\n\n![b](https://example.com/x.png)`;
    const cleaned = cleanUntrusted(text, 20_000, (url) =>
      url === ASSET ? '[image, saved as s/_images/a.png]' : undefined,
    );
    expect(cleaned.text).toBe(
      'Q1: B, like [image, saved as s/_images/a.png]\n\n[image, saved as s/_images/a.png]\n\n[image]',
    );
    // Without a hook the text is as it always was: alt text and sources never reach the agent.
    expect(cleanUntrusted(text).text).toBe('Q1: B, like [image]\n\n[image]');
  });
});

describe('host rules', () => {
  it('takes only GitHub attachment addresses on the server and the fixed content hosts', () => {
    expect(isAttachment(ASSET, SERVER)).toBe(true);
    expect(isAttachment(`https://github.com/acme/widgets/assets/42/${UUID}`, SERVER)).toBe(true);
    expect(
      isAttachment('https://private-user-images.githubusercontent.com/1/2.png?jwt=x', SERVER),
    ).toBe(true);
    expect(isAttachment('https://user-images.githubusercontent.com/1/2.png', SERVER)).toBe(true);
    for (const url of [
      'https://example.com/x.png',
      `https://github.com.evil.example/user-attachments/assets/${UUID}`,
      `http://github.com/user-attachments/assets/${UUID}`,
      `https://github.com:8443/user-attachments/assets/${UUID}`,
      `https://x:y@github.com/user-attachments/assets/${UUID}`,
      'https://github.com/acme/widgets/blob/main/logo.png',
      `https://github.com/user-attachments/files/1/${UUID}`,
      'http://user-images.githubusercontent.com/1/2.png',
      'https://raw.githubusercontent.com/acme/widgets/main/x.png',
      'not a url',
    ])
      expect(isAttachment(url, SERVER), url).toBe(false);
  });

  it('follows the server of the run: an Enterprise Server, or a test server by port', () => {
    const ghes = 'https://ghe.example.com';
    expect(isAttachment(`https://ghe.example.com/user-attachments/assets/${UUID}`, ghes)).toBe(
      true,
    );
    expect(isAttachment(ASSET, ghes)).toBe(false);
    const local = 'http://127.0.0.1:4100';
    expect(isAttachment(`http://127.0.0.1:4100/user-attachments/assets/${UUID}`, local)).toBe(true);
    expect(isAttachment(`http://127.0.0.1:4101/user-attachments/assets/${UUID}`, local)).toBe(
      false,
    );
  });

  it('sends the token to the server alone and redirects only to GitHub hosts', () => {
    expect(sendsToken(ASSET, SERVER)).toBe(true);
    expect(sendsToken('https://private-user-images.githubusercontent.com/1/2.png', SERVER)).toBe(
      false,
    );
    expect(sendsToken('https://example.com/x', SERVER)).toBe(false);
    expect(mayRedirectTo('https://private-user-images.githubusercontent.com/1/2.png', SERVER)).toBe(
      true,
    );
    expect(mayRedirectTo('https://github.com/anything', SERVER)).toBe(true);
    expect(mayRedirectTo('https://objects.example.com/x', SERVER)).toBe(false);
    expect(mayRedirectTo('http://127.0.0.1:9/x', SERVER)).toBe(false);
  });

  it('finds the signed address of an attachment in rendered HTML by its uuid, in the file name', () => {
    const signed = `https://private-user-images.githubusercontent.com/9/123-${UUID}.png?jwt=a&b=c`;
    const html = [
      `<img src="https://private-user-images.githubusercontent.com/9/1-${UUID.replace('0f', 'ff')}.png?jwt=z">`,
      `<img src="https://evil.example/9/123-${UUID}.png">`,
      `<img src="https://private-user-images.githubusercontent.com/9/5-other.png?u=${UUID}">`,
      `<a href="${signed.replaceAll('&', '&amp;')}"><img src="${signed.replaceAll('&', '&amp;')}"></a>`,
    ].join('\n');
    expect(signedAddress(ASSET, html, SERVER)).toBe(signed);
    expect(signedAddress(ASSET, html.split('\n').slice(0, 3).join('\n'), SERVER)).toBeUndefined();
    // Only attachments on the server are looked up.
    expect(
      signedAddress(`https://example.com/user-attachments/assets/${UUID}`, html, SERVER),
    ).toBeUndefined();
  });

  it('accepts image content types only', () => {
    expect(isImageType('image/png')).toBe(true);
    expect(isImageType('image/svg+xml; charset=utf-8')).toBe(true);
    expect(isImageType('text/html; charset=utf-8')).toBe(false);
    expect(isImageType('application/octet-stream')).toBe(false);
    expect(isImageType(null)).toBe(false);
  });
});

describe('names and notes', () => {
  it('names files by their source and number, with the extension their bytes show', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const jpg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]);
    expect(imageExtension(png, 'image/jpeg')).toBe('png');
    expect(imageExtension(jpg, 'image/png')).toBe('jpg');
    expect(imageExtension(Uint8Array.from([1, 2]), 'image/svg+xml')).toBe('svg');
    expect(imageExtension(Uint8Array.from([1, 2]), 'image/x-unknown')).toBe('img');
    expect(imageFileName('issue-7', 1, 'png')).toBe('issue-7-1.png');
    expect(imageFileName('comment-1234', 2, 'jpg')).toBe('comment-1234-2.jpg');
  });

  it('tells the agent where an image is, or why not, by its number and never its address', () => {
    expect(imageLabel({ kind: 'saved', path: '_sessions/s/_images/issue-7-1.png' }, 1)).toBe(
      '[image 1, saved as _sessions/s/_images/issue-7-1.png]',
    );
    expect(
      imageLabel(
        {
          kind: 'failed',
          url: 'https://private-user-images.githubusercontent.com/1/2.png?jwt=secret',
          why: '404 Not Found',
        },
        2,
      ),
    ).toBe('[image 2 could not be fetched: 404 Not Found]');
    expect(imageLabel({ kind: 'foreign', url: 'https://ignore-all-rules.example/x.png' }, 3)).toBe(
      '[image 3 not fetched: not an attachment on GitHub]',
    );
    expect(imageLabel({ kind: 'over-limit' }, 11)).toBe(
      '[image 11 not fetched: only 10 images per text are]',
    );
  });
});
