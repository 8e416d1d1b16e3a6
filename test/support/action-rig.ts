// Runs the bundled action exactly as a runner does: `node dist/index.js` with INPUT_*, the GITHUB_*
// variables and an event payload file, in a fresh shallow checkout of a bare `origin`, against the
// fake GitHub; and its post step, `node dist/post.js`, with the same inputs and the state the main
// step saved. Payloads start from GitHub's own webhook examples, adjusted to the test repository.
// `origin` is a local path, or (`serveOrigin`) git's own HTTP server demanding the job's token.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import type { FakeGitHub, FakeReview, FakeUser } from './fake-github.js';
import { gitEnv, sh, tempDir } from './temp.js';

const require = createRequire(import.meta.url);
type Json = Record<string, unknown>;

interface Example {
  name: string;
  examples: Json[];
}
const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as Example[];

function example(name: string, action?: string): Json {
  const found = EXAMPLES.find((e) => e.name === name)?.examples.find(
    (x) => action === undefined || x.action === action,
  );
  if (!found) throw new Error(`no ${name}.${action ?? ''} example`);
  return structuredClone(found);
}

export interface ActionResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
  /** The action's post step for this run, as the runner runs it. */
  post: () => Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

/** How actions/checkout reaches origin over HTTP, and whether it leaves its token in .git/config. */
export interface HttpOrigin {
  /** The server (GITHUB_SERVER_URL): origin is `<serverUrl>/origin.git`. */
  serverUrl: string;
  token: string;
  persistCredentials: boolean;
}

/** Git configuration, as environment, that sends `token` to `serverUrl` like actions/checkout. */
export function checkoutAuthEnv(serverUrl: string, token: string): Record<string, string> {
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${serverUrl}/.extraheader`,
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
  };
}

export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const re = /^([^\n<]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) outputs[m[1] as string] = m[3] as string;
  return outputs;
}

export function actionRig(
  fake: FakeGitHub,
  options: {
    node?: string;
    inputs?: Record<string, string>;
    env?: Record<string, string>;
    /** What a run's folders hold before the action starts (the runner's files, a persisted token). */
    prepare?: (run: { dir: string; workspace: string; home: string }) => void;
  } = {},
) {
  const root = tempDir('samocode-action-');
  const origin = join(root, 'origin.git');
  const seed = join(root, 'seed');
  sh(root, 'git', ['init', '-q', '--bare', '-b', 'main', origin]);
  // The remote stands for GitHub, whose housekeeping does not run on the runner's CPU.
  sh(origin, 'git', ['config', 'receive.autogc', 'false']);
  sh(root, 'git', ['clone', '-q', origin, seed]);
  writeFileSync(join(seed, 'README.md'), '# widgets\n');
  sh(seed, 'git', ['add', '.']);
  sh(seed, 'git', ['commit', '-q', '-m', 'initial']);
  sh(seed, 'git', ['push', '-q', 'origin', 'HEAD:main']);
  // The scripted agent keeps its place in the scenario beside it: a folder the sandbox lets it write.
  const agentDir = join(root, 'agent');
  mkdirSync(agentDir);
  const scenario = join(agentDir, 'scenario.json');
  let runs = 0;
  let http: HttpOrigin | undefined;
  // The people in these tests: octo maintains the repository; others are added per test.
  fake.state.permissions.set('octo', 'admin');
  // Check runs on the fake ran for pushes to the branches of this origin.
  fake.state.origin = origin;

  const repository = {
    ...(example('issues', 'labeled').repository as Json),
    full_name: `${fake.owner}/${fake.repo}`,
    name: fake.repo,
    default_branch: 'main',
    fork: false,
  };
  const sender = (u: FakeUser) => ({
    ...(example('issues', 'labeled').sender as Json),
    login: u.login,
    type: u.type ?? 'User',
  });

  return {
    root,
    agentDir,
    origin,
    scenario,
    setScenario(steps: object[]) {
      writeFileSync(scenario, JSON.stringify({ steps }));
    },
    /** Later checkouts clone origin over HTTP from `http.serverUrl` (which serves this root). */
    serveOrigin(origin: HttpOrigin) {
      http = origin;
    },
    openIssue(number: number, title: string, body: string, author: FakeUser = { login: 'octo' }) {
      fake.state.issues.set(number, {
        number,
        title,
        body,
        state: 'open',
        labels: new Set(),
        user: author,
      });
    },
    labeled(number: number, label: string, by: FakeUser): Json {
      const issue = fake.state.issues.get(number);
      if (!issue) throw new Error(`open issue ${number} first`);
      issue.labels.add(label);
      const payload = example('issues', 'labeled');
      Object.assign(payload.issue as Json, {
        number,
        title: issue.title,
        body: issue.body,
        user: sender(issue.user),
      });
      delete (payload.issue as Json).pull_request;
      return {
        ...payload,
        label: { ...(payload.label as Json), name: label },
        repository,
        sender: sender(by),
      };
    },
    /** A person assigns the issue to `assignee`: the `issues.assigned` event payload. */
    assigned(number: number, assignee: string, by: FakeUser): Json {
      const issue = fake.state.issues.get(number);
      if (!issue) throw new Error(`open issue ${number} first`);
      const payload = example('issues', 'assigned');
      Object.assign(payload.issue as Json, {
        number,
        title: issue.title,
        body: issue.body,
        labels: [...issue.labels].map((name) => ({ name })),
      });
      delete (payload.issue as Json).pull_request;
      return {
        ...payload,
        assignee: { ...(payload.assignee as Json), login: assignee },
        repository,
        sender: sender(by),
      };
    },
    /** A person comments: the comment is created on the fake, and its event payload returned. */
    comment(number: number, body: string, by: FakeUser): Json {
      const created = fake.addComment(number, body, by);
      const payload = example('issue_comment', 'created');
      const issue = fake.state.issues.get(number);
      Object.assign(payload.issue as Json, {
        number,
        title: issue?.title ?? 'x',
        ...(issue ? { body: issue.body } : {}),
      });
      delete (payload.issue as Json).pull_request;
      Object.assign(payload.comment as Json, {
        id: created.id,
        body,
        created_at: created.created_at,
        updated_at: created.created_at,
        user: sender(by),
      });
      return { ...payload, repository, sender: sender(by) };
    },
    review(
      pr: number,
      state: 'approved' | 'changes_requested' | 'commented',
      body: string,
      by: FakeUser,
      inline: Array<{ path: string; position: number; body: string }> = [],
      /** The commit the review was given on; GitHub's default is the branch head at the time. */
      commit?: string,
    ) {
      const pull = fake.state.pulls.find((p) => p.number === pr);
      if (!pull) throw new Error(`no pull request ${pr}`);
      const payload = example('pull_request_review', 'submitted');
      // Ids are the fake's, unique across the rigs that share it.
      const id = 9_000_000 + fake.state.reviews.length + 1;
      fake.state.reviewComments.set(id, inline);
      const commitId =
        commit ?? sh(root, 'git', ['--git-dir', origin, 'rev-parse', `refs/heads/${pull.head}`]);
      // The review exists on GitHub from now on, as its pull request's reviews list it.
      const submittedAt = new Date(
        Date.parse('2026-11-25T12:00:00Z') + fake.state.reviews.length * 1000,
      ).toISOString();
      fake.state.reviews.push({
        id,
        pr,
        state: state.toUpperCase() as FakeReview['state'],
        body,
        user: by,
        commitId,
        submittedAt,
      });
      Object.assign(payload.review as Json, {
        id,
        state,
        body,
        user: sender(by),
        commit_id: commitId,
        submitted_at: submittedAt,
      });
      Object.assign(payload.pull_request as Json, {
        number: pr,
        head: {
          ...((payload.pull_request as Json).head as Json),
          ref: pull.head,
          repo: {
            ...(((payload.pull_request as Json).head as Json).repo as Json),
            full_name: `${fake.owner}/${fake.repo}`,
          },
        },
      });
      return { ...payload, repository, sender: sender(by) };
    },
    /** A person dismisses a review (as GitHub does, its state becomes DISMISSED). */
    dismiss(reviewPayload: Json, by: FakeUser): Json {
      const review = reviewPayload.review as Json;
      const listed = fake.state.reviews.find((r) => r.id === review.id);
      if (!listed) throw new Error(`no review ${String(review.id)}`);
      listed.state = 'DISMISSED';
      return {
        ...structuredClone(reviewPayload),
        action: 'dismissed',
        review: { ...review, state: 'dismissed' },
        sender: sender(by),
      };
    },
    /** A workflow_run (or check_suite) `completed` event for a branch's head commit on origin. */
    ciCompleted(kind: 'workflow_run' | 'check_suite', branch: string): Json {
      const payload = example(kind, 'completed');
      const sha = this.head(branch);
      const run = payload[kind] as Json;
      Object.assign(run, { head_branch: branch, head_sha: sha });
      if (kind === 'workflow_run')
        run.head_repository = {
          ...(run.head_repository as Json),
          full_name: `${fake.owner}/${fake.repo}`,
        };
      return { ...payload, repository };
    },
    /** The newest commit of a branch of origin that changed the code (not only `_sessions/`). */
    codeHead(branch: string): string {
      return sh(root, 'git', [
        '--git-dir',
        origin,
        'log',
        '-1',
        '--format=%H',
        `refs/heads/${branch}`,
        '--',
        '.',
        ':(exclude)_sessions',
      ]);
    },
    /** The commit a branch of origin points to. */
    head(branch: string): string {
      return sh(root, 'git', ['--git-dir', origin, 'rev-parse', `refs/heads/${branch}`]);
    },
    dispatch(issue: number): Json {
      return {
        ...example('repository_dispatch'),
        action: 'samocode-continue',
        client_payload: { issue },
        repository,
      };
    },
    async run(
      event: string,
      payload: object,
      inputs: Record<string, string> = {},
      onSpawn?: (child: ReturnType<typeof execa>) => void,
      /** The branch actions/checkout checks out (for a review: the pull request's own commits). */
      checkout?: string,
    ): Promise<ActionResult> {
      runs += 1;
      const dir = join(root, `run-${runs}`);
      mkdirSync(dir);
      const workspace = join(dir, 'workspace');
      // actions/checkout: a shallow clone of the default branch, no git identity configured. Over
      // HTTP its token is given to the clone alone, and kept in .git/config only when it persists
      // credentials. Asynchronous: the HTTP server may live in this process.
      await execa(
        'git',
        [
          'clone',
          '-q',
          '--depth',
          '1',
          ...(checkout ? ['--branch', checkout] : []),
          http ? `${http.serverUrl}/origin.git` : `file://${origin}`,
          workspace,
        ],
        {
          cwd: dir,
          env: { ...gitEnv, ...(http ? checkoutAuthEnv(http.serverUrl, http.token) : {}) },
        },
      );
      if (http?.persistCredentials) {
        const header = checkoutAuthEnv(http.serverUrl, http.token);
        await execa(
          'git',
          ['config', header.GIT_CONFIG_KEY_0 ?? '', header.GIT_CONFIG_VALUE_0 ?? ''],
          {
            cwd: workspace,
            env: gitEnv,
          },
        );
      }
      options.prepare?.({ dir, workspace, home: join(root, 'home') });
      const eventPath = join(dir, 'event.json');
      const outputPath = join(dir, 'output');
      const statePath = join(dir, 'state');
      const summaryPath = join(dir, 'summary.md');
      writeFileSync(eventPath, JSON.stringify(payload));
      writeFileSync(outputPath, '');
      writeFileSync(statePath, '');
      writeFileSync(summaryPath, '');
      const allInputs: Record<string, string> = {
        'github-token': fake.token,
        'claude-path': resolve('test/fixtures/scripted-agent.mjs'),
        timeout: '60',
        'max-retries': '0',
        'sandbox-writable-paths': agentDir,
        // Scripts a command agent runs (`node test/fixtures/…`): the sandbox hides /tmp, where a
        // clone of this repository may live.
        'sandbox-readable-paths': resolve('test/fixtures'),
        // What the scripted agent does on GitHub for a person in some tests goes to the fake.
        'allowed-domains': new URL(fake.url).host,
        ...options.inputs,
        ...inputs,
      };
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        HOME: join(root, 'home'),
        GIT_CONFIG_NOSYSTEM: gitEnv.GIT_CONFIG_NOSYSTEM,
        GIT_CONFIG_GLOBAL: gitEnv.GIT_CONFIG_GLOBAL,
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: event,
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_REPOSITORY: `${fake.owner}/${fake.repo}`,
        GITHUB_WORKSPACE: workspace,
        GITHUB_API_URL: fake.url,
        GITHUB_SERVER_URL: http?.serverUrl ?? 'https://github.example',
        GITHUB_RUN_ID: String(1000 + runs),
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_OUTPUT: outputPath,
        GITHUB_STATE: statePath,
        GITHUB_STEP_SUMMARY: summaryPath,
        RUNNER_TEMP: dir,
        SCRIPTED_AGENT_SCENARIO: scenario,
        ...options.env,
      };
      for (const [name, value] of Object.entries(allInputs))
        env[`INPUT_${name.toUpperCase()}`] = value;
      // The fake reports this run as in progress while it lives (for the session lock).
      const runId = 1000 + runs;
      fake.state.activeRuns.add(runId);
      const child = execa(options.node ?? process.execPath, [resolve('dist/index.js')], {
        cwd: workspace,
        env,
        extendEnv: false,
        reject: false,
      });
      onSpawn?.(child);
      const result = await child.finally(() => fake.state.activeRuns.delete(runId));
      const post = async () => {
        // The runner gives the post step the main step's inputs and environment, and its state.
        const state: Record<string, string> = {};
        for (const [name, value] of Object.entries(parseOutputs(readFileSync(statePath, 'utf8'))))
          state[`STATE_${name}`] = value;
        const posted = await execa(options.node ?? process.execPath, [resolve('dist/post.js')], {
          cwd: workspace,
          env: { ...env, ...state },
          extendEnv: false,
          reject: false,
        });
        return {
          exitCode: posted.exitCode ?? -1,
          stdout: posted.stdout,
          stderr: posted.stderr,
        };
      };
      return {
        exitCode: result.exitCode ?? -1,
        stdout: result.stdout,
        stderr: result.stderr,
        outputs: parseOutputs(readFileSync(outputPath, 'utf8')),
        summary: readFileSync(summaryPath, 'utf8'),
        workspace,
        post,
      };
    },
    /** What the scripted agent was started with, one entry per run of it. */
    calls(): Array<Record<string, unknown>> {
      return readFileSync(`${scenario}.calls.jsonl`, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    /** A file as it is on a branch of origin. */
    show(branch: string, path: string): string {
      return sh(root, 'git', ['--git-dir', origin, 'show', `${branch}:${path}`]);
    },
    log(branch: string): string[] {
      return sh(root, 'git', ['--git-dir', origin, 'log', '--format=%s', `main..${branch}`])
        .split('\n')
        .filter(Boolean);
    },
    branches(): string[] {
      return sh(root, 'git', [
        '--git-dir',
        origin,
        'for-each-ref',
        '--format=%(refname:short)',
        'refs/heads',
      ]).split('\n');
    },
  };
}
