// The action's inputs as one typed settings object; every error names the input and the expected form.
import { z } from 'zod';
import { parsePermissionList } from '../core/access.js';
import { parseAllowedDomains } from '../core/egress.js';
import {
  AGENT_KINDS,
  isAgentKind,
  parseFallbackAgents,
  parsePhaseAgents,
} from '../core/phase-agents.js';
import { parseAgentArgs } from '../core/agent-args.js';
import type { ArgsAgent } from '../core/agent-args.js';
import { PROMPT_DIR } from '../app/prompts.js';
import { parseEnvNames } from '../adapters/agent-env.js';
import { parseCommitter, parseSigningKey } from '../core/signing-key.js';

const number = (name: string, min: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, `input "${name}" must be a number`)
    .transform(Number)
    .refine((n) => n >= min, `input "${name}" must be at least ${min}`);

const whole = (name: string, min: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `input "${name}" must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min, `input "${name}" must be at least ${min}`);

export type ActionInputs = ReturnType<typeof readActionInputs>;

export function readActionInputs(getInput: (name: string) => string) {
  const raw = (name: string, fallback = '') => getInput(name).trim() || fallback;
  const bool = (name: string, fallback = 'false'): boolean => {
    const value = raw(name, fallback).toLowerCase();
    if (value !== 'true' && value !== 'false')
      throw new Error(`input "${name}" must be true or false (got "${value}")`);
    return value === 'true';
  };
  const parse = <T>(name: string, schema: z.ZodType<T>, fallback: string): T => {
    const value = raw(name, fallback);
    const result = schema.safeParse(value);
    if (!result.success)
      throw new Error(
        `${result.error.issues[0]?.message ?? `input "${name}" is invalid`} (got "${value}")`,
      );
    return result.data;
  };
  const optional = <T>(name: string, schema: z.ZodType<T>): T | undefined =>
    raw(name) ? parse(name, schema, '') : undefined;
  const githubToken = raw('github-token');
  if (!githubToken)
    throw new Error(
      'input "github-token" is empty: pass ${{ github.token }} or a token with contents, issues and pull-requests write access',
    );
  const triggerAssignee = raw('trigger-assignee').replace(/^@/, '');
  if (triggerAssignee && !/^[A-Za-z0-9][A-Za-z0-9-]*(?:\[bot\])?$/.test(triggerAssignee))
    throw new Error(
      `input "trigger-assignee" must be one GitHub login, e.g. samocode-bot, or empty (got "${triggerAssignee}")`,
    );
  const branchPrefix = raw('branch-prefix', 'samocode/');
  if (!/^[\w./-]+$/.test(branchPrefix))
    throw new Error(
      `input "branch-prefix" must be a branch name prefix like "samocode/" (got "${branchPrefix}")`,
    );
  const sessionsDir = raw('sessions-dir', '_sessions');
  if (sessionsDir.startsWith('/') || sessionsDir.split('/').includes('..')) {
    throw new Error(
      `input "sessions-dir" must be a folder inside the repository, like "_sessions" (got "${sessionsDir}")`,
    );
  }
  const permissions = parsePermissionList(raw('allowed-permissions', 'write,maintain,admin'));
  if ('error' in permissions) throw new Error(`input "allowed-permissions": ${permissions.error}`);
  const agent = raw('agent', 'claude');
  if (!isAgentKind(agent)) {
    throw new Error(`input "agent" must be one of ${AGENT_KINDS.join(', ')} (got "${agent}")`);
  }
  const agentArgs = (kind: ArgsAgent) => {
    const parsed = parseAgentArgs(kind, raw(`${kind}-args`), `input "${kind}-args"`);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.args;
  };
  const args = {
    claude: agentArgs('claude'),
    codex: agentArgs('codex'),
    gemini: agentArgs('gemini'),
  };
  const phaseAgents = parsePhaseAgents(raw('agents'));
  const fallbackAgents = parseFallbackAgents(raw('fallback-agents'));
  if (!fallbackAgents.ok) throw new Error(`input "fallback-agents": ${fallbackAgents.error}`);
  if (!phaseAgents.ok) throw new Error(`input "agents": ${phaseAgents.error}`);
  const agentCommand = raw('agent-command');
  const usesCommand =
    agent === 'command' ||
    [...Object.values(phaseAgents.agents), ...fallbackAgents.agents].some(
      (a) => a.kind === 'command',
    );
  if (usesCommand && !agentCommand) {
    throw new Error(
      'input "agent-command" is needed with agent: command, e.g. "mytool run --system {context} {prompt}"',
    );
  }
  const mode = raw('mode', 'event');
  if (mode !== 'event' && mode !== 'sweep')
    throw new Error(`input "mode" must be "event" or "sweep" (got "${mode}")`);
  const geminiApproval = raw('gemini-approval-mode');
  if (geminiApproval && !['default', 'auto_edit', 'yolo', 'plan'].includes(geminiApproval))
    throw new Error(
      `input "gemini-approval-mode" must be default, auto_edit, yolo or plan (got "${geminiApproval}")`,
    );
  const codexSandbox = raw('codex-sandbox');
  if (
    codexSandbox &&
    !['read-only', 'workspace-write', 'danger-full-access'].includes(codexSandbox)
  )
    throw new Error(
      `input "codex-sandbox" must be read-only, workspace-write or danger-full-access (got "${codexSandbox}")`,
    );
  const promptsDir = raw('prompts-dir', PROMPT_DIR);
  if (promptsDir.startsWith('/') || promptsDir.split('/').includes('..'))
    throw new Error(
      `input "prompts-dir" must be a folder inside the repository, like "${PROMPT_DIR}" (got "${promptsDir}")`,
    );
  const allowedDomains = raw('allowed-domains');
  const egress = allowedDomains
    ? parseAllowedDomains(allowedDomains, 'input "allowed-domains"')
    : undefined;
  if (egress && !egress.ok) throw new Error(egress.error);
  const paths = (name: string) =>
    raw(name)
      .split(/[\n,]+/)
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        if (!p.startsWith('/'))
          throw new Error(`input "${name}" takes absolute paths, one per line (got "${p}")`);
        return p;
      });
  // Not through raw(): the key's own parser takes its lines apart and says what is wrong.
  const signingKeyText = getInput('signing-key');
  const signingKey = signingKeyText.trim()
    ? parseSigningKey(signingKeyText, 'input "signing-key"')
    : undefined;
  if (signingKey && !signingKey.ok) throw new Error(signingKey.error);
  const committer = raw('committer')
    ? parseCommitter(raw('committer'), 'input "committer"')
    : undefined;
  if (committer && !committer.ok) throw new Error(committer.error);
  const commitSigning = raw('commit-signing', signingKey ? 'ssh' : 'none');
  if (!['ssh', 'github-api', 'none'].includes(commitSigning))
    throw new Error(
      `input "commit-signing" must be ssh, github-api or none (got "${commitSigning}")`,
    );
  if (commitSigning === 'ssh' && !signingKey)
    throw new Error(
      'input "commit-signing" is ssh, but input "signing-key" is empty: pass the key',
    );
  if (commitSigning !== 'ssh' && signingKey)
    throw new Error(
      `input "signing-key" is set, but input "commit-signing" is ${commitSigning}: leave one of them out`,
    );
  return {
    sandbox: bool('sandbox', 'true'),
    egress: egress?.egress,
    sandboxWritablePaths: paths('sandbox-writable-paths'),
    sandboxReadablePaths: paths('sandbox-readable-paths'),
    agent,
    agentCommand,
    agentArgs: args,
    agentEnv: parseEnvNames(raw('agent-env'), 'input "agent-env"'),
    phaseAgents: phaseAgents.agents,
    fallbackAgents: fallbackAgents.agents,
    codexPath: raw('codex-path', 'codex'),
    geminiPath: raw('gemini-path', 'gemini'),
    codexApprovalMode: raw('codex-approval-mode'),
    codexTimeoutSeconds: optional('codex-timeout', whole('codex-timeout', 1)),
    geminiTimeoutSeconds: optional('gemini-timeout', whole('gemini-timeout', 1)),
    codexSandbox,
    geminiApprovalMode: geminiApproval,
    promptsDir,
    waitForCi: bool('wait-for-ci'),
    keepSessionFolder: bool('keep-session-folder'),
    ciStartSeconds: parse('ci-start-seconds', whole('ci-start-seconds', 0), '60'),
    fetchImages: bool('fetch-images', 'true'),
    pushToken: raw('push-token'),
    signingKey: signingKey?.key,
    /** github-api: GitHub makes (and signs) the session commits; ssh: signing-key signs them. */
    commitSigning: commitSigning as 'ssh' | 'github-api' | 'none',
    committer: committer?.committer,
    slackWebhookUrl: raw('slack-webhook-url'),
    webhookUrl: raw('webhook-url'),
    mode,
    pollSeconds: parse('poll-seconds', whole('poll-seconds', 0), '30'),
    staleMinutes: parse('stale-minutes', whole('stale-minutes', 0), '90'),
    githubToken,
    agentGithubToken: raw('agent-github-token'),
    policy: {
      allowedPermissions: permissions,
      allowedUsers: raw('allowed-users')
        .split(/[\s,]+/)
        .map((u) => u.replace(/^@/, ''))
        .filter(Boolean),
    },
    stallSeconds: parse('stall-timeout', whole('stall-timeout', 0), '600'),
    // The secrets themselves (secret-env …) are read in action-secrets.ts, shared with the post step.
    allowWorkflowChanges: bool('allow-workflow-changes'),
    triggerLabel: raw('trigger-label', 'samocode'),
    triggerAssignee,
    branchPrefix,
    sessionsDir,
    baseBranch: raw('base-branch'),
    claudePath: raw('claude-path', 'claude'),
    model: raw('model'),
    timeoutSeconds: parse('timeout', whole('timeout', 1), '1800'),
    maxTurns: optional('max-turns', whole('max-turns', 1)),
    maxIterationsPerRun: parse('max-iterations-per-run', whole('max-iterations-per-run', 1), '20'),
    retryDelaySeconds: parse('retry-delay', whole('retry-delay', 0), '10'),
    maxRunMinutes: parse('max-run-minutes', whole('max-run-minutes', 1), '300'),
    maxRetries: parse('max-retries', whole('max-retries', 0), '2'),
    maxCostUsd: optional('max-cost-usd', number('max-cost-usd', 0)),
  };
}
