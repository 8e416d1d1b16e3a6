// The environment an agent starts with: the parent's, minus credentials it has no business seeing.
// Its own model credentials pass; any other credential-like variable (cloud keys, tokens,
// passwords) passes only when the user names it (`agent-env` / SAMOCODE_AGENT_ENV).

/** The agents' own credentials: passed to the agent on purpose. */
export const AGENT_CREDENTIAL_ENV = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'CLAUDE_CODE_OAUTH_TOKEN',
  'OPENAI_API_KEY',
  'CODEX_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
];

/** Never passed, even when named: the job's own tokens and the action's inputs. */
const HIDDEN = [
  /^INPUT_/,
  /^ACTIONS_(RUNTIME|ID_TOKEN_REQUEST|CACHE|RESULTS)/,
  /^TELEGRAM_BOT_TOKEN$/,
  /^SAMOCODE_/,
  /^SLACK_WEBHOOK_URL$/,
];

/**
 * Passed only when named: names that say credential. The clouds' keys all carry one of these
 * words (AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AZURE_CLIENT_SECRET, GOOGLE_APPLICATION_CREDENTIALS,
 * AZURE_FEDERATED_TOKEN_FILE); their settings (regions, projects, base URLs) do not.
 */
const CREDENTIAL_LIKE = [
  /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|CREDS|PRIVATE_KEY|API_KEY|ACCESS_KEY|AUTH_KEY/i,
];

export interface AgentEnv {
  env: Record<string, string>;
  /** Credential-like variables left out because nothing named them (names only). */
  heldBack: string[];
}

/** The agent's environment; `allow` names variables to pass although they look like credentials. */
export function agentEnvironment(env: NodeJS.ProcessEnv, allow: readonly string[] = []): AgentEnv {
  const out: Record<string, string> = {};
  const heldBack: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (HIDDEN.some((pattern) => pattern.test(key))) continue;
    const named = allow.includes(key) || AGENT_CREDENTIAL_ENV.includes(key);
    if (!named && CREDENTIAL_LIKE.some((pattern) => pattern.test(key))) {
      heldBack.push(key);
      continue;
    }
    out[key] = value;
  }
  return { env: out, heldBack: heldBack.sort() };
}

export function agentBaseEnv(
  env: NodeJS.ProcessEnv,
  allow: readonly string[] = [],
): Record<string, string> {
  return agentEnvironment(env, allow).env;
}

/** Variable names from `agent-env` / SAMOCODE_AGENT_ENV: commas or whitespace between them. */
export function parseEnvNames(text: string, setting: string): string[] {
  const names = text.split(/[\s,]+/).filter(Boolean);
  const bad = names.find((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
  if (bad)
    throw new Error(
      `${setting}: "${bad}" is not a variable name; list names like AWS_REGION,AWS_ACCESS_KEY_ID`,
    );
  const hidden = names.find((name) => HIDDEN.some((pattern) => pattern.test(name)));
  if (hidden)
    throw new Error(
      `${setting}: ${hidden} is the job's own credential or setting and never reaches the agent`,
    );
  return names;
}
