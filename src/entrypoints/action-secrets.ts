// What the action must never let out, and how its git reaches origin. The main step and the post
// step build them the same way: the runner gives both the step's INPUT_* variables and environment,
// and the post step may push a session branch the main step left behind.
import type { RemoteAccess } from '../adapters/git-auth.js';
import { remoteAccess } from '../adapters/git-auth.js';
import type { PushPolicy } from '../adapters/push-check.js';
import { ALLOW_WORKFLOW_CHANGES } from '../core/push-findings.js';

/** The default of the `secret-env` input (action.yml says the same). */
export const DEFAULT_SECRET_ENV =
  'ANTHROPIC_API_KEY,ANTHROPIC_AUTH_TOKEN,CLAUDE_CODE_OAUTH_TOKEN,OPENAI_API_KEY,CODEX_API_KEY,GEMINI_API_KEY,GOOGLE_API_KEY,TELEGRAM_BOT_TOKEN,SLACK_WEBHOOK_URL';

/** Names of the variables the `secret-env` input lists. */
export function secretEnvNames(input: (name: string) => string): string[] {
  return (input('secret-env').trim() || DEFAULT_SECRET_ENV).split(/[\s,]+/).filter(Boolean);
}

/**
 * Every secret value the action knows, by the name a refusal shows: its tokens, the notification
 * URLs and the variables `secret-env` lists. Empty values are left out.
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
  ])
    add(name, input(name));
  for (const name of secretEnvNames(input)) add(name, env[name]);
  return secrets;
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
