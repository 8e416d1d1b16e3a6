// The environment an agent starts with: the parent's, minus credentials it has no business seeing.

const HIDDEN = [
  /^GITHUB_TOKEN$/,
  /^GH_TOKEN$/,
  /^INPUT_/,
  /^ACTIONS_(RUNTIME|ID_TOKEN_REQUEST|CACHE)/,
  /^TELEGRAM_BOT_TOKEN$/,
  /^SAMOCODE_/,
  /^SLACK_WEBHOOK_URL$/,
];

export function agentBaseEnv(
  env: NodeJS.ProcessEnv,
  allow: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (!allow.includes(key) && HIDDEN.some((pattern) => pattern.test(key))) continue;
    out[key] = value;
  }
  return out;
}
