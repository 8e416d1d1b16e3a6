// Before a session starts: does the agent have a way to log in, and does its API answer? Only
// for the real CLIs, whose login sources are known; a wrapper under another name is not guessed at.
// Both are warnings: a login can live where no file shows it (a keychain, a helper script), and
// a network can reach an API only through a proxy this check does not use.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AgentKind } from '../core/phase-agents.js';

interface AgentFacts {
  /** Variables any of which is a login (or a cloud the CLI logs in to by itself). */
  envLogins: string[];
  /** Files under HOME (or the CLI's config folder) that hold a login. */
  files: (env: NodeJS.ProcessEnv, home: string) => string[];
  /** The API the CLI calls, unless a cloud login takes it elsewhere. */
  baseUrl: (env: NodeJS.ProcessEnv) => string | undefined;
  login: string;
}

const FACTS: Partial<Record<AgentKind, AgentFacts>> = {
  claude: {
    envLogins: [
      'ANTHROPIC_API_KEY',
      'ANTHROPIC_AUTH_TOKEN',
      'CLAUDE_CODE_OAUTH_TOKEN',
      'CLAUDE_CODE_USE_BEDROCK',
      'CLAUDE_CODE_USE_VERTEX',
      'CLAUDE_CODE_USE_FOUNDRY',
    ],
    files: (env, home) => {
      const dir = env.CLAUDE_CONFIG_DIR || join(home, '.claude');
      return [join(dir, '.credentials.json')];
    },
    baseUrl: (env) =>
      env.CLAUDE_CODE_USE_BEDROCK || env.CLAUDE_CODE_USE_VERTEX || env.CLAUDE_CODE_USE_FOUNDRY
        ? undefined
        : env.ANTHROPIC_BASE_URL || 'https://api.anthropic.com',
    login: 'set ANTHROPIC_API_KEY (or CLAUDE_CODE_OAUTH_TOKEN), or run `claude` once and log in',
  },
  codex: {
    envLogins: ['OPENAI_API_KEY', 'CODEX_API_KEY'],
    files: (env, home) => [join(env.CODEX_HOME || join(home, '.codex'), 'auth.json')],
    baseUrl: (env) => env.OPENAI_BASE_URL || 'https://api.openai.com',
    login: 'set OPENAI_API_KEY, or run `codex login`',
  },
  gemini: {
    envLogins: [
      'GEMINI_API_KEY',
      'GOOGLE_API_KEY',
      'GOOGLE_GENAI_USE_VERTEXAI',
      'GOOGLE_APPLICATION_CREDENTIALS',
    ],
    files: (_env, home) => [join(home, '.gemini', 'oauth_creds.json')],
    baseUrl: (env) =>
      env.GOOGLE_GENAI_USE_VERTEXAI
        ? undefined
        : env.GOOGLE_GEMINI_BASE_URL || 'https://generativelanguage.googleapis.com',
    login: 'set GEMINI_API_KEY, or run `gemini` once and log in',
  },
};

/** The real CLI's names: `claude` (or its npm package's `claude.exe`), `codex`, `gemini`. */
function isRealCli(kind: AgentKind, program: string): boolean {
  const name = basename(program);
  return name === kind || name === `${kind}.exe` || name === `${kind}.js`;
}

/** Why the agent may have no login here, or undefined when one is in sight. */
export function missingLogin(
  kind: AgentKind,
  program: string,
  env: NodeJS.ProcessEnv,
  home: string,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const facts = FACTS[kind];
  if (!facts || !isRealCli(kind, program)) return undefined;
  if (facts.envLogins.some((name) => env[name])) return undefined;
  if (facts.files(env, home).some((file) => existsSync(file))) return undefined;
  // Claude Code keeps its login in the keychain on macOS, or gets a key from an apiKeyHelper.
  if (kind === 'claude' && platform === 'darwin') return undefined;
  if (kind === 'claude' && settingsHaveHelper(join(home, '.claude', 'settings.json')))
    return undefined;
  return `the ${kind} agent shows no login here (none of ${facts.envLogins.join(', ')}, no ${facts.files(env, home).join(' or ')}): ${facts.login}`;
}

function settingsHaveHelper(file: string): boolean {
  try {
    return /"apiKeyHelper"\s*:/.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Whether the agent's API answers at all (any HTTP status counts: only the connection is
 * checked, and no model call is made); undefined when it does or when a proxy is in the way.
 */
export async function unreachableApi(
  kind: AgentKind,
  program: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 4000,
): Promise<string | undefined> {
  const facts = FACTS[kind];
  if (!facts || !isRealCli(kind, program)) return undefined;
  if (env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy) return undefined;
  const url = facts.baseUrl(env);
  if (!url) return undefined;
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
    return undefined;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why =
      (error as Error).name === 'TimeoutError'
        ? `no answer in ${timeoutMs / 1000} s`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
    return `the ${kind} agent's API at ${url} cannot be reached (${why}): the agent would retry until its time limit; check the network or the base URL`;
  }
}
