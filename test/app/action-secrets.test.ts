import { describe, expect, it } from 'vitest';
import {
  actionSecrets,
  maskedValues,
  withheldFromAgent,
} from '../../src/entrypoints/action-secrets.js';

const inputs: Record<string, string> = {
  'github-token': 'ghs_job_token_value',
  'agent-github-token': 'ghp_agent_token_value',
  'slack-webhook-url': 'https://hooks.slack.example/T000/B000/secretpath',
};
const env = {
  ANTHROPIC_API_KEY: 'sk-ant-agent-key',
  TELEGRAM_BOT_TOKEN: '12345:telegram-secret',
  ACTIONS_RUNTIME_TOKEN: 'runtime-token-value',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
  DEPLOY_KEY: 'deploy-key-value',
  PATH: '/usr/bin',
};

describe('the secrets the action knows', () => {
  const secrets = actionSecrets((name) => inputs[name] ?? '', env);

  it('are one list for the push check: tokens, notification URLs, runner tokens, secret-env', () => {
    expect(Object.keys(secrets).sort()).toEqual(
      [
        'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
        'ACTIONS_RUNTIME_TOKEN',
        'ANTHROPIC_API_KEY',
        'TELEGRAM_BOT_TOKEN',
        'agent-github-token',
        'github-token',
        'slack-webhook-url',
      ].sort(),
    );
  });

  it('are all withheld from the agent but its own key and agent-github-token', () => {
    const withheld = withheldFromAgent(secrets);
    expect(withheld.sort()).toEqual(
      [
        'ghs_job_token_value',
        'https://hooks.slack.example/T000/B000/secretpath',
        '12345:telegram-secret',
        'runtime-token-value',
        'oidc-request-token',
      ].sort(),
    );
  });

  it('include a variable secret-env names, withheld from the agent too', () => {
    const named = actionSecrets(
      (name) => (name === 'secret-env' ? 'DEPLOY_KEY' : (inputs[name] ?? '')),
      env,
    );
    expect(named.DEPLOY_KEY).toBe('deploy-key-value');
    expect(named.ANTHROPIC_API_KEY).toBeUndefined();
    expect(withheldFromAgent(named)).toContain('deploy-key-value');
  });

  it('include the signing key, withheld from the agent and masked line by line too', () => {
    const key =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQyNTUxOQAAACDN4lmGdj5m\n-----END OPENSSH PRIVATE KEY-----';
    const signed = actionSecrets(
      (name) => (name === 'signing-key' ? `${key}\n` : (inputs[name] ?? '')),
      env,
    );
    expect(signed['signing-key']).toBe(key);
    expect(withheldFromAgent(signed)).toContain(key);
    const masked = maskedValues(signed);
    expect(masked).toEqual(
      expect.arrayContaining([key, 'b3BlbnNzaC1rZXktdjEAAAAA', 'QyNTUxOQAAACDN4lmGdj5m']),
    );
    expect(masked.filter((v) => v.startsWith('-----') && !v.includes('\n'))).toEqual([]);
    expect(masked).toContain('ghs_job_token_value');
  });
});
