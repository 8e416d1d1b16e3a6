// Settings for the local CLI: `.samocode` (project layout), `.env` and the environment (agent and
// retry settings), and flags on top. Every error names the file or variable and the expected form.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { parseDotenv } from '../core/dotenv.js';
import { PROMPT_DIR } from '../app/prompts.js';
import { AGENT_KINDS, parseFallbackAgents, parsePhaseAgents } from '../core/phase-agents.js';
import type { PhaseAgent } from '../core/phase-agents.js';
import { parseAgentArgs } from '../core/agent-args.js';
import { parseEnvNames } from './agent-env.js';
import type { ArgsAgent } from '../core/agent-args.js';
import { parseAllowedDomains } from '../core/egress.js';
import type { Egress } from '../core/egress.js';
import type { AgentKind, PhaseAgents } from '../core/phase-agents.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const LAYOUT_KEYS = ['MAIN_REPO', 'WORKTREES', 'SESSIONS'] as const;
export const ENV_KEYS = [
  'SAMOCODE_AGENT',
  'SAMOCODE_AGENT_COMMAND',
  'SAMOCODE_AGENTS',
  'SAMOCODE_PROMPTS',
  'CLAUDE_PATH',
  'CLAUDE_MODEL',
  'CODEX_PATH',
  'CODEX_MODEL',
  'CODEX_SANDBOX',
  'CODEX_APPROVAL_MODE',
  'GEMINI_APPROVAL_MODE',
  'CODEX_TIMEOUT',
  'GEMINI_TIMEOUT',
  'GEMINI_PATH',
  'GEMINI_MODEL',
  'CLAUDE_TIMEOUT',
  'CLAUDE_MAX_TURNS',
  'SAMOCODE_MAX_RETRIES',
  'SAMOCODE_RETRY_DELAY',
  'SAMOCODE_MAX_COST_USD',
  'SAMOCODE_STALL_TIMEOUT',
  'SLACK_WEBHOOK_URL',
  'SAMOCODE_WEBHOOK_URL',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_CHAT_ID',
  'TELEGRAM_API_URL',
  'SAMOCODE_SANDBOX',
  'SAMOCODE_ALLOWED_DOMAINS',
  'SAMOCODE_SANDBOX_WRITABLE_PATHS',
  'SAMOCODE_SANDBOX_READABLE_PATHS',
  'CLAUDE_ARGS',
  'CODEX_ARGS',
  'GEMINI_ARGS',
  'SAMOCODE_AGENT_ENV',
  'SAMOCODE_FALLBACK_AGENTS',
  'GIT_BRANCH_PREFIX',
] as const;

export interface CliFlags {
  config?: string;
  repo?: string;
  timeout?: string;
  model?: string;
  agent?: string;
  maxCostUsd?: string;
}

export interface CliSettings {
  configFile?: string;
  repo: string;
  worktrees: string;
  sessions: string;
  /** The project's prompt overrides (a folder that may not exist). */
  prompts: string;
  agent: AgentKind;
  agentCommand?: string;
  /** Each agent's extra CLI arguments (CLAUDE_ARGS …). */
  agentArgs: Partial<Record<ArgsAgent, string[]>>;
  /** Credential-like variables the agent gets all the same (SAMOCODE_AGENT_ENV). */
  agentEnv: string[];
  /** SAMOCODE_FALLBACK_AGENTS, in order. */
  fallbackAgents: PhaseAgent[];
  /** Phase → agent map (SAMOCODE_AGENTS). */
  phaseAgents: PhaseAgents;
  codex: { approvalMode?: string; sandbox?: string };
  gemini: { approvalMode?: string };
  /** Iteration time limits of Codex and Gemini, where they differ from CLAUDE_TIMEOUT's. */
  timeouts: { codex?: number; gemini?: number };
  paths: { claude: string; codex: string; gemini: string };
  models: Partial<Record<Exclude<AgentKind, 'command'>, string>>;
  timeoutSeconds: number;
  maxTurns?: number;
  maxRetries: number;
  retryDelaySeconds: number;
  maxCostUsd?: number;
  stallSeconds: number;
  telegram?: { token: string; chatId: string; apiUrl?: string };
  slackWebhookUrl?: string;
  webhookUrl?: string;
  /** Agents start in the sandbox where it can start (SAMOCODE_SANDBOX, on by default). */
  sandbox: boolean;
  /** SAMOCODE_ALLOWED_DOMAINS; undefined: the default list. */
  egress?: Egress;
  sandboxWritable: string[];
  sandboxReadable: string[];
  /** Session branches are `<branchPrefix>/<slug>` (GIT_BRANCH_PREFIX, default `samocode`). */
  branchPrefix: string;
}

const wholeNumber = (what: string, min: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${what} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min, `${what} must be at least ${min}`);

const money = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, 'must be an amount in US dollars, like 5 or 12.50')
  .transform(Number);

const envSchema = z.object({
  SAMOCODE_AGENT: z.enum(AGENT_KINDS).default('claude'),
  SAMOCODE_AGENT_COMMAND: z.string().min(1).optional(),
  SAMOCODE_AGENTS: z.string().optional(),
  SAMOCODE_PROMPTS: z.string().min(1).optional(),
  CLAUDE_PATH: z.string().min(1).default('claude'),
  CLAUDE_MODEL: z.string().min(1).optional(),
  CODEX_PATH: z.string().min(1).default('codex'),
  CODEX_MODEL: z.string().min(1).optional(),
  CODEX_SANDBOX: z.enum(['read-only', 'workspace-write', 'danger-full-access']).optional(),
  GEMINI_PATH: z.string().min(1).default('gemini'),
  GEMINI_MODEL: z.string().min(1).optional(),
  CODEX_APPROVAL_MODE: z.string().min(1).optional(),
  GEMINI_APPROVAL_MODE: z.enum(['default', 'auto_edit', 'yolo', 'plan']).optional(),
  CODEX_TIMEOUT: wholeNumber('seconds', 1).optional(),
  GEMINI_TIMEOUT: wholeNumber('seconds', 1).optional(),
  CLAUDE_TIMEOUT: wholeNumber('seconds', 1).default(1800),
  CLAUDE_MAX_TURNS: wholeNumber('turns', 1).optional(),
  SAMOCODE_MAX_RETRIES: wholeNumber('retries', 0).default(2),
  SAMOCODE_RETRY_DELAY: wholeNumber('seconds', 0).default(10),
  SAMOCODE_MAX_COST_USD: money.optional(),
  SAMOCODE_STALL_TIMEOUT: wholeNumber('seconds', 0).default(600),
  SLACK_WEBHOOK_URL: z.url().optional(),
  SAMOCODE_WEBHOOK_URL: z.url().optional(),
  TELEGRAM_BOT_TOKEN: z.string().min(1).optional(),
  TELEGRAM_CHAT_ID: z.string().min(1).optional(),
  TELEGRAM_API_URL: z.url().optional(),
  SAMOCODE_SANDBOX: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default('true')
    .transform((v) => v === 'true'),
  SAMOCODE_ALLOWED_DOMAINS: z.string().optional(),
  SAMOCODE_SANDBOX_WRITABLE_PATHS: z.string().optional(),
  SAMOCODE_SANDBOX_READABLE_PATHS: z.string().optional(),
  GIT_BRANCH_PREFIX: z
    .string()
    .trim()
    .regex(
      /^(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/-]+$/,
      'must be a branch name prefix like "feature" or "team/samocode"',
    )
    .default('samocode'),
});

export function loadCliSettings(input: {
  cwd: string;
  env: NodeJS.ProcessEnv;
  flags: CliFlags;
}): CliSettings {
  const { cwd, flags } = input;
  const gitTop = gitToplevel(cwd);
  const configFile = findConfig(cwd, gitTop, flags.config);
  const layout = configFile ? readConfig(configFile) : {};
  const configDir = configFile ? dirname(configFile) : cwd;

  // `.env` beside the config and in the working directory fills gaps; the real environment wins.
  const env: Record<string, string | undefined> = {};
  // The folder each setting was written in: a relative program path is relative to its file.
  const base: Record<string, string> = {};
  for (const file of new Set([join(cwd, '.env'), join(configDir, '.env')])) {
    if (!existsSync(file)) continue;
    const read = readEnvFile(file);
    for (const key of Object.keys(read)) if (env[key] === undefined) base[key] = dirname(file);
    Object.assign(env, { ...read, ...env });
  }
  for (const key of ENV_KEYS) {
    const fromConfig = layout[key];
    if (fromConfig !== undefined && env[key] === undefined) {
      env[key] = fromConfig;
      base[key] = configDir;
    }
    if (input.env[key] !== undefined && input.env[key] !== '') {
      env[key] = input.env[key];
      base[key] = cwd;
    }
  }
  if (flags.timeout !== undefined) env.CLAUDE_TIMEOUT = flags.timeout;
  if (flags.agent !== undefined) env.SAMOCODE_AGENT = flags.agent;
  if (flags.maxCostUsd !== undefined) env.SAMOCODE_MAX_COST_USD = flags.maxCostUsd;

  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    const flag = {
      CLAUDE_TIMEOUT: '--timeout',
      CLAUDE_MODEL: '--model',
      SAMOCODE_AGENT: '--agent',
      SAMOCODE_MAX_COST_USD: '--max-cost-usd',
    }[key];
    const where = flag ? `${key} (or ${flag})` : key;
    throw new ConfigError(
      `${where}: ${issue?.message ?? 'invalid'} (got ${JSON.stringify(env[key])})`,
    );
  }
  const e = parsed.data;
  const agentArgs: Partial<Record<ArgsAgent, string[]>> = {};
  for (const kind of ['claude', 'codex', 'gemini'] as const) {
    const name = `${kind.toUpperCase()}_ARGS` as const;
    const parsed = parseAgentArgs(kind, env[name] ?? '', name);
    if (!parsed.ok) throw new ConfigError(parsed.error);
    if (parsed.args.length) agentArgs[kind] = parsed.args;
  }
  let agentEnv: string[];
  try {
    agentEnv = parseEnvNames(env.SAMOCODE_AGENT_ENV ?? '', 'SAMOCODE_AGENT_ENV');
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const phaseAgents = parsePhaseAgents(e.SAMOCODE_AGENTS ?? '');
  if (!phaseAgents.ok) throw new ConfigError(`SAMOCODE_AGENTS: ${phaseAgents.error}`);
  const fallbackAgents = parseFallbackAgents(env.SAMOCODE_FALLBACK_AGENTS ?? '');
  if (!fallbackAgents.ok)
    throw new ConfigError(`SAMOCODE_FALLBACK_AGENTS: ${fallbackAgents.error}`);
  const usesCommand =
    e.SAMOCODE_AGENT === 'command' ||
    [...Object.values(phaseAgents.agents), ...fallbackAgents.agents].some(
      (a) => a.kind === 'command',
    );
  if (usesCommand && !e.SAMOCODE_AGENT_COMMAND) {
    throw new ConfigError(
      'the command agent needs SAMOCODE_AGENT_COMMAND, e.g. "mytool run --system {context} {prompt}"',
    );
  }
  if ((e.TELEGRAM_BOT_TOKEN === undefined) !== (e.TELEGRAM_CHAT_ID === undefined)) {
    throw new ConfigError(
      'Telegram needs both TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID, or neither',
    );
  }

  const egress = e.SAMOCODE_ALLOWED_DOMAINS?.trim()
    ? parseAllowedDomains(e.SAMOCODE_ALLOWED_DOMAINS, 'SAMOCODE_ALLOWED_DOMAINS')
    : undefined;
  if (egress && !egress.ok) throw new ConfigError(egress.error);
  const pathList = (text: string | undefined) =>
    (text ?? '')
      .split(/[\n,:]+/)
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => expandPath(p, configDir));

  const repoSetting = flags.repo ?? layout.MAIN_REPO;
  const repo = repoSetting ? expandPath(repoSetting, flags.repo ? cwd : configDir) : gitTop;
  if (!repo) {
    throw new ConfigError(
      `${cwd} is not inside a git repository: run samocode from your project, pass --repo <path>, ` +
        'or set MAIN_REPO in a .samocode file',
    );
  }
  if (!existsSync(join(repo, '.git'))) {
    const source = flags.repo ? '--repo' : `MAIN_REPO in ${configFile ?? '.samocode'}`;
    throw new ConfigError(`${source} points to ${repo}, which is not a git repository`);
  }
  const home = join(dirname(repo), `${basename(repo)}-samocode`);
  return {
    ...(configFile ? { configFile } : {}),
    repo,
    worktrees: layout.WORKTREES ? expandPath(layout.WORKTREES, configDir) : join(home, 'worktrees'),
    sessions: layout.SESSIONS ? expandPath(layout.SESSIONS, configDir) : join(home, 'sessions'),
    prompts: e.SAMOCODE_PROMPTS
      ? expandPath(e.SAMOCODE_PROMPTS, configDir)
      : join(repo, PROMPT_DIR),
    agent: e.SAMOCODE_AGENT,
    ...(e.SAMOCODE_AGENT_COMMAND ? { agentCommand: e.SAMOCODE_AGENT_COMMAND } : {}),
    agentArgs,
    agentEnv,
    fallbackAgents: fallbackAgents.agents,
    phaseAgents: phaseAgents.agents,
    codex: {
      ...(e.CODEX_APPROVAL_MODE ? { approvalMode: e.CODEX_APPROVAL_MODE } : {}),
      ...(e.CODEX_SANDBOX ? { sandbox: e.CODEX_SANDBOX } : {}),
    },
    gemini: e.GEMINI_APPROVAL_MODE ? { approvalMode: e.GEMINI_APPROVAL_MODE } : {},
    timeouts: {
      ...(e.CODEX_TIMEOUT !== undefined ? { codex: e.CODEX_TIMEOUT } : {}),
      ...(e.GEMINI_TIMEOUT !== undefined ? { gemini: e.GEMINI_TIMEOUT } : {}),
    },
    paths: {
      claude: programPath(e.CLAUDE_PATH, base.CLAUDE_PATH ?? cwd),
      codex: programPath(e.CODEX_PATH, base.CODEX_PATH ?? cwd),
      gemini: programPath(e.GEMINI_PATH, base.GEMINI_PATH ?? cwd),
    },
    models: modelsOf(e, flags.model),
    timeoutSeconds: e.CLAUDE_TIMEOUT,
    ...(e.CLAUDE_MAX_TURNS !== undefined ? { maxTurns: e.CLAUDE_MAX_TURNS } : {}),
    maxRetries: e.SAMOCODE_MAX_RETRIES,
    retryDelaySeconds: e.SAMOCODE_RETRY_DELAY,
    stallSeconds: e.SAMOCODE_STALL_TIMEOUT,
    ...(e.SLACK_WEBHOOK_URL ? { slackWebhookUrl: e.SLACK_WEBHOOK_URL } : {}),
    ...(e.SAMOCODE_WEBHOOK_URL ? { webhookUrl: e.SAMOCODE_WEBHOOK_URL } : {}),
    ...(e.SAMOCODE_MAX_COST_USD !== undefined ? { maxCostUsd: e.SAMOCODE_MAX_COST_USD } : {}),
    sandbox: e.SAMOCODE_SANDBOX,
    ...(egress?.ok ? { egress: egress.egress } : {}),
    sandboxWritable: pathList(e.SAMOCODE_SANDBOX_WRITABLE_PATHS),
    sandboxReadable: pathList(e.SAMOCODE_SANDBOX_READABLE_PATHS),
    branchPrefix: e.GIT_BRANCH_PREFIX,
    ...(e.TELEGRAM_BOT_TOKEN && e.TELEGRAM_CHAT_ID
      ? {
          telegram: {
            token: e.TELEGRAM_BOT_TOKEN,
            chatId: e.TELEGRAM_CHAT_ID,
            ...(e.TELEGRAM_API_URL ? { apiUrl: e.TELEGRAM_API_URL } : {}),
          },
        }
      : {}),
  };
}

/** Each agent's model; `--model` sets the default agent's. */
function modelsOf(e: z.infer<typeof envSchema>, flag: string | undefined): CliSettings['models'] {
  const models: CliSettings['models'] = {
    ...(e.CLAUDE_MODEL ? { claude: e.CLAUDE_MODEL } : {}),
    ...(e.CODEX_MODEL ? { codex: e.CODEX_MODEL } : {}),
    ...(e.GEMINI_MODEL ? { gemini: e.GEMINI_MODEL } : {}),
  };
  if (flag && e.SAMOCODE_AGENT !== 'command') models[e.SAMOCODE_AGENT] = flag;
  return models;
}

function findConfig(
  cwd: string,
  gitTop: string | undefined,
  explicit: string | undefined,
): string | undefined {
  if (explicit !== undefined) {
    const path = expandPath(explicit, cwd);
    if (!existsSync(path)) throw new ConfigError(`--config ${explicit}: no such file (${path})`);
    return path;
  }
  for (const dir of [cwd, gitTop]) {
    if (dir && existsSync(join(dir, '.samocode'))) return join(dir, '.samocode');
  }
  return undefined;
}

function readConfig(file: string): Record<string, string> {
  const parsed = parseDotenv(readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new ConfigError(`${file}:${parsed.line}: ${parsed.error}`);
  const known: readonly string[] = [...LAYOUT_KEYS, ...ENV_KEYS];
  for (const key of Object.keys(parsed.values)) {
    if (!known.includes(key)) {
      throw new ConfigError(
        `${file}: unknown key ${key} (expected ${LAYOUT_KEYS.join(', ')} or one of ${ENV_KEYS.join(', ')})`,
      );
    }
  }
  return parsed.values;
}

/**
 * A project's `.env` belongs to the project: read with Node's own parser (multi-line values,
 * quotes, comments as dotenv has them), and only the keys samocode uses are kept — a value it
 * does not understand is none of its business and must not stop a command.
 */
function readEnvFile(file: string): Record<string, string> {
  const values = parseEnv(readFileSync(file, 'utf8'));
  const known: readonly string[] = ENV_KEYS;
  return Object.fromEntries(
    Object.entries(values).filter(
      (entry): entry is [string, string] => known.includes(entry[0]) && entry[1] !== undefined,
    ),
  );
}

/**
 * A program given as a path (`./tools/claude`, `~/bin/claude`) made absolute against the folder of
 * the file that named it, so it is found from any directory and from the agent's worktree; a bare
 * name stays a name to look up on PATH.
 */
function programPath(program: string, relativeTo: string): string {
  return program.includes('/') || program.startsWith('~')
    ? expandPath(program, relativeTo)
    : program;
}

function expandPath(path: string, relativeTo: string): string {
  const expanded =
    path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
  return isAbsolute(expanded) ? resolve(expanded) : resolve(relativeTo, expanded);
}

export function gitToplevel(cwd: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}
