// Which hosts a sandboxed agent may reach: the `allowed-domains` setting, its default, and the rule
// that decides one connection. Entries are host names (`api.anthropic.com`), wildcards for
// subdomains (`*.github.com`, which does not match `github.com` itself), either with a port
// (`127.0.0.1:8080`, else any port), or `*` alone: no restriction at all.
import type { AgentKind } from './phase-agents.js';

export type Egress = { kind: 'any' } | { kind: 'list'; hosts: readonly string[] };

export type EgressParse = { ok: true; egress: Egress } | { ok: false; error: string };

/** Each agent's model API (its own base-URL variable adds the host it names). */
const MODEL_APIS: Readonly<Record<AgentKind, readonly string[]>> = {
  claude: ['api.anthropic.com', 'statsig.anthropic.com', 'sentry.io'],
  codex: ['api.openai.com', 'chatgpt.com', 'auth.openai.com'],
  gemini: [
    'generativelanguage.googleapis.com',
    'cloudcode-pa.googleapis.com',
    'oauth2.googleapis.com',
    'play.googleapis.com',
  ],
  command: [],
};

/** Variables that point an agent at another API host: that host is its model API. */
export const BASE_URL_VARIABLES = [
  'ANTHROPIC_BASE_URL',
  'OPENAI_BASE_URL',
  'GOOGLE_GEMINI_BASE_URL',
  'GEMINI_BASE_URL',
] as const;

/** The forge and the package registries that builds and tests commonly need. */
export const DEFAULT_SHARED_HOSTS: readonly string[] = [
  'github.com',
  'api.github.com',
  'codeload.github.com',
  'objects.githubusercontent.com',
  'raw.githubusercontent.com',
  'registry.npmjs.org',
  'registry.yarnpkg.com',
  'pypi.org',
  'files.pythonhosted.org',
  'crates.io',
  'index.crates.io',
  'static.crates.io',
  'proxy.golang.org',
  'sum.golang.org',
  'repo.maven.apache.org',
  'repo1.maven.org',
  'rubygems.org',
];

const ENTRY = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;
const IPV6_ENTRY = /^\[[0-9a-f:.]+\](:\d{1,5})?$/;

/** Reads a comma-, space- or newline-separated list. Empty means the default. */
export function parseAllowedDomains(text: string, setting: string): EgressParse {
  const entries = text
    .split(/[\s,]+/)
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  if (entries.includes('*')) {
    if (entries.length > 1)
      return { ok: false, error: `${setting}: "*" allows every host and stands alone` };
    return { ok: true, egress: { kind: 'any' } };
  }
  for (const entry of entries) {
    if (!ENTRY.test(entry) && !IPV6_ENTRY.test(entry))
      return {
        ok: false,
        error: `${setting}: "${entry}" is not a host name like "api.example.com", "*.example.com" or "127.0.0.1:8080"`,
      };
  }
  return { ok: true, egress: { kind: 'list', hosts: entries } };
}

/** The host[:port] a base URL names, as an allow-list entry (the port only when it is explicit). */
export function hostOfUrl(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]+\]|[^:/?#]+)(?::(\d+))?/i.exec(
    url.trim(),
  );
  if (!match?.[1]) return undefined;
  const host = match[1].toLowerCase();
  return match[2] ? `${host}:${match[2]}` : host;
}

/**
 * What the agents of a run may reach: the user's list when given (plus the model APIs, without
 * which no agent works), else the default — the agents' model APIs, the forge, the registries.
 */
export function effectiveEgress(options: {
  configured: Egress | undefined;
  agents: readonly AgentKind[];
  baseUrls: readonly string[];
  forgeHosts: readonly string[];
}): Egress {
  if (options.configured?.kind === 'any') return options.configured;
  const apis = [
    ...options.agents.flatMap((kind) => MODEL_APIS[kind]),
    ...options.baseUrls.flatMap((url) => hostOfUrl(url) ?? []),
  ];
  const rest = options.configured
    ? options.configured.hosts
    : [...options.forgeHosts, ...DEFAULT_SHARED_HOSTS];
  return { kind: 'list', hosts: [...new Set([...apis, ...rest])] };
}

/** Whether a connection to `host`:`port` is allowed. */
export function egressAllows(egress: Egress, host: string, port: number): boolean {
  if (egress.kind === 'any') return true;
  const name = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  return egress.hosts.some((entry) => {
    const at = entry.lastIndexOf(':');
    const hasPort = at > entry.lastIndexOf(']') && at !== -1;
    const pattern = hasPort ? entry.slice(0, at) : entry;
    if (hasPort && Number(entry.slice(at + 1)) !== port) return false;
    const bare = pattern.replace(/^\[|\]$/g, '');
    if (pattern.startsWith('*.')) return name.endsWith(pattern.slice(1));
    return name === bare;
  });
}

/** The sentence an agent reads when a connection is refused. */
export function egressRefusal(host: string, port: number, setting: string): string {
  return (
    `samocode sandbox: ${host}:${port} is not in ${setting}; the agent may reach only the hosts ` +
    `listed there (add "${host}" to it, or "*" for no restriction)`
  );
}
