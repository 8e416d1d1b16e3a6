// The local CLI: wires the real adapters and runs the same engine as the action, with gates
// answered through files and commands instead of GitHub.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PHASES, PHASE_ITERATION_CAPS, isPhase } from '../core/phases.js';
import { formatUsd } from '../core/money.js';
import { parseUsd } from '../core/steering.js';
import type { Notifier } from '../app/ports.js';
import { bundledPrompts, withOverrides } from '../app/prompts.js';
import type { Prompts } from '../app/prompts.js';
import { readPromptFiles } from '../adapters/prompt-files.js';
import { runLockHolder, takeRunLock } from '../adapters/run-lock.js';
import { runSession } from '../app/run-session.js';
import type { RunResult } from '../app/run-session.js';
import { FILES, SessionError, loadState } from '../app/session-files.js';
import {
  answerQuestions,
  approve,
  budget,
  findSessionName,
  requestChanges,
  requireSession,
  resume,
  rewind,
  skip,
  startSession,
  unansweredQuestions,
} from '../app/session-actions.js';
import { agentBaseEnv } from '../adapters/agent-env.js';
import {
  PROGRAM_SETTING,
  agentPrograms,
  makeAgent,
  makeFallbackAgents,
} from '../adapters/agents.js';
import type { AgentKind, AgentSettings } from '../adapters/agents.js';
import { ConfigError, gitToplevel, loadCliSettings } from '../adapters/cli-settings.js';
import type { CliSettings } from '../adapters/cli-settings.js';
import { findProgram } from '../adapters/find-program.js';
import { withAgentPidFile } from '../adapters/agent-pid-file.js';
import { chooseSandbox } from '../adapters/sandbox-setup.js';
import type { Launcher } from '../adapters/sandbox.js';
import { fsSessionStore } from '../adapters/fs-session-store.js';
import { gitCli } from '../adapters/git-cli.js';
import { systemClock } from '../adapters/system-clock.js';
import { fanOut, telegramNotifier } from '../adapters/telegram-notifier.js';
import { slackNotifier, webhookNotifier } from '../adapters/webhook-notifier.js';
import { missingLogin, unreachableApi } from '../adapters/agent-readiness.js';
import { formatProgress, liveProgress, nextSteps } from './cli-output.js';
import { statusCommand } from './cli-status.js';
import { init } from './cli-init.js';
import { stopOrphan } from './cli-orphan.js';
import { cleanCommand } from './cli-clean.js';
import { checkPlace, sessionPlace } from './cli-place.js';
import { IMPORT_USAGE, importCommand } from './cli-import.js';
import {
  LIFECYCLE_USAGE,
  LifecycleUsageError,
  isLifecycleCommand,
  lifecycleCommand,
} from './cli-lifecycle.js';
import type { LiveLine, Write } from './cli-output.js';

export const EXIT = { ok: 0, error: 1, usage: 2, blocked: 3 } as const;

const USAGE = `samocode — run a coding agent as a supervised, phase-gated loop

Usage:
  samocode run --task "<what to do>" [--dive "<topic>"] [--session <name>]
  samocode run --session <name>              continue a session
  samocode status [<session>] [--json]
  samocode init [--workflow] [--force]     write .samocode (and the Action workflow)
  samocode answer <session> [--reply "<Q1: A ...>"] [--no-run]
  samocode approve <session> [--no-run]
  samocode revise <session> --feedback "<what to change>" [--no-run]
  samocode resume <session> [--no-run]
  samocode rewind <session> <phase> [--no-run]   go back to an earlier phase
  samocode skip <session> [--no-run]             move on to the next phase
  samocode budget <session> <usd> [--no-run]     set the session's spending limit
  samocode clean <session> [--force]   remove the session's worktree (its branch stays)
${LIFECYCLE_USAGE}
${IMPORT_USAGE}

Options for commands that run the loop:
  --repo <path>          the project's git repository (default: the one you are in)
  --config <path>        a .samocode file (default: ./.samocode or <repo>/.samocode)
  --timeout <seconds>    time limit per iteration (CLAUDE_TIMEOUT, default 1800)
  --model <name>         model for the agent (CLAUDE_MODEL, CODEX_MODEL or GEMINI_MODEL)
  --agent <name>         claude, codex, gemini, or command (runs SAMOCODE_AGENT_COMMAND);
                         SAMOCODE_AGENTS picks one per phase, e.g. "quality: codex"
  --max-cost-usd <n>     block the session once it has cost this much (SAMOCODE_MAX_COST_USD)
  --max-iterations <n>   stop this run after n iterations; resume later

Exit codes: 0 done, waiting at a gate or paused; 1 error; 2 bad usage; 3 session blocked.`;

export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: Write;
  err: Write;
  signal?: AbortSignal;
  /** A line redrawn in place for the live progress view; absent when stdout is not a terminal. */
  live?: LiveLine;
  /** Opens a file in the person's editor and waits; absent when there is no terminal. */
  edit?: (path: string) => void;
}

const OPTIONS = {
  task: { type: 'string' },
  dive: { type: 'string' },
  session: { type: 'string' },
  repo: { type: 'string' },
  config: { type: 'string' },
  timeout: { type: 'string' },
  model: { type: 'string' },
  agent: { type: 'string' },
  'max-cost-usd': { type: 'string' },
  'max-iterations': { type: 'string' },
  reply: { type: 'string' },
  feedback: { type: 'string' },
  'no-run': { type: 'boolean' },
  json: { type: 'boolean' },
  workflow: { type: 'boolean' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parse>['values'];

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
}

class UsageError extends Error {}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`samocode: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) {
    io.out(VERSION);
    return EXIT.ok;
  }
  if (values.help || command === undefined || command === 'help') {
    io.out(USAGE);
    return command === undefined && !values.help ? EXIT.usage : EXIT.ok;
  }
  try {
    switch (command) {
      case 'run':
        return await runCommand(values, io);
      case 'status':
        await statusCommand(settingsFor(values, io), values.json === true, rest[0], io.out);
        return EXIT.ok;
      case 'init':
        return await initCommand(values, io);
      case 'clean':
        if (!rest[0]) throw new UsageError('clean needs the session name');
        await cleanCommand(settingsFor(values, io), rest[0], values.force === true, io.out);
        return EXIT.ok;
      case 'answer':
      case 'approve':
      case 'revise':
      case 'resume':
      case 'rewind':
      case 'skip':
      case 'budget':
        return await gateCommand(command, values, rest, io);
      case 'import':
        return await importCommand({
          folder: rest[0],
          cwd: io.cwd,
          settings: () => settingsFor(values, io),
          out: io.out,
        });
      default:
        if (isLifecycleCommand(command))
          return await lifecycleCommand({
            command,
            args: rest,
            values,
            settings: () => settingsFor(values, io),
            out: io.out,
          });
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof LifecycleUsageError) {
      io.err(`samocode: ${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof ConfigError || error instanceof SessionError) {
      io.err(`samocode: ${error.message}`);
      return EXIT.error;
    }
    io.err(`samocode: unexpected error: ${(error as Error).stack ?? String(error)}`);
    return EXIT.error;
  }
}

declare const SAMOCODE_VERSION: string | undefined;
const VERSION = typeof SAMOCODE_VERSION === 'string' ? SAMOCODE_VERSION : 'dev';

function settingsFor(values: Values, io: CliIo): CliSettings {
  return loadCliSettings({
    cwd: io.cwd,
    env: io.env,
    flags: {
      ...(values.config !== undefined ? { config: values.config } : {}),
      ...(values.repo !== undefined ? { repo: values.repo } : {}),
      ...(values.timeout !== undefined ? { timeout: values.timeout } : {}),
      ...(values.model !== undefined ? { model: values.model } : {}),
      ...(values.agent !== undefined ? { agent: values.agent } : {}),
      ...(values['max-cost-usd'] !== undefined ? { maxCostUsd: values['max-cost-usd'] } : {}),
    },
  });
}

async function runCommand(values: Values, io: CliIo): Promise<number> {
  if (values.task === undefined && values.session === undefined) {
    throw new UsageError(
      'run needs --task "<what to do>" to start a session, or --session <name> to continue one',
    );
  }
  // Everything is checked before anything is created: a bad flag leaves no session behind.
  maxIterationsOf(values);
  const settings = settingsFor(values, io);
  const prompts = await projectPrompts(settings, values, io);
  if (!gitHasCommits(settings.repo))
    throw new ConfigError(
      `the repository ${settings.repo} has no commits yet: the session branch starts from one; make a first commit, then run samocode`,
    );
  const store = fsSessionStore(settings.sessions);
  await checkAgent(settings, io, values.json === true);
  let name =
    values.session !== undefined ? await findSessionName(store, values.session) : undefined;
  if (name && values.task !== undefined) {
    io.err(
      `samocode: session ${name} exists; continuing it (--task is ignored for an existing session)`,
    );
  }
  if (name) {
    // A folder that is no session of this engine (or disagrees with itself) is refused here,
    // before its worktree or branch is made.
    await checkPlace(settings.repo, sessionPlace(settings, name, await loadState(store, name)));
  } else {
    if (values.task === undefined) {
      throw new SessionError(
        `no session named "${values.session ?? ''}" in ${settings.sessions}; give --task to start one`,
      );
    }
    warnUncommitted(settings.repo, io, values.json === true);
    const hadRoot = existsSync(settings.sessions);
    const state = await startSession(
      { store, clock: systemClock },
      {
        task: values.task,
        ...(values.dive !== undefined ? { dive: values.dive } : {}),
        ...(values.session !== undefined ? { slug: values.session } : {}),
      },
    );
    name = state.name;
    try {
      await checkPlace(settings.repo, sessionPlace(settings, name));
    } catch (error) {
      // The worktree cannot be made: the session just created goes too, so nothing is left behind.
      rmSync(hadRoot ? store.dir(name) : settings.sessions, { recursive: true, force: true });
      throw error;
    }
    // Under --json every line is JSON, this one too.
    io.out(
      values.json
        ? JSON.stringify({ started: { session: name, dir: store.dir(name) } })
        : `Started session ${name} in ${store.dir(name)}`,
    );
  }
  return loop(settings, name, values, io, prompts);
}

function maxIterationsOf(values: Values): number | undefined {
  const raw = values['max-iterations'];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1)
    throw new UsageError(`--max-iterations must be a whole number of at least 1 (got "${raw}")`);
  return n;
}

/** The session's worktree starts from a commit: what is not committed in the checkout stays out. */
function warnUncommitted(repo: string, io: CliIo, json: boolean): void {
  let changed: string[];
  try {
    changed = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .filter(Boolean);
  } catch {
    return;
  }
  if (changed.length === 0) return;
  const text =
    `${repo} has ${changed.length} uncommitted change${changed.length === 1 ? '' : 's'}; ` +
    'the session works in a worktree of the last commit and will not see them (commit them first if it should)';
  if (json) io.out(JSON.stringify({ warning: text }));
  else io.err(`samocode: warning: ${text}`);
}

function gitHasCommits(repo: string): boolean {
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], {
      cwd: repo,
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

async function gateCommand(
  command: 'answer' | 'approve' | 'revise' | 'resume' | 'rewind' | 'skip' | 'budget',
  values: Values,
  [wanted, argument]: string[],
  io: CliIo,
): Promise<number> {
  if (!wanted) throw new UsageError(`${command} needs the session name`);
  const settings = settingsFor(values, io);
  const prompts = await projectPrompts(settings, values, io);
  const store = fsSessionStore(settings.sessions);
  const name = await requireSession(store, wanted);
  // A loop in another terminal would overwrite the change with its own state.
  if (runLockHolder(store.dir(name)) !== undefined)
    throw new SessionError(busyMessage(name, store.dir(name)));
  const deps = { store, clock: systemClock };
  if (command === 'answer') {
    const reply = values.reply === '-' ? readFileSync(0, 'utf8') : values.reply;
    // The README's flow is to edit _qa.md, then run `answer`: the editor opens only for what is left.
    if (reply === undefined && io.edit && (await unansweredQuestions(deps, name)).length > 0)
      io.edit(`${store.dir(name)}/${FILES.qa}`);
    const outcome = await answerQuestions(deps, name, reply);
    if (outcome.unknown.length > 0)
      io.err(
        `samocode: ignored answers to questions that do not exist: ${outcome.unknown.join(', ')}`,
      );
    if (outcome.kind === 'incomplete') {
      const recorded =
        outcome.recorded.length > 0
          ? `Recorded answers to ${outcome.recorded.map((n) => `Q${n}`).join(', ')}. `
          : '';
      io.err(
        `samocode: ${recorded}Still unanswered in ${store.dir(name)}/${FILES.qa}: ` +
          `${outcome.missing.map((n) => `Q${n}`).join(', ')}. The session keeps waiting. ` +
          'What the agent left after "Answer:" (such as _waiting_) is not an answer: write yours ' +
          'there in its place, or reply with --reply "Q1: A".',
      );
      return EXIT.error;
    }
    io.out(`Answers recorded for ${name}.`);
  } else if (command === 'approve') {
    await approve(deps, name);
    io.out(`Plan approved for ${name}; implementation is next.`);
  } else if (command === 'revise') {
    if (!values.feedback)
      throw new UsageError('revise needs --feedback "<what should change in the plan>"');
    await requestChanges(deps, name, values.feedback);
    io.out(
      `Feedback written to ${store.dir(name)}/${FILES.review}; planning will revise the plan.`,
    );
  } else if (command === 'rewind') {
    const phase = (argument ?? '').toLowerCase();
    if (!isPhase(phase))
      throw new UsageError(`rewind needs the phase to go back to, one of: ${PHASES.join(', ')}`);
    const state = await rewind(deps, name, phase);
    io.out(`Session ${name} rewound to ${state.phase}.`);
  } else if (command === 'skip') {
    const state = await skip(deps, name);
    io.out(`Session ${name} skipped to ${state.phase}.`);
  } else if (command === 'budget') {
    const usd = parseUsd(argument ?? '');
    if (usd === undefined || usd <= 0)
      throw new UsageError('budget needs an amount in USD, e.g. samocode budget <session> 25');
    const state = await budget(deps, name, usd);
    io.out(
      `Session ${name}: budget ${formatUsd(usd)}${state.status === 'running' ? '' : ` (${state.status})`}.`,
    );
  } else {
    const state = await resume(deps, name);
    io.out(`Session ${name} resumed in phase ${state.phase}.`);
  }
  if (values['no-run']) {
    io.out(`Continue later with:  samocode run --session ${name}`);
    return EXIT.ok;
  }
  await checkAgent(settings, io, values.json === true);
  return loop(settings, name, values, io, prompts);
}

async function loop(
  settings: CliSettings,
  name: string,
  values: Values,
  io: CliIo,
  prompts: Prompts,
): Promise<number> {
  const dir = fsSessionStore(settings.sessions).dir(name);
  const lock = takeRunLock(dir);
  if (!lock) throw new SessionError(busyMessage(name, dir));
  try {
    await stopOrphan(dir, io, values.json === true);
    return await runLoop(settings, name, values, io, prompts);
  } finally {
    lock.release();
  }
}

function busyMessage(name: string, dir: string): string {
  return (
    `session ${name} is being run by another samocode (pid ${runLockHolder(dir) ?? '?'}); ` +
    'stop that run (Ctrl-C there) first, or wait for it to end'
  );
}

async function runLoop(
  settings: CliSettings,
  name: string,
  values: Values,
  io: CliIo,
  prompts: Prompts,
): Promise<number> {
  const store = fsSessionStore(settings.sessions);
  const { branch, workDir } = sessionPlace(settings, name, await loadState(store, name));
  await gitCli.prepareWorktree({ repo: settings.repo, path: workDir, branch });
  const maxIterations = maxIterationsOf(values);
  const notifiers: Notifier[] = [
    ...(settings.telegram ? [telegramNotifier(settings.telegram)] : []),
    ...(settings.slackWebhookUrl ? [slackNotifier(settings.slackWebhookUrl)] : []),
    ...(settings.webhookUrl ? [webhookNotifier(settings.webhookUrl)] : []),
  ];
  const view =
    io.live && !values.json
      ? liveProgress(
          io.live,
          io.out,
          () => Date.now(),
          () => io.live?.width() ?? 80,
        )
      : undefined;
  const write = (event: Parameters<typeof formatProgress>[0]) => {
    if (values.json) io.out(JSON.stringify({ event }));
    else if (view) view.event(event);
    else io.out(formatProgress(event));
  };
  const sandbox = await cliSandbox(settings, io, name, values.json === true);
  const result: RunResult = await runSession(
    {
      agent: withAgentPidFile(
        makeAgent({
          ...agentSettings(settings, io),
          ...(sandbox.launcher ? { launcher: sandbox.launcher } : {}),
        }),
        store.dir(name),
      ),
      fallbackAgents: makeFallbackAgents({
        ...agentSettings(settings, io),
        ...(sandbox.launcher ? { launcher: sandbox.launcher } : {}),
      }).map((agent) => withAgentPidFile(agent, store.dir(name))),
      store,
      git: gitCli,
      clock: systemClock,
      notifier: fanOut(notifiers),
      prompts,
    },
    {
      session: name,
      workDir,
      branch,
      timeoutMs: settings.timeoutSeconds * 1000,
      ...(settings.stallSeconds > 0 ? { stallMs: settings.stallSeconds * 1000 } : {}),
      maxRetries: settings.maxRetries,
      retryDelayMs: settings.retryDelaySeconds * 1000,
      limits: {
        caps: PHASE_ITERATION_CAPS,
        ...(settings.maxCostUsd !== undefined ? { maxCostUsd: settings.maxCostUsd } : {}),
      },
      ...(maxIterations !== undefined ? { maxIterations } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
      onProgress: write,
    },
  ).finally(() => {
    view?.stop();
    sandbox.dispose();
  });
  if (values.json) {
    io.out(
      JSON.stringify({
        result: {
          stop: result.stop,
          iterations: result.iterations,
          state: result.state,
          branch,
          workDir,
        },
      }),
    );
  } else {
    for (const line of nextSteps(result, store.dir(name), { branch, workDir, repo: settings.repo }))
      io.out(line);
  }
  return result.stop === 'blocked' ? EXIT.blocked : EXIT.ok;
}

async function initCommand(values: Values, io: CliIo): Promise<number> {
  const root = gitToplevel(io.cwd) ?? io.cwd;
  try {
    const written = await init(root, {
      workflow: values.workflow === true,
      force: values.force === true,
    });
    for (const path of written) io.out(`Wrote ${path}`);
    io.out('Next: samocode run --task "<what to do>"');
    return EXIT.ok;
  } catch (error) {
    io.err(`samocode: ${(error as Error).message}`);
    return EXIT.error;
  }
}

/** The bundled prompts with the project's own on top, if its prompts folder has any. */
async function projectPrompts(settings: CliSettings, values: Values, io: CliIo): Promise<Prompts> {
  try {
    const found = withOverrides(
      bundledPrompts,
      await readPromptFiles(settings.prompts),
      settings.prompts,
    );
    if (found.applied.length > 0 && !values.json)
      io.out(`Project prompts from ${settings.prompts}: ${found.applied.join(', ')}`);
    return found.prompts;
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
}

/**
 * The sandbox of a terminal run: on where it can start, with a one-line warning where it cannot
 * (a terminal user runs the agent as themselves anyway; the action refuses instead).
 */
async function cliSandbox(
  settings: CliSettings,
  io: CliIo,
  session: string,
  json: boolean,
): Promise<{ launcher?: Launcher; dispose(): void }> {
  const privateDir = mkdtempSync(join(tmpdir(), `samocode-${session.slice(0, 40)}-`));
  const dispose = () => rmSync(privateDir, { recursive: true, force: true });
  const agent = agentSettings(settings, io);
  // What SAMOCODE_AGENT_ENV names reaches the agent on purpose.
  const secrets = ['GITHUB_TOKEN', 'GH_TOKEN', 'TELEGRAM_BOT_TOKEN']
    .filter((name) => !settings.agentEnv.includes(name))
    .flatMap((name) => io.env[name] ?? []);
  for (const value of [settings.telegram?.token, settings.slackWebhookUrl, settings.webhookUrl])
    if (value) secrets.push(value);
  const choice = await chooseSandbox({
    enabled: settings.sandbox,
    egress: settings.egress,
    egressSetting: 'SAMOCODE_ALLOWED_DOMAINS',
    writable: settings.sandboxWritable,
    readable: settings.sandboxReadable,
    privateDir,
    hide: [],
    secrets,
    agents: agentPrograms(agent).map((p) => p.kind),
    agentEnv: agent.baseEnv,
    forgeHosts: ['github.com', 'api.github.com'],
    env: io.env,
  });
  if (choice.kind === 'unavailable') {
    const text = `no sandbox: ${choice.reason}; the agent runs with all your access (SAMOCODE_SANDBOX=false silences this)`;
    if (json) io.out(JSON.stringify({ warning: text }));
    else io.err(`samocode: warning: ${text}`);
  }
  if (choice.kind !== 'on') dispose();
  return choice.kind === 'on' ? { launcher: choice.launcher, dispose } : { dispose: () => {} };
}

function agentSettings(settings: CliSettings, io: CliIo): AgentSettings {
  return {
    kind: settings.agent,
    ...(settings.agentCommand ? { command: settings.agentCommand } : {}),
    phases: settings.phaseAgents,
    fallbacks: settings.fallbackAgents,
    paths: settings.paths,
    args: settings.agentArgs,
    models: settings.models,
    ...(settings.maxTurns ? { maxTurns: settings.maxTurns } : {}),
    codex: settings.codex,
    gemini: settings.gemini,
    timeouts: settings.timeouts,
    baseEnv: agentBaseEnv(io.env, settings.agentEnv),
  };
}

const INSTALL: Readonly<Record<AgentKind, string>> = {
  claude:
    'install Claude Code (npm install -g @anthropic-ai/claude-code) or set CLAUDE_PATH to its path',
  codex: 'install the Codex CLI (npm install -g @openai/codex) or set CODEX_PATH to its path',
  gemini:
    'install the Gemini CLI (npm install -g @google/gemini-cli) or set GEMINI_PATH to its path',
  command: 'install it or fix SAMOCODE_AGENT_COMMAND',
};

/** Every agent program exists; a missing login or an API that does not answer is warned about. */
async function checkAgent(settings: CliSettings, io: CliIo, json: boolean): Promise<void> {
  const programs = agentPrograms(agentSettings(settings, io));
  for (const { kind, program } of programs) {
    if (findProgram(program, io.env, io.cwd)) continue;
    const where = program.includes('/') ? '' : ' on PATH';
    throw new ConfigError(
      `the ${kind} agent program "${program}" (${PROGRAM_SETTING[kind]}) was not found${where}: ${INSTALL[kind]}`,
    );
  }
  const home = io.env.HOME ?? homedir();
  const warnings = await Promise.all(
    programs.flatMap(({ kind, program }) => [
      Promise.resolve(missingLogin(kind, program, io.env, home)),
      unreachableApi(kind, program, io.env),
    ]),
  );
  for (const text of warnings.filter((w): w is string => w !== undefined)) {
    if (json) io.out(JSON.stringify({ warning: text }));
    else io.err(`samocode: warning: ${text}`);
  }
}
