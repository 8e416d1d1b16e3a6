// GitHub through Octokit: retries 5xx and rate limits with backoff (never other 4xx), and builds
// every URL from the runner's variables so Enterprise Server works too.
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { actorOf } from '../core/github-event.js';
import type { ImageSource } from '../core/attachments.js';
import type {
  Access,
  Checks,
  Dispatcher,
  IssueClosing,
  IssueComment,
  Issues,
  PullRequest,
  PullRequests,
  PullReview,
  Runs,
} from '../app/ports.js';

const Client = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof Client>;

export interface GitHubSettings {
  token: string;
  apiUrl: string;
  owner: string;
  repo: string;
  /** Retries for 5xx / rate limits; tests lower it. */
  retries?: number;
  log?: (message: string) => void;
}

export function githubClient(settings: GitHubSettings): GitHubClient {
  const retries = settings.retries ?? 3;
  return new Client({
    auth: settings.token,
    baseUrl: settings.apiUrl.replace(/\/+$/, ''),
    userAgent: 'samocode',
    // Failed requests surface as errors where they matter; the request log would only repeat them.
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (m: string) => settings.log?.(m),
      error: () => undefined,
    },
    retry: {
      retries,
      doNotRetry: [400, 401, 403, 404, 410, 422, 451],
      // 1 s, 4 s, 9 s against GitHub; a server on this machine needs no such patience.
      retryAfterBaseValue: isLoopback(settings.apiUrl) ? 20 : 1000,
    },
    throttle: {
      // GitHub asks for a pause between writes (1 s, 3 s for comments); a server on this machine
      // (a test double, a recording proxy) has no such limits, and pacing it only slows the run.
      enabled: !isLoopback(settings.apiUrl),
      onRateLimit: (
        after: number,
        options: { method: string; url: string },
        _o: unknown,
        count: number,
      ) => {
        settings.log?.(`rate limited on ${options.method} ${options.url}; retrying in ${after}s`);
        return count < retries;
      },
      onSecondaryRateLimit: (
        after: number,
        options: { method: string; url: string },
        _o: unknown,
        count: number,
      ) => {
        settings.log?.(
          `secondary rate limit on ${options.method} ${options.url}; retrying in ${after}s`,
        );
        return count < retries;
      },
    },
  });
}

function isLoopback(url: string): boolean {
  return /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(url);
}

function isAlreadyThere(error: unknown): boolean {
  const e = error as {
    status?: number;
    response?: { data?: { errors?: Array<{ code?: string }> } };
  };
  return (
    e.status === 422 && (e.response?.data?.errors ?? []).some((x) => x.code === 'already_exists')
  );
}

export function githubIssues(client: GitHubClient, settings: GitHubSettings): Issues {
  const repo = { owner: settings.owner, repo: settings.repo };
  let own: Promise<string> | undefined;
  return {
    ownLogin() {
      // A person's token (PAT) names its user; the job token and App tokens may not ask, and the
      // job token comments as github-actions[bot].
      own ??= client.rest.users.getAuthenticated().then(
        ({ data }) => data.login,
        () => 'github-actions[bot]',
      );
      return own;
    },
    async createComment(issue, body) {
      const { data } = await client.rest.issues.createComment({
        ...repo,
        issue_number: issue,
        body,
      });
      return data.id;
    },
    async updateComment(commentId, body) {
      await client.rest.issues.updateComment({ ...repo, comment_id: commentId, body });
    },
    async listComments(issue, since) {
      const comments = await client.paginate(client.rest.issues.listComments, {
        ...repo,
        issue_number: issue,
        per_page: 100,
        ...(since ? { since } : {}),
      });
      return comments.map((c): IssueComment => ({
        id: c.id,
        body: c.body ?? '',
        author: {
          login: c.user?.login ?? 'ghost',
          isBot: c.user?.type === 'Bot' || (c.user?.login ?? '').endsWith('[bot]'),
        },
        createdAt: c.created_at,
      }));
    },
    async closings(issue) {
      const events = await client.paginate(client.rest.issues.listEvents, {
        ...repo,
        issue_number: issue,
        per_page: 100,
      });
      return events.flatMap((e): IssueClosing[] => {
        if (e.event !== 'closed' && e.event !== 'unlabeled') return [];
        const login = e.actor?.login ?? 'ghost';
        const label = 'label' in e ? e.label?.name : undefined;
        return [
          {
            event: e.event,
            actor: { login, isBot: e.actor?.type === 'Bot' || login.endsWith('[bot]') },
            ...(label ? { label } : {}),
          },
        ];
      });
    },
    async getIssue(issue) {
      const { data } = await client.rest.issues.get({ ...repo, issue_number: issue });
      return {
        open: data.state === 'open',
        labels: data.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))),
      };
    },
    async addLabel(issue, label) {
      await client.rest.issues.addLabels({ ...repo, issue_number: issue, labels: [label] });
    },
    async ensureLabel(name, color, description) {
      try {
        await client.rest.issues.createLabel({ ...repo, name, color, description });
      } catch (error) {
        if (!isAlreadyThere(error)) throw error;
      }
    },
    async removeLabel(issue, label) {
      try {
        await client.rest.issues.removeLabel({ ...repo, issue_number: issue, name: label });
      } catch (error) {
        // Already gone is the outcome we wanted.
        if ((error as { status?: number }).status !== 404) throw error;
      }
    },
    async react(commentId, content) {
      try {
        await client.rest.reactions.createForIssueComment({
          ...repo,
          comment_id: commentId,
          content,
        });
      } catch (error) {
        if (!isAlreadyThere(error)) throw error;
      }
    },
  };
}

export function githubPullRequests(client: GitHubClient, settings: GitHubSettings): PullRequests {
  const repo = { owner: settings.owner, repo: settings.repo };
  const toPr = (p: {
    number: number;
    node_id: string;
    html_url: string;
    draft?: boolean;
  }): PullRequest => ({
    number: p.number,
    nodeId: p.node_id,
    url: p.html_url,
    draft: p.draft ?? false,
  });
  return {
    async findOpen(branch) {
      const { data } = await client.rest.pulls.list({
        ...repo,
        state: 'open',
        head: `${settings.owner}:${branch}`,
        per_page: 1,
      });
      return data[0] ? toPr(data[0]) : undefined;
    },
    async create({ branch, base, title, body }) {
      try {
        const { data } = await client.rest.pulls.create({
          ...repo,
          head: branch,
          base,
          title,
          body,
          draft: true,
        });
        return toPr(data);
      } catch (error) {
        throw new Error(explainPullRequestRefusal((error as Error).message), { cause: error });
      }
    },
    async update(number, input) {
      await client.rest.pulls.update({ ...repo, pull_number: number, ...input });
    },
    async markReady(pr) {
      if (!pr.draft) return;
      await client.graphql(
        'mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } } }',
        { id: pr.nodeId },
      );
    },
    async reviewComments(number, reviewId) {
      const comments = await client.paginate(client.rest.pulls.listCommentsForReview, {
        ...repo,
        pull_number: number,
        review_id: reviewId,
        per_page: 100,
      });
      return comments.map((c) => ({
        path: c.path,
        ...(typeof c.position === 'number' ? { line: c.position } : {}),
        body: c.body,
      }));
    },
    async listReviews(number) {
      const reviews = await client.paginate(client.rest.pulls.listReviews, {
        ...repo,
        pull_number: number,
        per_page: 100,
      });
      const states = ['approved', 'changes_requested', 'commented', 'dismissed', 'pending'];
      return reviews.flatMap((r): PullReview[] => {
        const state = r.state.toLowerCase();
        // A review without an author (a deleted account) or in a state GitHub does not document
        // is nobody's word.
        if (!r.user || !states.includes(state)) return [];
        return [
          {
            id: r.id,
            state: state as PullReview['state'],
            body: r.body,
            author: actorOf(r.user),
            ...(r.commit_id ? { commitId: r.commit_id } : {}),
            ...(r.submitted_at ? { submittedAt: r.submitted_at } : {}),
          },
        ];
      });
    },
  };
}

export function githubDispatcher(
  client: GitHubClient,
  settings: GitHubSettings,
  eventType = 'samocode-continue',
): Dispatcher {
  return {
    async continueSession(issue) {
      await client.rest.repos.createDispatchEvent({
        owner: settings.owner,
        repo: settings.repo,
        event_type: eventType,
        client_payload: { issue },
      });
    },
  };
}

export function githubChecks(client: GitHubClient, settings: GitHubSettings): Checks {
  return {
    async forCommit(sha) {
      const runs = await client.paginate(client.rest.checks.listForRef, {
        owner: settings.owner,
        repo: settings.repo,
        ref: sha,
        per_page: 100,
      });
      // A check run names only its suite; the suite says which push (branch) it ran for and
      // which pull requests it belongs to — one whose head is another repository is a fork's.
      // A fork's suite often lists no pull request at all, and may carry the fork's branch name:
      // a GitHub Actions suite is the session's only when its workflow run names this repository
      // as its head repository.
      const listed = await client.paginate(client.rest.checks.listSuitesForRef, {
        owner: settings.owner,
        repo: settings.repo,
        ref: sha,
        per_page: 100,
      });
      const ownRuns = listed.some((suite) => suite.app?.slug === 'github-actions')
        ? await actionsSuitesOfThisRepository(client, settings, sha)
        : new Set<number>();
      const suites = new Map<number, { headBranch: string | null; fork: boolean }>();
      for (const suite of listed) {
        suites.set(suite.id, {
          headBranch: suite.head_branch,
          fork:
            (suite.pull_requests ?? []).some((pr) => pr.head.repo.id !== pr.base.repo.id) ||
            (suite.app?.slug === 'github-actions' && !ownRuns.has(suite.id)),
        });
      }
      return runs.map((run) => ({
        headBranch: suites.get(run.check_suite?.id ?? -1)?.headBranch ?? null,
        fork: suites.get(run.check_suite?.id ?? -1)?.fork ?? false,
        id: run.id,
        name: run.name,
        status: run.status,
        conclusion: run.conclusion ?? null,
        ...(run.app?.slug ? { app: run.app.slug } : {}),
        ...((run.details_url ?? run.html_url)
          ? { url: run.details_url ?? run.html_url ?? '' }
          : {}),
      }));
    },
    async jobLog(jobId) {
      // For GitHub Actions, a check run's id is its job's id; the log comes through a redirect.
      try {
        const log = await client.rest.actions.downloadJobLogsForWorkflowRun({
          owner: settings.owner,
          repo: settings.repo,
          job_id: jobId,
        });
        return typeof log.data === 'string' ? log.data : String(log.data);
      } catch (error) {
        if (
          (error as { status?: number }).status === 404 ||
          (error as { status?: number }).status === 410
        )
          return null;
        throw error;
      }
    },
  };
}

/** The check suites of the workflow runs on `sha` whose head repository is this one. */
async function actionsSuitesOfThisRepository(
  client: GitHubClient,
  settings: GitHubSettings,
  sha: string,
): Promise<Set<number>> {
  const runs = await client.paginate(client.rest.actions.listWorkflowRunsForRepo, {
    owner: settings.owner,
    repo: settings.repo,
    head_sha: sha,
    per_page: 100,
  });
  const self = `${settings.owner}/${settings.repo}`.toLowerCase();
  return new Set(
    runs
      .filter((run) => run.head_repository?.full_name.toLowerCase() === self)
      .flatMap((run) => (run.check_suite_id === undefined ? [] : [run.check_suite_id])),
  );
}

/**
 * Permissions as GitHub reports them when asked: each event and each comment is checked when it is
 * applied, so a person whose permission was revoked during a run is not heard after that. Only
 * questions in flight at the same moment share an answer.
 */
export function githubAccess(client: GitHubClient, settings: GitHubSettings): Access {
  const cache = new Map<string, Promise<Awaited<ReturnType<Access['permission']>>>>();
  const known = ['admin', 'maintain', 'write', 'triage', 'read', 'none'] as const;
  return {
    permission(login) {
      let found = cache.get(login.toLowerCase());
      if (!found) {
        found = client.rest.repos
          .getCollaboratorPermissionLevel({
            owner: settings.owner,
            repo: settings.repo,
            username: login,
          })
          .then(({ data }) => {
            // role_name tells maintain and triage apart; permission folds them into write and read.
            const role = (data.role_name ?? data.permission) as (typeof known)[number];
            return known.includes(role) ? role : (data.permission as (typeof known)[number]);
          })
          .catch((error: { status?: number }) => {
            if (error.status === 404) return 'none' as const;
            throw error;
          })
          .finally(() => cache.delete(login.toLowerCase()));
        cache.set(login.toLowerCase(), found);
      }
      return found;
    },
  };
}

export function githubRuns(client: GitHubClient, settings: GitHubSettings): Runs {
  return {
    async isActive(runId) {
      if (!/^\d+$/.test(runId)) return false;
      try {
        const { data } = await client.rest.actions.getWorkflowRun({
          owner: settings.owner,
          repo: settings.repo,
          run_id: Number(runId),
        });
        return data.status !== 'completed';
      } catch (error) {
        if ((error as { status?: number }).status === 404) return false;
        throw error;
      }
    },
  };
}

/**
 * GitHub's refusals to open the plan's pull request, with the setting that fixes each; other
 * errors as they are.
 */
export function explainPullRequestRefusal(message: string): string {
  if (/not permitted to create or approve pull requests/i.test(message))
    return (
      "GitHub refused to open the plan's pull request: GitHub Actions may not create pull requests " +
      'in this repository. Turn on Settings → Actions → General → Workflow permissions → "Allow ' +
      'GitHub Actions to create and approve pull requests" (or set the same at the organization), ' +
      `or pass a github-token that may create them (${message})`
    );
  if (/draft pull requests are not supported/i.test(message))
    return (
      'GitHub refused to open the plan as a draft pull request: drafts need a public repository ' +
      `or a GitHub Team or Enterprise plan (${message})`
    );
  return message;
}

/**
 * The HTML GitHub renders for an issue's body or a comment (`body_html`), where the images of a
 * private repository carry signed addresses that need no token.
 */
export function githubRenderedText(
  client: GitHubClient,
  settings: GitHubSettings,
): (from: ImageSource) => Promise<string | null> {
  const repo = { owner: settings.owner, repo: settings.repo };
  const html = { mediaType: { format: 'html' } };
  return async (from) => {
    if ('review' in from) {
      const { data } = await client.rest.pulls.getReview({
        ...repo,
        pull_number: from.pr,
        review_id: from.review,
        ...html,
      });
      return data.body_html ?? null;
    }
    const { data } =
      'issue' in from
        ? await client.rest.issues.get({ ...repo, issue_number: from.issue, ...html })
        : await client.rest.issues.getComment({ ...repo, comment_id: from.comment, ...html });
    return data.body_html ?? null;
  };
}
