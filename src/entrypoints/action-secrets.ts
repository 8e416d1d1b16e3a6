// What the action must never let out, and how its git reaches origin. The main step and the post
// step build them the same way: the runner gives both the step's INPUT_* variables and environment,
// and the post step may push a session branch the main step left behind.
import type { RemoteAccess } from '../adapters/git-auth.js';
import { remoteAccess } from '../adapters/git-auth.js';
import type { PushPolicy } from '../adapters/push-check.js';
import { ALLOW_WORKFLOW_CHANGES } from '../core/push-findings.js';
import { AGENT_CREDENTIAL_ENV } from '../adapters/agent-env.js';

/** The default of the `secret-env` input (action.yml says the same). */
export const DEFAULT_SECRET_ENV = [
  ...AGENT_CREDENTIAL_ENV,
  'TELEGRAM_BOT_TOKEN',
  'SLACK_WEBHOOK_URL',
].join(',');

/** The runner's own credentials: tokens for its cache, artifacts, results and OIDC. */
export const RUNNER_TOKEN_ENV = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_RUNTIME_URL',
];

/** Names of the variables the `secret-env` input lists. */
export function secretEnvNames(input: (name: string) => string): string[] {
  return (input('secret-env').trim() || DEFAULT_SECRET_ENV).split(/[\s,]+/).filter(Boolean);
}

/**
 * Every secret value the action knows, by the name a refusal shows: its tokens, the notification
 * URLs, the commit signing key, the runner's tokens and the variables `secret-env` lists. Empty
 * values are left out.
 */
export function actionSecrets(
  input: (name: string) => string,
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  const secrets: Record<string, string> = {};
  const add = (name: string, value: string | undefined) => {
    if (value?.trim()) secrets[name] = value.trim();
  };
  for (const name of [
    'github-token',
    'push-token',
    'agent-github-token',
    'slack-webhook-url',
    'webhook-url',
    'signing-key',
  ])
    add(name, input(name));
  for (const name of [...RUNNER_TOKEN_ENV, ...secretEnvNames(input)]) add(name, env[name]);
  return secrets;
}

/**
 * The secret values the agent must not hold: all of them but its own credentials,
 * agent-github-token and the variables `agent-env` names. One list with the push check's, so a secret the action learns of is both kept
 * from the agent and refused in a push.
 */
export function withheldFromAgent(
  secrets: Record<string, string>,
  agentEnvNames: readonly string[] = [],
): string[] {
  const own = new Set(['agent-github-token', ...AGENT_CREDENTIAL_ENV, ...agentEnvNames]);
  const ownValues = new Set(
    Object.entries(secrets).flatMap(([name, value]) => (own.has(name) ? [value] : [])),
  );
  return Object.values(secrets).filter((value) => !ownValues.has(value));
}

export interface ActionGit {
  secrets: Record<string, string>;
  /** What no push may carry. */
  policy: PushPolicy;
  /** github-token for reads (and pushes), push-token for pushes when given. */
  remote: RemoteAccess;
}

export function actionGit(input: (name: string) => string, env: NodeJS.ProcessEnv): ActionGit {
  const secrets = actionSecrets(input, env);
  return {
    secrets,
    policy: {
      secrets,
      allowWorkflowChanges: input(ALLOW_WORKFLOW_CHANGES).trim().toLowerCase() === 'true',
    },
    remote: remoteAccess(
      env.GITHUB_SERVER_URL || 'https://github.com',
      input('github-token').trim(),
      input('push-token').trim(),
    ),
  };
}

/**
 * What to mask in the log: each value, and each line of a value of several lines (a key), so that a
 * line printed alone is masked too; the key's armor lines are no secret.
 */
export function maskedValues(secrets: Record<string, string>): string[] {
  const values = new Set<string>();
  for (const value of Object.values(secrets)) {
    values.add(value);
    if (!value.includes('\n')) continue;
    for (const line of value.split(/\r?\n/).map((l) => l.trim()))
      if (line.length >= 8 && !line.startsWith('-----')) values.add(line);
  }
  return [...values];
}
