// A fake GitHub REST API on 127.0.0.1. Every request is checked against GitHub's official OpenAPI
// description (@octokit/openapi): an unknown route answers 404, an invalid one 422, and JSON bodies
// may not carry fields the operation does not define. The operations Samocode uses keep real state.
import { createServer } from 'node:http';
import { readBody } from './local-server.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { OpenAPIBackend } from 'openapi-backend';
import type { Context } from 'openapi-backend';
import { gitDatabaseHandlers } from './fake-git-database.js';

const require = createRequire(import.meta.url);
type Json = Record<string, unknown>;

let specCache: Json | undefined;
function spec(): Json {
  specCache ??= JSON.parse(
    readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'),
  ) as Json;
  return specCache;
}

export interface FakeUser {
  login: string;
  type?: 'User' | 'Bot';
}

export interface LoggedRequest {
  method: string;
  path: string;
  operation?: string;
  status: number;
  /** When it arrived (ms since the epoch). */
  at: number;
  body?: unknown;
}

export interface Fault {
  /** Operation id (e.g. `issues/create-comment`) or `*`. */
  operation: string;
  status: number;
  times: number;
  headers?: Record<string, string>;
  /** Never answer (the request hangs until the server closes). */
  hang?: boolean;
}

export interface FakeGitHub {
  url: string;
  owner: string;
  repo: string;
  token: string;
  requests: LoggedRequest[];
  state: FakeState;
  /** Adds a comment as a person would (for catch-up tests). */
  addComment(issue: number, body: string, user: FakeUser): { id: number; created_at: string };
  inject(fault: Fault): void;
  close(): Promise<void>;
}

interface Comment {
  id: number;
  node_id: string;
  issue: number;
  body: string;
  user: FakeUser;
  created_at: string;
  updated_at: string;
  reactions: string[];
}

interface Pull {
  number: number;
  node_id: string;
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  state: 'open' | 'closed';
}

export interface FakeCheckRun {
  id: number;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion?: string;
  app?: string;
  log?: string;
  /**
   * The branch of the push it ran for (its check suite's head branch). By default, a branch of
   * `origin` that holds the commit, as for CI that runs on every push.
   */
  headBranch?: string | null;
  /** It ran for a pull request from a fork whose head is this commit (its suite lists it). */
  fork?: boolean;
  /**
   * The repository whose push or pull request its workflow ran for (GitHub Actions runs only);
   * this repository unless named. A fork's suite often lists no pull request at all.
   */
  headRepository?: string;
}

export interface FakeReview {
  id: number;
  pr: number;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  body: string;
  user: FakeUser;
  commitId: string;
  submittedAt: string;
}

export interface FakeState {
  issues: Map<
    number,
    {
      number: number;
      title: string;
      body: string;
      state: 'open' | 'closed';
      labels: Set<string>;
      user: FakeUser;
    }
  >;
  comments: Comment[];
  labels: Map<string, { name: string; color: string; description: string | null }>;
  pulls: Pull[];
  reviewComments: Map<number, Array<{ path: string; position: number; body: string }>>;
  /** Reviews on pull requests, oldest first, each in its state now. */
  reviews: FakeReview[];
  dispatches: Array<{ event_type: string; client_payload?: unknown }>;
  permissions: Map<string, string>;
  /** Workflow runs the fake reports as in progress; any other run id is completed. */
  activeRuns: Set<number>;
  /** Check runs by commit sha, as CI would create them; `log` is the job log of an Actions run. */
  checkRuns: Map<string, FakeCheckRun[]>;
  /** What CI shows for commits not in `checkRuns` (e.g. a run that starts on every push). */
  otherCommitsCheckRuns: FakeCheckRun[];
  /** The bare repository the action pushes to, where check runs find their default branch. */
  origin?: string;
  /**
   * Files people attached, by path on the server (`/user-attachments/assets/<uuid>`): served to the
   * job token only, or a redirect to `location`.
   */
  attachments: Map<string, { bytes: Buffer; contentType: string } | { location: string }>;
  /** Commits made through the Git Database API, which GitHub signs (fake-git-database.ts). */
  apiCommits: Set<string>;
  /** Issue events (who closed an issue or removed a label), oldest first. */
  issueEvents: Array<{
    issue: number;
    event: 'closed' | 'unlabeled';
    actor: string;
    label?: string;
  }>;
}

export async function startFakeGitHub(
  options: { owner?: string; repo?: string; token?: string } = {},
): Promise<FakeGitHub> {
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'widgets';
  const token = options.token ?? 'ghs_testtoken';
  const requests: LoggedRequest[] = [];
  const faults: Fault[] = [];
  let ids = 1000;
  let clock = Date.parse('2026-11-25T10:00:00Z');
  const now = () => new Date((clock += 1000)).toISOString();
  const state: FakeState = {
    issues: new Map(),
    comments: [],
    labels: new Map(),
    pulls: [],
    reviewComments: new Map(),
    reviews: [],
    dispatches: [],
    permissions: new Map(),
    activeRuns: new Set(),
    checkRuns: new Map(),
    otherCommitsCheckRuns: [],
    attachments: new Map(),
    issueEvents: [],
    apiCommits: new Set(),
  };
  let base = '';
  const user = (u: FakeUser) => ({
    login: u.login,
    id: 1,
    node_id: 'U_1',
    type: u.type ?? 'User',
    site_admin: false,
  });
  const commentJson = (c: Comment) => ({
    id: c.id,
    node_id: c.node_id,
    url: `${base}/repos/${owner}/${repo}/issues/comments/${c.id}`,
    html_url: `https://github.com/${owner}/${repo}/issues/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${base}/repos/${owner}/${repo}/issues/${c.issue}`,
    body: c.body,
    user: user(c.user),
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: 'OWNER',
  });
  const pullJson = (p: Pull) => ({
    id: p.number,
    node_id: p.node_id,
    number: p.number,
    html_url: `https://github.com/${owner}/${repo}/pull/${p.number}`,
    state: p.state,
    title: p.title,
    body: p.body,
    draft: p.draft,
    head: { ref: p.head, label: `${owner}:${p.head}` },
    base: { ref: p.base },
  });
  const issueOf = (n: unknown) => {
    const issue = state.issues.get(Number(n));
    if (!issue) throw new HttpError(404, 'Not Found');
    return issue;
  };
  const labelJson = (name: string) => ({
    id: 1,
    node_id: 'L_1',
    name,
    color: state.labels.get(name)?.color ?? 'ededed',
    description: state.labels.get(name)?.description ?? null,
    default: false,
  });

  const handlers: Record<
    string,
    (
      c: Context,
      body: Json,
      query: Json,
    ) => { status: number; json?: unknown; headers?: Record<string, string> }
  > = {
    ...gitDatabaseHandlers(state, () => `${base}/repos/${owner}/${repo}`),
    'issues/create-comment': (c, body) => {
      issueOf(c.request.params.issue_number);
      const time = now();
      const comment: Comment = {
        id: ++ids,
        node_id: `IC_${ids}`,
        issue: Number(c.request.params.issue_number),
        body: String(body.body),
        user: { login: 'github-actions[bot]', type: 'Bot' },
        created_at: time,
        updated_at: time,
        reactions: [],
      };
      state.comments.push(comment);
      return { status: 201, json: commentJson(comment) };
    },
    'issues/update-comment': (c, body) => {
      const comment = state.comments.find((x) => x.id === Number(c.request.params.comment_id));
      if (!comment) throw new HttpError(404, 'Not Found');
      comment.body = String(body.body);
      comment.updated_at = now();
      return { status: 200, json: commentJson(comment) };
    },
    'issues/list-comments': (c, _b, query) => {
      issueOf(c.request.params.issue_number);
      const since = typeof query.since === 'string' ? query.since : undefined;
      const list = state.comments.filter(
        (x) =>
          x.issue === Number(c.request.params.issue_number) && (!since || x.updated_at >= since),
      );
      return { status: 200, json: list.map(commentJson) };
    },
    'issues/get': (c) => {
      const issue = issueOf(c.request.params.issue_number);
      return {
        status: 200,
        json: {
          number: issue.number,
          title: issue.title,
          body: issue.body,
          state: issue.state,
          labels: [...issue.labels].map(labelJson),
          user: user(issue.user),
          // As GitHub renders it for `application/vnd.github.html+json` (no signed addresses:
          // those are on a host tests cannot serve).
          body_html: `<p>${issue.body.replace(/[<>&"]/g, (ch) => `&#${ch.charCodeAt(0)};`)}</p>`,
        },
      };
    },
    'issues/get-comment': (c) => {
      const comment = state.comments.find((x) => x.id === Number(c.request.params.comment_id));
      if (!comment) throw new HttpError(404, 'Not Found');
      return {
        status: 200,
        json: {
          ...commentJson(comment),
          body_html: `<p>${comment.body.replace(/[<>&"]/g, (ch) => `&#${ch.charCodeAt(0)};`)}</p>`,
        },
      };
    },
    'issues/list-events': (c) => {
      const number = Number(c.request.params.issue_number);
      issueOf(number);
      const events = state.issueEvents.filter((e) => e.issue === number);
      return {
        status: 200,
        json: events.map((e, i) => ({
          id: i + 1,
          node_id: `IE_${i + 1}`,
          url: `${base}/repos/${owner}/${repo}/issues/events/${i + 1}`,
          actor: user({ login: e.actor }),
          event: e.event,
          commit_id: null,
          commit_url: null,
          created_at: now(),
          ...(e.label ? { label: { name: e.label, color: 'ededed' } } : {}),
        })),
      };
    },
    'issues/add-labels': (c, body) => {
      const issue = issueOf(c.request.params.issue_number);
      const names = (Array.isArray(body) ? body : (body.labels as unknown[])).map((l) =>
        typeof l === 'string' ? l : String((l as Json).name),
      );
      for (const name of names) {
        issue.labels.add(name);
        if (!state.labels.has(name))
          state.labels.set(name, { name, color: 'ededed', description: null });
      }
      return { status: 200, json: [...issue.labels].map(labelJson) };
    },
    'issues/remove-label': (c) => {
      const issue = issueOf(c.request.params.issue_number);
      const name = decodeURIComponent(String(c.request.params.name));
      if (!issue.labels.delete(name)) throw new HttpError(404, 'Label does not exist');
      return { status: 200, json: [...issue.labels].map(labelJson) };
    },
    'issues/create-label': (_c, body) => {
      const name = String(body.name);
      if (state.labels.has(name))
        throw new HttpError(422, 'Validation Failed', [
          { resource: 'Label', code: 'already_exists', field: 'name' },
        ]);
      state.labels.set(name, {
        name,
        color: String(body.color ?? 'ededed'),
        description: (body.description as string | undefined) ?? null,
      });
      return { status: 201, json: labelJson(name) };
    },
    'reactions/create-for-issue-comment': (c, body) => {
      const comment = state.comments.find((x) => x.id === Number(c.request.params.comment_id));
      if (!comment) throw new HttpError(404, 'Not Found');
      const content = String(body.content);
      const existed = comment.reactions.includes(content);
      if (!existed) comment.reactions.push(content);
      return {
        status: existed ? 200 : 201,
        json: {
          id: ++ids,
          node_id: `R_${ids}`,
          content,
          user: user({ login: 'github-actions[bot]', type: 'Bot' }),
          created_at: now(),
        },
      };
    },
    'pulls/list': (_c, _b, query) => {
      const head = typeof query.head === 'string' ? query.head.split(':').at(-1) : undefined;
      const wanted = typeof query.state === 'string' ? query.state : 'open';
      const list = state.pulls.filter(
        (p) => (!head || p.head === head) && (wanted === 'all' || p.state === wanted),
      );
      return { status: 200, json: list.map(pullJson) };
    },
    'pulls/create': (_c, body) => {
      const head = String(body.head);
      if (state.pulls.some((p) => p.head === head && p.state === 'open')) {
        throw new HttpError(422, 'Validation Failed', [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${owner}:${head}.`,
          },
        ]);
      }
      const number = state.issues.size + state.pulls.length + 1;
      const pull: Pull = {
        number,
        node_id: `PR_${number}`,
        head,
        base: String(body.base),
        title: String(body.title),
        body: String(body.body ?? ''),
        draft: body.draft === true,
        state: 'open',
      };
      state.pulls.push(pull);
      return { status: 201, json: pullJson(pull) };
    },
    'pulls/update': (c, body) => {
      const pull = state.pulls.find((p) => p.number === Number(c.request.params.pull_number));
      if (!pull) throw new HttpError(404, 'Not Found');
      if (typeof body.body === 'string') pull.body = body.body;
      if (typeof body.title === 'string') pull.title = body.title;
      return { status: 200, json: pullJson(pull) };
    },
    'pulls/list-comments-for-review': (c) => {
      const list = state.reviewComments.get(Number(c.request.params.review_id)) ?? [];
      return {
        status: 200,
        json: list.map((x, i) => ({
          id: i + 1,
          node_id: `RC_${i}`,
          path: x.path,
          position: x.position,
          body: x.body,
          user: user({ login: 'reviewer' }),
        })),
      };
    },
    'pulls/list-reviews': (c) => {
      const number = Number(c.request.params.pull_number);
      if (!state.pulls.some((p) => p.number === number)) throw new HttpError(404, 'Not Found');
      return {
        status: 200,
        json: state.reviews
          .filter((r) => r.pr === number)
          .map((r) => ({
            id: r.id,
            node_id: `PRR_${r.id}`,
            user: user(r.user),
            body: r.body,
            state: r.state,
            html_url: `https://github.com/${owner}/${repo}/pull/${number}#pullrequestreview-${r.id}`,
            pull_request_url: `${base}/repos/${owner}/${repo}/pulls/${number}`,
            _links: {
              html: { href: `https://github.com/${owner}/${repo}/pull/${number}` },
              pull_request: { href: `${base}/repos/${owner}/${repo}/pulls/${number}` },
            },
            ...(r.state === 'PENDING' ? {} : { submitted_at: r.submittedAt }),
            commit_id: r.commitId,
            author_association: 'OWNER',
          })),
      };
    },
    'repos/create-dispatch-event': (_c, body) => {
      state.dispatches.push({
        event_type: String(body.event_type),
        client_payload: body.client_payload,
      });
      return { status: 204 };
    },
    'checks/list-for-ref': (c) => {
      const runs = state.checkRuns.get(String(c.request.params.ref)) ?? state.otherCommitsCheckRuns;
      return {
        status: 200,
        json: {
          total_count: runs.length,
          check_runs: runs.map((r) => ({
            id: r.id,
            check_suite: { id: suiteId(r) },
            name: r.name,
            head_sha: String(c.request.params.ref),
            status: r.status,
            conclusion: r.status === 'completed' ? (r.conclusion ?? 'success') : null,
            html_url: `https://github.example/${owner}/${repo}/runs/${r.id}`,
            app: { slug: r.app ?? 'github-actions' },
          })),
        },
      };
    },
    'checks/list-suites-for-ref': (c) => {
      const sha = String(c.request.params.ref);
      const runs = state.checkRuns.get(sha) ?? state.otherCommitsCheckRuns;
      const repoRef = { id: 1, url: `${base}/repos/${owner}/${repo}`, name: repo };
      const forkRef = { id: 2, url: `${base}/repos/mallory/${repo}`, name: repo };
      return {
        status: 200,
        json: {
          total_count: runs.length,
          check_suites: runs.map((r) => {
            const headBranch = r.headBranch === undefined ? branchOf(sha) : r.headBranch;
            return {
              id: suiteId(r),
              node_id: `CS_${r.id}`,
              head_branch: headBranch,
              head_sha: sha,
              status: r.status,
              conclusion: r.status === 'completed' ? (r.conclusion ?? 'success') : null,
              url: `${base}/repos/${owner}/${repo}/check-suites/${suiteId(r)}`,
              before: null,
              after: sha,
              app: { slug: r.app ?? 'github-actions' },
              latest_check_runs_count: 1,
              check_runs_url: `${base}/repos/${owner}/${repo}/check-suites/${suiteId(r)}/check-runs`,
              pull_requests: r.fork
                ? [
                    {
                      id: r.id,
                      number: r.id,
                      url: `${base}/repos/${owner}/${repo}/pulls/${r.id}`,
                      head: { ref: headBranch ?? 'x', sha, repo: forkRef },
                      base: { ref: 'main', sha, repo: repoRef },
                    },
                  ]
                : [],
            };
          }),
        },
      };
    },
    'actions/list-workflow-runs-for-repo': (_c, _b, query) => {
      const sha = typeof query.head_sha === 'string' ? query.head_sha : undefined;
      const listed = sha
        ? (state.checkRuns.get(sha) ?? state.otherCommitsCheckRuns).map((r) => ({ r, sha }))
        : [];
      const runs = listed
        .filter(({ r }) => (r.app ?? 'github-actions') === 'github-actions')
        .map(({ r, sha: head }) => {
          const headRepo = r.headRepository ?? (r.fork ? `mallory/${repo}` : `${owner}/${repo}`);
          return {
            id: 500_000 + r.id,
            name: r.name,
            node_id: `WFR_${r.id}`,
            check_suite_id: suiteId(r),
            head_branch: r.headBranch === undefined ? branchOf(head) : r.headBranch,
            head_sha: head,
            event: headRepo === `${owner}/${repo}` ? 'push' : 'pull_request',
            status: r.status,
            conclusion: r.status === 'completed' ? (r.conclusion ?? 'success') : null,
            head_repository: { full_name: headRepo, name: repo },
            repository: { full_name: `${owner}/${repo}`, name: repo },
          };
        });
      return { status: 200, json: { total_count: runs.length, workflow_runs: runs } };
    },
    'actions/download-job-logs-for-workflow-run': (c) => {
      const id = Number(c.request.params.job_id);
      const run = [...state.checkRuns.values()].flat().find((r) => r.id === id);
      if (run?.log === undefined) throw new HttpError(404, 'Not Found');
      // GitHub answers with a redirect to a short-lived download URL.
      return { status: 302, headers: { location: `${base}/_test/logs/${id}` } };
    },
    'actions/get-workflow-run': (c) => {
      const id = Number(c.request.params.run_id);
      return {
        status: 200,
        json: {
          id,
          status: state.activeRuns.has(id) ? 'in_progress' : 'completed',
          conclusion: state.activeRuns.has(id) ? null : 'cancelled',
        },
      };
    },
    // The job token is an installation token: it may not ask who it is.
    'users/get-authenticated': () => {
      throw new HttpError(403, 'Resource not accessible by integration');
    },
    'repos/get-collaborator-permission-level': (c) => {
      const login = String(c.request.params.username);
      const permission = state.permissions.get(login) ?? 'none';
      return { status: 200, json: { permission, role_name: permission, user: user({ login }) } };
    },
  };

  /** Each fake check run has a suite of its own. */
  const suiteId = (run: FakeCheckRun) => 900_000 + run.id;
  /** A branch of origin that holds the commit, not main when another does. */
  const branchOf = (sha: string): string | null => {
    if (!state.origin) return null;
    let branches: string[];
    try {
      branches = execFileSync(
        'git',
        ['-C', state.origin, 'branch', '--contains', sha, '--format=%(refname:short)'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      )
        .split('\n')
        .filter(Boolean);
    } catch {
      return null;
    }
    return branches.find((b) => b !== 'main') ?? branches[0] ?? null;
  };

  const api = new OpenAPIBackend({
    definition: spec() as never,
    quick: true,
    validate: true,
    customizeAjv: (ajv) => {
      for (const format of [
        'date-time',
        'int64',
        'int32',
        'double',
        'uri',
        'repo.nwo',
        'binary',
        'date',
        'uri-template',
        'email',
        'timestamp',
      ]) {
        ajv.addFormat(format, true);
      }
      return ajv;
    },
  });
  await api.init();

  function unknownFields(operationId: string, body: unknown): string[] {
    const op = api.getOperation(operationId) as
      { requestBody?: { content?: Record<string, { schema?: Json }> } } | undefined;
    const schema = op?.requestBody?.content?.['application/json']?.schema;
    if (!schema || typeof body !== 'object' || body === null || Array.isArray(body)) return [];
    const variants = (schema.oneOf as Json[] | undefined) ?? [schema];
    const allowed = new Set(
      variants.flatMap((v) => Object.keys((v.properties as Json | undefined) ?? {})),
    );
    if (allowed.size === 0) return [];
    return Object.keys(body).filter((key) => !allowed.has(key));
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          message: error instanceof Error ? error.message : String(error),
          ...(error instanceof HttpError && error.errors ? { errors: error.errors } : {}),
        }),
      );
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const raw = await readBody(req);
    const body = raw ? (JSON.parse(raw) as Json) : undefined;
    const entry: LoggedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      status: 0,
      at: Date.now(),
      ...(body !== undefined ? { body } : {}),
    };
    requests.push(entry);
    const send = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(json === undefined ? '' : JSON.stringify(json));
    };
    // Where job-log redirects lead: plain text, like the real download URL.
    if (req.method === 'GET' && url.pathname.startsWith('/_test/logs/')) {
      const id = Number(url.pathname.slice('/_test/logs/'.length));
      const run = [...state.checkRuns.values()].flat().find((r) => r.id === id);
      entry.status = 200;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(run?.log ?? '');
      return;
    }
    // Test-only doors: a person (octo unless named) removes a label or closes the issue while a
    // run is in progress.
    if (req.method === 'POST' && url.pathname === '/_test/unlabel') {
      const b = body as { issue: number; label: string; login?: string };
      state.issues.get(b.issue)?.labels.delete(b.label);
      state.issueEvents.push({
        issue: b.issue,
        event: 'unlabeled',
        actor: b.login ?? 'octo',
        label: b.label,
      });
      return send(204);
    }
    // Test-only door: an admin changes a person's permission while a run is in progress.
    if (req.method === 'POST' && url.pathname === '/_test/permission') {
      const b = body as { login: string; permission: string };
      state.permissions.set(b.login, b.permission);
      return send(204);
    }
    if (req.method === 'POST' && url.pathname === '/_test/close') {
      const b = body as { issue: number; login?: string };
      const issue = state.issues.get(b.issue);
      if (issue) issue.state = 'closed';
      state.issueEvents.push({ issue: b.issue, event: 'closed', actor: b.login ?? 'octo' });
      return send(204);
    }
    // Test-only door: a person comments while a run is in progress.
    if (req.method === 'POST' && url.pathname === '/_test/comment') {
      const b = body as { issue: number; body: string; login: string };
      const time = now();
      state.comments.push({
        id: ++ids,
        node_id: `IC_${ids}`,
        issue: b.issue,
        body: b.body,
        user: { login: b.login },
        created_at: time,
        updated_at: time,
        reactions: [],
      });
      return send(201, {});
    }
    const auth = req.headers.authorization ?? '';
    const authorized = auth === `token ${token}` || auth === `Bearer ${token}`;
    // Attachments are web addresses, not REST operations, so the OpenAPI check does not apply.
    // Like a private repository's, they answer 404 to a request without the token.
    if (
      req.method === 'GET' &&
      /^\/(?:user-attachments|[^/]+\/[^/]+)\/assets\//.test(url.pathname)
    ) {
      entry.operation = 'attachment';
      const file = authorized ? state.attachments.get(url.pathname) : undefined;
      if (!file) return send(404, { message: 'Not Found' });
      if ('location' in file) return send(302, undefined, { location: file.location });
      entry.status = 200;
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
      res.end(file.bytes);
      return;
    }
    if (!authorized) return send(401, { message: 'Bad credentials' });

    if (req.method === 'POST' && url.pathname === '/graphql') {
      entry.operation = 'graphql';
      const query = String(body?.query ?? '');
      const id = String((body?.variables as Json | undefined)?.id ?? '');
      if (!/markPullRequestReadyForReview/.test(query))
        return send(200, { errors: [{ message: 'unsupported query in the fake' }] });
      const pull = state.pulls.find((p) => p.node_id === id);
      if (!pull)
        return send(200, {
          data: null,
          errors: [
            {
              type: 'NOT_FOUND',
              message: `Could not resolve to a node with the global id of '${id}'`,
            },
          ],
        });
      pull.draft = false;
      return send(200, {
        data: { markPullRequestReadyForReview: { pullRequest: { isDraft: false } } },
      });
    }

    const query = Object.fromEntries(url.searchParams.entries());
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    // The registered handlers below return the matched operation's context (or nothing: no route).
    const context = (await api.handleRequest({
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      body,
      headers,
    })) as Context | undefined;
    if (!context)
      return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    entry.operation = context.operation.operationId;
    if (context.validation.errors?.length) {
      return send(422, {
        message: 'Invalid request (checked against the OpenAPI description)',
        errors: context.validation.errors.slice(0, 5),
      });
    }
    const extra = unknownFields(String(context.operation.operationId), body);
    if (extra.length > 0)
      return send(422, {
        message: `Invalid request: ${context.operation.operationId} has no field(s) ${extra.join(', ')}`,
      });
    const fault = faults.find(
      (f) => f.times > 0 && (f.operation === '*' || f.operation === context.operation.operationId),
    );
    if (fault) {
      fault.times -= 1;
      if (fault.hang) return;
      return send(fault.status, { message: `injected ${fault.status}` }, fault.headers);
    }
    const handler = handlers[String(context.operation.operationId)];
    if (!handler)
      return send(501, { message: `the fake does not implement ${context.operation.operationId}` });
    const out = handler(context, body ?? {}, query);
    return send(out.status, out.json, out.headers);
  }

  api.register({
    notFound: () => undefined,
    validationFail: (c: Context) => c,
    notImplemented: (c: Context) => c,
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    owner,
    repo,
    token,
    requests,
    state,
    addComment(issue, body, author) {
      const time = now();
      const comment: Comment = {
        id: ++ids,
        node_id: `IC_${ids}`,
        issue,
        body,
        user: author,
        created_at: time,
        updated_at: time,
        reactions: [],
      };
      state.comments.push(comment);
      return { id: comment.id, created_at: time };
    },
    inject(fault) {
      faults.push({ ...fault });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }
}
