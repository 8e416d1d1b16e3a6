// The forms of a secret a push is searched for, and what a refusal says: every encoding of a value
// embedded anywhere in a larger text is found, unrelated text is not, and no message shows a value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  changeOf,
  describeRefusal,
  isCiDefinition,
  type PushFinding,
} from '../../src/core/push-findings.js';
import { alignedBase64, findSecrets, secretNeedles } from '../../src/core/secret-forms.js';

const RUNS = { numRuns: 1000 };
const bytes = (text: string) => Buffer.from(text, 'utf8');
/** Secrets as they come: tokens, keys, URLs, any unicode, at least 8 characters. */
const secret = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_]{8,60}$/),
  fc.string({ minLength: 8, maxLength: 60 }),
  fc.string({ unit: 'grapheme', minLength: 8, maxLength: 30 }),
  fc.webUrl().filter((u) => u.length >= 8),
);
const around = fc.uint8Array({ maxLength: 40 });

/** The first form of `value` (named `name`) found in `text`, or undefined. */
const formIn = (text: string, value: string) =>
  findSecrets(text, secretNeedles({ TOKEN: value }))[0]?.form;

describe('alignedBase64', () => {
  it('is the part of the base64 of any surrounding bytes that only the value decides', () => {
    fc.assert(
      fc.property(secret, around, around, (value, before, after) => {
        const stream = Buffer.concat([before, bytes(value), after]).toString('base64');
        const offset = (before.length % 3) as 0 | 1 | 2;
        const needle = alignedBase64(bytes(value), offset);
        expect(stream).toContain(needle);
        // It keeps all but at most two characters of the value's own encoding.
        expect(needle.length).toBeGreaterThanOrEqual(Math.floor((8 * bytes(value).length) / 6) - 2);
      }),
      RUNS,
    );
  });

  it('drops the characters that mix in a neighbour’s bits or padding', () => {
    expect(alignedBase64(bytes('abc'), 0)).toBe('YWJj');
    expect(alignedBase64(bytes('abcd'), 0)).toBe('YWJjZ'); // "YWJjZA==": A is d's and padding's
    expect(alignedBase64(bytes('abcde'), 0)).toBe('YWJjZG'); // "YWJjZGU="
    expect(alignedBase64(bytes('abc'), 1)).toBe('FiY'); // "xabc" is "eGFiYw==": G and w mix
  });
});

describe('findSecrets', () => {
  it('finds the value raw, in base64 or base64url at any alignment, URL-encoded and in hex', () => {
    const encodings: Array<[string, (b: Buffer) => string]> = [
      ['raw', (b) => b.toString('latin1')],
      ['base64', (b) => b.toString('base64')],
      ['base64url', (b) => b.toString('base64url')],
      ['hex', (b) => b.toString('hex')],
      ['HEX', (b) => b.toString('hex').toUpperCase()],
    ];
    fc.assert(
      fc.property(
        fc.stringMatching(/^[\x21-\x7e]{8,60}$/),
        around,
        around,
        fc.constantFrom(...encodings),
        (value, before, after, [, encode]) => {
          const text = encode(Buffer.concat([before, bytes(value), after]));
          expect(formIn(text, value)).toBeDefined();
        },
      ),
      RUNS,
    );
  });

  it('finds any unicode value as UTF-8 text and URL-encoded', () => {
    fc.assert(
      fc.property(secret, fc.string(), fc.string(), (value, before, after) => {
        expect(formIn(`${before}${value}${after}`, value)).toBe('raw');
        expect(formIn(`${before}${encodeURIComponent(value)}${after}`, value)).toBeDefined();
      }),
      RUNS,
    );
  });

  it('names the form it found', () => {
    const token = 'ghs_0123456789abcdefABCDEF';
    const basic = Buffer.from(`user:${token}`).toString('base64');
    expect(formIn(`token=${token}`, token)).toBe('raw');
    expect(formIn(`Authorization: Basic ${basic}`, token)).toBe('base64');
    // ">>>" and "???" encode as "Pj4+" and "Pz8/": base64url has "-" and "_" there.
    const odd = `${token}>>>???`;
    expect(formIn(Buffer.from(`ab${odd}`).toString('base64url'), odd)).toBe('base64url');
    expect(formIn(`u=${encodeURIComponent('a b/c+d:e?f')}`, 'a b/c+d:e?f')).toBe('url-encoded');
    expect(formIn(Buffer.from(token).toString('hex').toUpperCase(), token)).toBe('hex');
  });

  it('ignores values under 8 characters, and finds nothing in unrelated text', () => {
    expect(secretNeedles({ SHORT: 'abc1234', EMPTY: '' })).toEqual([]);
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{8,40}$/), fc.string(), (value, text) => {
        fc.pre(!text.includes(value));
        // Unrelated text almost never holds a 10+ character encoding by chance; raw must not match.
        expect(findSecrets(text, secretNeedles({ V: value })).map((n) => n.form)).not.toContain(
          'raw',
        );
      }),
      RUNS,
    );
  });

  it('reports each secret once, by name', () => {
    const needles = secretNeedles({ A: 'aaaa-aaaa-1', B: 'bbbb-bbbb-2' });
    const hits = findSecrets(
      `aaaa-aaaa-1 ${Buffer.from('aaaa-aaaa-1').toString('base64')} bbbb-bbbb-2`,
      needles,
    );
    expect(hits.map((h) => [h.name, h.form])).toEqual([
      ['A', 'raw'],
      ['B', 'raw'],
    ]);
  });
});

describe('CI definitions', () => {
  it('are the workflows and local actions, and the folders themselves', () => {
    for (const path of [
      '.github/workflows/ci.yml',
      '.github/workflows/sub/x.yaml',
      '.github/actions/setup/action.yml',
      '.GitHub/Workflows/x.yml',
      '.github/workflows',
      '.github',
    ])
      expect(isCiDefinition(path), path).toBe(true);
    for (const path of [
      '.github/CODEOWNERS',
      '.github/dependabot.yml',
      'docs/.github/workflows/x.yml',
      '.githubx/workflows/x.yml',
      '.github/workflowsx/x.yml',
      'src/workflows/x.yml',
    ])
      expect(isCiDefinition(path), path).toBe(false);
  });

  it('reads the change from a raw diff status, merges included', () => {
    expect(['A', 'AA', 'M', 'MM', 'T', 'D', 'DD'].map(changeOf)).toEqual([
      'adds',
      'adds',
      'changes',
      'changes',
      'changes',
      'deletes',
      'deletes',
    ]);
  });
});

describe('describeRefusal', () => {
  const sha = (c: string) => c.repeat(40);
  it('names the commit, the file and the secret, and the input that allows CI changes', () => {
    const findings: PushFinding[] = [
      { kind: 'secret', commit: sha('a'), path: 'config.txt', secret: 'github-token', form: 'raw' },
      { kind: 'secret', commit: sha('b'), secret: 'OPENAI_API_KEY', form: 'base64' },
      { kind: 'ci', commit: sha('c'), path: '.github/workflows/x.yml', change: 'adds' },
    ];
    const message = describeRefusal('samocode/1-x', findings);
    expect(message).toBe(
      'refusing to push samocode/1-x: ' +
        'commit aaaaaaaaaaaa puts the value of github-token in config.txt; ' +
        'commit bbbbbbbbbbbb puts the value of OPENAI_API_KEY (base64) in its commit message; ' +
        'commit cccccccccccc adds .github/workflows/x.yml; ' +
        'CI definitions (.github/workflows, .github/actions) change only with the input allow-workflow-changes: true. ' +
        'Nothing was pushed; the next run starts again from the branch on origin',
    );
  });

  it('lists the first five and counts the rest', () => {
    const many: PushFinding[] = Array.from({ length: 8 }, (_, i) => ({
      kind: 'ci',
      commit: sha(String(i)),
      path: `.github/workflows/${i}.yml`,
      change: 'changes',
    }));
    const message = describeRefusal('b', many);
    expect(message).toContain('4.yml; and 3 more;');
    expect(message).not.toContain('5.yml');
  });
});
