// The GitHub Action: read the event, wire the real adapters, let the session flow handle it, and
// report the outcome as outputs, a job summary and log lines. One catch for the unexpected.
import * as core from '@actions/core';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { routeEvent } from '../core/github-event.js';
import { hostOfUrl } from '../core/egress.js';
import { parseHistory } from '../core/history.js';
import type { IterationRecord } from '../core/history.js';
import { agentSessionIds, runSummary, sessionSummary } from '../core/run-summary.js';
import { FILES } from '../app/session-files.js';
import { PHASE_ITERATION_CAPS } from '../core/phases.js';
import { handleIntent } from '../app/github-flow.js';
import type { GithubDeps, GithubSettings } from '../app/github-session.js';
import { bundledPrompts, withOverrides } from '../app/prompts.js';
import type { Prompts } from '../app/prompts.js';
import type { BranchGit } from '../app/ports.js';
import { readPromptFiles } from '../adapters/prompt-files.js';
import { agentEnvironment } from '../adapters/agent-env.js';
import { agentPrograms, makeAgent, makeFallbackAgents } from '../adapters/agents.js';
import type { AgentSettings } from '../adapters/agents.js';
import { chooseSandbox, describeEgress } from '../adapters/sandbox-setup.js';
import { probeSandbox } from '../adapters/sandbox.js';
import type { Launcher, SandboxProbe } from '../adapters/sandbox.js';
import { fsSessionStore } from '../adapters/fs-session-store.js';
import { githubImages } from '../adapters/github-images.js';
import { createGit } from '../adapters/git-cli.js';
import { hasPersistedCredentials } from '../adapters/git-auth.js';
import {
  githubAccess,
  githubClient,
  githubDispatcher,
  githubIssues,
  githubPullRequests,
  githubRuns,
  githubChecks,
  githubRenderedText,
} from '../adapters/octokit-github.js';
import { githubCommitPublisher } from '../adapters/github-commits.js';
import { createGitLock } from '../adapters/git-lock.js';
import { createRecordRefs } from '../adapters/record-refs.js';
import { guardWorkspace } from '../adapters/workspace-guard.js';
import type { WorkspaceGuard } from '../adapters/workspace-guard.js';
import { systemClock } from '../adapters/system-clock.js';
import { fanOut } from '../adapters/telegram-notifier.js';
import { slackNotifier, webhookNotifier } from '../adapters/webhook-notifier.js';
import { writeSigningKey } from '../adapters/signing-key-file.js';
import type { SigningKeyFile } from '../adapters/signing-key-file.js';
import { readActionInputs } from './action-inputs.js';
import type { ActionInputs } from './action-inputs.js';
import { actionGit, maskedValues, withheldFromAgent } from './action-secrets.js';
import type { ActionGit } from './action-secrets.js';
import { sweep } from '../app/sweep.js';
import { formatProgress } from './cli-output.js';

const BOT = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

export async function run(): Promise<void> {
  // Self-hosted runners are reused: whatever happens, the workspace is put back as it was found
  // (the post step does it when this process is killed; see workspace-guard.ts).
  let guard: WorkspaceGuard | undefined;
  let signing: SigningKeyFile | undefined;
  try {
    const inputs = readActionInputs(core.getInput);
    // Masked first: nothing below may print one of them.
    const safety = actionGit(core.getInput, process.env);
    for (const value of maskedValues(safety.secrets)) core.setSecret(value);
    const env = runnerEnv();
    const payload = JSON.parse(readFileSync(env.eventPath, 'utf8')) as Record<string, unknown>;
    if (inputs.mode === 'sweep') {
      guard = startGuard(inputs, env, safety);
      await Promise.all([guard.ready, warnPersistedCredentials(env.workspace)]);
      await runSweep(inputs, env, safety);
      return;
    }
    const intent = routeEvent(env.eventName, payload, {
      triggerLabel: inputs.triggerLabel,
      triggerAssignee: inputs.triggerAssignee,
      branchPrefix: inputs.branchPrefix,
    });
    const publicRepo = (payload.repository as { private?: boolean } | undefined)?.private === false;
    if (publicRepo && process.env.RUNNER_ENVIRONMENT === 'self-hosted') {
      const warning =
        'This public repository runs Samocode on a self-hosted runner: anyone can open issues, and the agent runs with full permissions on that machine. Keep the runner isolated and allowed-permissions strict.';
      core.warning(warning);
      if (process.env.GITHUB_STEP_SUMMARY)
        await core.summary.addRaw(`> [!WARNING]\n> ${warning}\n\n`).write();
    }
    if (intent.kind === 'ignore') {
      core.info(`Nothing to do: ${intent.reason}.`);
      core.setOutput('status', 'ignored');
      return;
    }
    if (inputs.signingKey) signing = await signingKey(inputs.signingKey, inputs.committer);
    // Snapshotted while the rest is set up and the first network calls are made (see `gate`);
    // the sandbox is tried out meanwhile too.
    guard = startGuard(inputs, env, safety);
    const probe = inputs.sandbox ? probeSandbox(process.env) : undefined;
    const credentialsChecked = warnPersistedCredentials(env.workspace);
    const { gh, client } = github(inputs, env);
    if (inputs.waitForCi && !inputs.pushToken)
      core.warning(
        'wait-for-ci is on but push-token is empty: pushes made with the job token start no workflows, so CI may never run on the session branch',
      );
    // Every fetch and push authenticates with the action's own tokens, and every push is checked.
    const git = createGit({
      identity: inputs.committer ?? BOT,
      secrets: safety.secrets,
      remote: safety.remote,
      allowWorkflowChanges: safety.policy.allowWorkflowChanges,
      ...(signing ? { signingKey: signing.path } : {}),
      // Made with the token that pushes: with push-token, the branch's new commits start CI.
      ...(inputs.commitSigning === 'github-api'
        ? {
            publisher: githubCommitPublisher(
              inputs.pushToken ? githubClient({ ...gh, token: inputs.pushToken }) : client,
              gh,
            ),
          }
        : {}),
    });
    const defaultBranch = (payload.repository as { default_branch?: string } | undefined)
      ?.default_branch;
    const settings: GithubSettings = {
      workspace: env.workspace,
      sessionsDir: inputs.sessionsDir,
      branchPrefix: inputs.branchPrefix,
      triggerLabel: inputs.triggerLabel,
      baseBranch: inputs.baseBranch || defaultBranch || 'main',
      policy: inputs.policy,
      stopPollMs: inputs.pollSeconds * 1000,
      statusIntervalMs: 10_000,
      serverUrl: env.serverUrl,
      repository: env.repository,
      ...(env.runId
        ? {
            runId: env.runId,
            ...(env.runAttempt ? { runAttempt: env.runAttempt } : {}),
            runUrl: `${env.serverUrl}/${env.repository}/actions/runs/${env.runId}`,
          }
        : {}),
      log: (line) => core.info(line),
      warn: (line) => core.warning(line),
      waitForCi: inputs.waitForCi,
      keepSessionFolder: inputs.keepSessionFolder,
      ciStartMs: inputs.ciStartSeconds * 1000,
    };
    const agentEnv = agentEnvironment(process.env, inputs.agentEnv);
    if (agentEnv.heldBack.length)
      core.info(
        `Kept from the agent (credential-like; name them in agent-env to pass them): ${agentEnv.heldBack.join(', ')}`,
      );
    const agentSettings: AgentSettings = {
      kind: inputs.agent,
      ...(inputs.agentCommand ? { command: inputs.agentCommand } : {}),
      phases: inputs.phaseAgents,
      fallbacks: inputs.fallbackAgents,
      paths: { claude: inputs.claudePath, codex: inputs.codexPath, gemini: inputs.geminiPath },
      args: inputs.agentArgs,
      // The model input is the main agent's; the phase map names models of the others.
      models: inputs.model && inputs.agent !== 'command' ? { [inputs.agent]: inputs.model } : {},
      ...(inputs.maxTurns ? { maxTurns: inputs.maxTurns } : {}),
      codex: {
        ...(inputs.codexApprovalMode ? { approvalMode: inputs.codexApprovalMode } : {}),
        ...(inputs.codexSandbox ? { sandbox: inputs.codexSandbox } : {}),
      },
      gemini: inputs.geminiApprovalMode ? { approvalMode: inputs.geminiApprovalMode } : {},
      timeouts: {
        ...(inputs.codexTimeoutSeconds ? { codex: inputs.codexTimeoutSeconds } : {}),
        ...(inputs.geminiTimeoutSeconds ? { gemini: inputs.geminiTimeoutSeconds } : {}),
      },
      baseEnv: {
        ...agentEnv.env,
        ...guard.agentEnv,
        ...(inputs.agentGithubToken
          ? { GITHUB_TOKEN: inputs.agentGithubToken, GH_TOKEN: inputs.agentGithubToken }
          : {}),
      },
    };
    const launcher = await agentSandbox(
      inputs,
      env,
      agentSettings,
      guard,
      probe,
      safety.secrets,
      signing ? [signing.dir] : [],
    );
    const deps: GithubDeps = {
      agent: makeAgent({ ...agentSettings, ...(launcher ? { launcher } : {}) }),
      fallbackAgents: makeFallbackAgents({ ...agentSettings, ...(launcher ? { launcher } : {}) }),
      store: fsSessionStore(join(env.workspace, inputs.sessionsDir)),
      // What changes the workspace waits for the snapshot; looking up branches on origin does not.
      git: guard.gate(git),
      branches: guard.gate(git, ['remoteBranches']),
      clock: systemClock,
      notifier: fanOut([
        ...(inputs.slackWebhookUrl ? [slackNotifier(inputs.slackWebhookUrl)] : []),
        ...(inputs.webhookUrl ? [webhookNotifier(inputs.webhookUrl)] : []),
      ]),
      // Read from the checkout before the session branch is: the project's prompts, not the agent's.
      prompts: actionPrompts(
        env.eventName === 'pull_request_review'
          ? await baseBranchFiles(git, env.workspace, settings.baseBranch, inputs.promptsDir)
          : await readPromptFiles(join(env.workspace, inputs.promptsDir)),
        inputs.promptsDir,
      ),
      access: githubAccess(client, gh),
      lock: createGitLock(safety.remote),
      runs: githubRuns(client, gh),
      issues: githubIssues(client, gh),
      pulls: githubPullRequests(client, gh),
      dispatcher: githubDispatcher(client, gh),
      checks: githubChecks(client, gh),
      // The job token goes to the server's own attachment addresses only (core/attachments.ts).
      ...(inputs.fetchImages
        ? {
            images: githubImages({
              serverUrl: env.serverUrl,
              token: inputs.githubToken,
              rendered: githubRenderedText(client, gh),
            }),
          }
        : {}),
      // Listing the records only reads origin; reading one fetches it into the workspace's refs.
      records: guard.gate(
        createRecordRefs({
          identity: BOT,
          remote: safety.remote,
          policy: {
            secrets: safety.secrets,
            allowWorkflowChanges: safety.policy.allowWorkflowChanges,
          },
        }),
        ['list'],
      ),
    };
    await credentialsChecked;
    const thisRun: IterationRecord[] = [];
    const result = await handleIntent(
      deps,
      settings,
      {
        timeoutMs: inputs.timeoutSeconds * 1000,
        maxRetries: inputs.maxRetries,
        retryDelayMs: inputs.retryDelaySeconds * 1000,
        limits: {
          caps: PHASE_ITERATION_CAPS,
          ...(inputs.maxCostUsd !== undefined ? { maxCostUsd: inputs.maxCostUsd } : {}),
        },
        maxIterations: inputs.maxIterationsPerRun,
        maxRunMs: inputs.maxRunMinutes * 60_000,
        ...(inputs.stallSeconds > 0 ? { stallMs: inputs.stallSeconds * 1000 } : {}),
        onProgress: (event) => {
          // One log group per iteration, so a long run reads as a list of iterations.
          if (event.type === 'iteration-start' && event.attempt === 1)
            core.startGroup(`#${event.iteration} ${event.phase}`);
          core.info(formatProgress(event));
          if (event.type === 'iteration-end') {
            thisRun.push(event.record);
            core.endGroup();
          }
        },
      },
      intent,
    );
    core.info(result.message);
    if (result.busy) {
      core.setOutput('status', 'busy');
      return;
    }
    const session = result.session;
    if (!session) {
      core.setOutput('status', 'ignored');
      return;
    }
    const s = session.state;
    core.setOutput('session', s.name);
    core.setOutput('phase', s.phase);
    core.setOutput('status', s.status);
    core.setOutput('branch', session.branch);
    core.setOutput('pr-number', session.record.pr ? String(session.record.pr.number) : '');
    core.setOutput('iterations', String(s.iteration));
    core.setOutput('cost-usd', s.totals.costUsd.toFixed(4));
    core.setOutput('agent-session-ids', agentSessionIds(thisRun.at(-1)).join(','));
    const history = parseHistory((await deps.store.read(s.name, FILES.history)) ?? '');
    const summaryFile = join(
      process.env.RUNNER_TEMP || tmpdir(),
      `samocode-summary-${s.name}.json`,
    );
    const pr = session.record.pr;
    writeFileSync(
      summaryFile,
      `${JSON.stringify(
        sessionSummary(s, thisRun, history, {
          branch: session.branch,
          ...(pr
            ? {
                pr: {
                  number: pr.number,
                  url: `${env.serverUrl}/${env.repository}/pull/${pr.number}`,
                },
              }
            : {}),
        }),
        null,
        2,
      )}\n`,
    );
    core.setOutput('summary-file', summaryFile);
    if (process.env.GITHUB_STEP_SUMMARY)
      await core.summary.addRaw(runSummary(s, thisRun, history), true).write();
  } catch (error) {
    core.setFailed((error as Error).message);
  } finally {
    await guard?.restore();
    signing?.remove();
  }
}

/**
 * The signing key as a file the action's git reads, in the runner's temp (emptied after the job).
 * The log names the key, so that whoever sees "Unverified" on GitHub knows which key to register.
 */
async function signingKey(
  key: string,
  committer: ActionInputs['committer'],
): Promise<SigningKeyFile> {
  const file = await writeSigningKey(
    key,
    process.env.RUNNER_TEMP || tmpdir(),
    'input "signing-key"',
  );
  core.info(`Session commits are signed with the SSH key ${file.fingerprint}: ${file.publicKey}`);
  if (!committer)
    core.warning(
      'signing-key is set but committer is not: the commits are by github-actions[bot], which cannot own a signing key, so GitHub shows them as Unverified. Set committer to the name and a verified email of the account the key is registered to as a signing key.',
    );
  return file;
}

/**
 * The sandbox the agents start in. A sandbox that cannot start stops the run before any agent
 * does: an agent outside it would see every credential of the job, so only the user may choose
 * that (`sandbox: false`).
 */
async function agentSandbox(
  inputs: ActionInputs,
  env: ReturnType<typeof runnerEnv>,
  settings: AgentSettings,
  guard: WorkspaceGuard,
  probe: Promise<SandboxProbe> | undefined,
  secrets: Record<string, string>,
  /** Folders of the action's own beyond the runner's (the signing key's). */
  hidden: readonly string[],
): Promise<Launcher | undefined> {
  const choice = await chooseSandbox(
    {
      enabled: inputs.sandbox,
      egress: inputs.egress,
      egressSetting: 'allowed-domains',
      writable: inputs.sandboxWritablePaths,
      // A credentials file a named variable points to (a cloud login's key file in the runner's
      // temp, which the sandbox hides) stays readable.
      readable: [...inputs.sandboxReadablePaths, ...namedFiles(inputs.agentEnv)],
      privateDir: guard.privateDir ?? mkdtempSync(join(tmpdir(), 'samocode-')),
      ...(guard.agentEnv.TMPDIR ? { tmpDir: guard.agentEnv.TMPDIR } : {}),
      hide: [...runnerFolders(), ...hidden],
      secrets: withheldFromAgent(secrets, inputs.agentEnv),
      agents: agentPrograms(settings).map((p) => p.kind),
      agentEnv: settings.baseEnv,
      forgeHosts: [env.serverUrl, env.apiUrl].flatMap((url) => hostOfUrl(url) ?? []),
      env: process.env,
    },
    probe,
  );
  if (choice.kind === 'off') {
    core.warning(
      "sandbox: false — the agent runs without a sandbox: it can read every credential of this job (its environment, /proc, .git/config, the runner's files)",
    );
    return undefined;
  }
  if (choice.kind === 'unavailable')
    throw new Error(
      `the agent sandbox cannot start on this runner: ${choice.reason}. ` +
        'Install bubblewrap on the runner (sudo apt-get install bubblewrap) and allow user namespaces, ' +
        'or set "sandbox: false" to run the agent without a sandbox (it then sees every credential of the job)',
    );
  core.info(`Agents run in a sandbox; the network reaches ${describeEgress(choice.egress)}.`);
  return choice.launcher;
}

/** Files that variables named in agent-env point to (absolute paths of existing files). */
function namedFiles(names: readonly string[]): string[] {
  return names.flatMap((name) => {
    const value = process.env[name];
    return value && isAbsolute(value) && existsSync(value) && statSync(value).isFile()
      ? [value]
      : [];
  });
}

/**
 * The runner's own folders, hidden from the agent: its temp (file-command files, the event, this
 * run's snapshot of .git/config), and its installation (credentials, diag logs, the actions' files),
 * found from the runner's Node (<root>/externals/nodeNN/bin/node) or its temp (<root>/_work/_temp).
 */
function runnerFolders(): string[] {
  const folders: string[] = [];
  const temp = process.env.RUNNER_TEMP;
  if (temp) folders.push(resolve(temp));
  const fromNode = /^(.*)\/externals\/node\d+\/bin\/node$/.exec(process.execPath)?.[1];
  const fromTemp = temp ? /^(.*)\/_work\/_temp\/?$/.exec(resolve(temp))?.[1] : undefined;
  for (const root of [fromNode, fromTemp]) if (root && !folders.includes(root)) folders.push(root);
  for (const name of [
    'GITHUB_ENV',
    'GITHUB_OUTPUT',
    'GITHUB_STATE',
    'GITHUB_PATH',
    'GITHUB_STEP_SUMMARY',
  ]) {
    const file = process.env[name];
    if (file && !folders.some((f) => file.startsWith(`${f}/`))) folders.push(file);
  }
  return folders;
}

/**
 * For a review, actions/checkout checks out the pull request's merge commit, which holds whatever
 * the agent wrote on the session branch: the prompts come from the base branch instead.
 */
async function baseBranchFiles(
  git: BranchGit,
  workspace: string,
  base: string,
  folder: string,
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of await git.listRemoteDir(workspace, base, folder)) {
    if (!name.endsWith('.md')) continue;
    files[name] = (await git.readRemoteFile(workspace, base, `${folder}/${name}`)) ?? '';
  }
  return files;
}

function actionPrompts(files: Record<string, string>, input: string): Prompts {
  const found = withOverrides(bundledPrompts, files, input);
  if (found.applied.length > 0)
    core.info(`project prompts from ${input}: ${found.applied.join(', ')}`);
  return found.prompts;
}

function startGuard(
  inputs: ActionInputs,
  env: ReturnType<typeof runnerEnv>,
  safety: ActionGit,
): WorkspaceGuard {
  return guardWorkspace({
    workspace: env.workspace,
    branchPrefix: inputs.branchPrefix,
    tempRoot: process.env.RUNNER_TEMP,
    saveState: (name, value) => core.saveState(name, value),
    info: (line) => core.info(line),
    warn: (line) => core.warning(line),
    remote: safety.remote,
    policy: safety.policy,
  });
}

/**
 * A checkout that keeps a git credential hands it to the agent too, which could push with it past
 * the checks of every push of the action: the user is told to turn that off. Never throws.
 */
async function warnPersistedCredentials(workspace: string): Promise<void> {
  if (await hasPersistedCredentials(workspace).catch(() => false))
    core.warning(
      'The checkout keeps a git credential (actions/checkout persists one unless told not to), ' +
        "and the agent can push with it, past Samocode's checks of what it pushes. Set " +
        '`persist-credentials: false` on actions/checkout: Samocode authenticates its own git.',
    );
}

async function runSweep(
  inputs: ActionInputs,
  env: ReturnType<typeof runnerEnv>,
  safety: ActionGit,
): Promise<void> {
  const { gh, client } = github(inputs, env);
  const result = await sweep(
    {
      branches: createGit({ remote: safety.remote }),
      lock: createGitLock(safety.remote),
      runs: githubRuns(client, gh),
      dispatcher: githubDispatcher(client, gh),
      clock: systemClock,
    },
    {
      workspace: env.workspace,
      branchPrefix: inputs.branchPrefix,
      sessionsDir: inputs.sessionsDir,
      staleMinutes: inputs.staleMinutes,
      log: (line) => core.info(line),
    },
  );
  core.info(
    `Sweep: checked ${result.checked} session branches, dispatched ${result.dispatched.length} continuations.`,
  );
  core.setOutput('status', 'swept');
  core.setOutput('dispatched', result.dispatched.join(','));
}

/** The GitHub API for this repository, from the runner's variables. */
function github(inputs: ActionInputs, env: ReturnType<typeof runnerEnv>) {
  const [owner = '', repo = ''] = env.repository.split('/');
  const gh = {
    token: inputs.githubToken,
    apiUrl: env.apiUrl,
    owner,
    repo,
    log: (m: string) => core.warning(m),
  };
  return { gh, client: githubClient(gh) };
}

function runnerEnv() {
  const need = (name: string): string => {
    const value = process.env[name];
    if (!value)
      throw new Error(
        `${name} is not set: run Samocode as a GitHub Action step (or set it as the runner would)`,
      );
    return value;
  };
  return {
    eventName: need('GITHUB_EVENT_NAME'),
    eventPath: need('GITHUB_EVENT_PATH'),
    repository: need('GITHUB_REPOSITORY'),
    workspace: resolve(process.env.GITHUB_WORKSPACE ?? process.cwd()),
    apiUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
    serverUrl: process.env.GITHUB_SERVER_URL ?? 'https://github.com',
    runId: process.env.GITHUB_RUN_ID,
    runAttempt: process.env.GITHUB_RUN_ATTEMPT,
  };
}
