import { describe, expect, it } from 'vitest';
import {
  effectiveEgress,
  egressAllows,
  hostOfUrl,
  parseAllowedDomains,
} from '../../src/core/egress.js';
import { sanitizeGitConfig } from '../../src/core/git-config-text.js';

describe('allowed-domains', () => {
  it('reads names, wildcards, ports and "*", and names the setting when an entry is wrong', () => {
    expect(parseAllowedDomains('api.example.com, *.npmjs.org\n127.0.0.1:8080', 'X')).toEqual({
      ok: true,
      egress: { kind: 'list', hosts: ['api.example.com', '*.npmjs.org', '127.0.0.1:8080'] },
    });
    expect(parseAllowedDomains(' * ', 'X')).toEqual({ ok: true, egress: { kind: 'any' } });
    expect(parseAllowedDomains('*, a.com', 'X')).toEqual({
      ok: false,
      error: 'X: "*" allows every host and stands alone',
    });
    expect(parseAllowedDomains('a.com/path', 'X')).toMatchObject({ ok: false });
    expect(parseAllowedDomains('*.*.com', 'X')).toMatchObject({ ok: false });
  });

  it('matches a host exactly, a subdomain only through a wildcard, and a port when one is given', () => {
    const egress = parseAllowedDomains('github.com *.npmjs.org 127.0.0.1:8080 [::1]', 'X');
    if (!egress.ok) throw new Error(egress.error);
    const allows = (host: string, port = 443) => egressAllows(egress.egress, host, port);
    expect(allows('github.com')).toBe(true);
    expect(allows('GitHub.com.')).toBe(true);
    expect(allows('api.github.com')).toBe(false);
    expect(allows('evilgithub.com')).toBe(false);
    expect(allows('registry.npmjs.org')).toBe(true);
    expect(allows('npmjs.org')).toBe(false);
    expect(allows('evil-npmjs.org')).toBe(false);
    expect(allows('127.0.0.1', 8080)).toBe(true);
    expect(allows('127.0.0.1', 8081)).toBe(false);
    expect(allows('::1', 22)).toBe(true);
    expect(egressAllows({ kind: 'any' }, 'anything.example', 1)).toBe(true);
  });

  it('always adds the model APIs; the default adds the forge and the registries', () => {
    const configured = effectiveEgress({
      configured: { kind: 'list', hosts: ['internal.example'] },
      agents: ['claude'],
      baseUrls: ['http://127.0.0.1:4000/v1'],
      forgeHosts: ['github.com'],
    });
    expect(configured).toEqual({
      kind: 'list',
      hosts: [
        'api.anthropic.com',
        'statsig.anthropic.com',
        'sentry.io',
        '127.0.0.1:4000',
        'internal.example',
      ],
    });
    const fallback = effectiveEgress({
      configured: undefined,
      agents: ['codex', 'command'],
      baseUrls: [],
      forgeHosts: ['ghe.example.com'],
    });
    expect(fallback.kind === 'list' && fallback.hosts).toEqual(
      expect.arrayContaining([
        'api.openai.com',
        'ghe.example.com',
        'registry.npmjs.org',
        'pypi.org',
      ]),
    );
    expect(
      effectiveEgress({ configured: { kind: 'any' }, agents: [], baseUrls: [], forgeHosts: [] }),
    ).toEqual({ kind: 'any' });
    expect(hostOfUrl('https://user:pw@API.Example.com/x')).toBe('api.example.com');
    expect(hostOfUrl('not a url')).toBeUndefined();
  });
});

describe('the .git/config the agent reads', () => {
  it('keeps remotes and settings, drops what authenticates, and blanks secret values', () => {
    const config = [
      '[core]',
      '\trepositoryformatversion = 0',
      '[remote "origin"]',
      '\turl = https://x-access-token:ghs_secretvalue1@github.com/acme/widgets',
      '\tfetch = +refs/heads/*:refs/remotes/origin/*',
      '[http "https://github.com/"]',
      '\textraheader = AUTHORIZATION: basic eC1hY2Nlc3M=',
      '[credential]',
      '\thelper = store',
      '[credential "https://github.com"]',
      '\tusername = bot',
      '[user]',
      '\tname = someone ghs_othersecret9',
    ].join('\n');
    expect(sanitizeGitConfig(config, ['ghs_othersecret9', 'short'])).toBe(
      [
        '[core]',
        '\trepositoryformatversion = 0',
        '[remote "origin"]',
        '\turl = https://github.com/acme/widgets',
        '\tfetch = +refs/heads/*:refs/remotes/origin/*',
        '[http "https://github.com/"]',
        '[user]',
        '\tname = someone ***',
      ].join('\n'),
    );
  });
});
