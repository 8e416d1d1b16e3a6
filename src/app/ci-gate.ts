// CI in the loop: in the testing phase, a session whose code changed since the last CI report
// waits for the checks of its latest commit — without holding the runner: the run ends, and the
// CI's completion event starts the next one — then hands their outcome to the agent in `_ci.md`.
import { ciReport, judgeChecks, logTail, reportedCommit, sessionChecks } from '../core/ci.js';
import type { CheckRun, CiVerdict } from '../core/ci.js';
import type { SessionState } from '../core/session-state.js';
import type { GithubDeps, GithubSettings, OpenSession } from './github-session.js';
import { FILES, appendHistory, saveState, syncOverviewFile } from './session-files.js';
import { appendFlowLog } from '../core/overview.js';

export const CI_FILE = '_ci.md';

const POLL_MS = 5_000;

/**
 * Returns the session as it should go on: unchanged when CI has nothing to say, waiting for CI
 * while checks run, or running again with a fresh `_ci.md` once they finished.
 */
export async function ciGate(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
): Promise<OpenSession> {
  const state = session.state;
  const waitingForCi = state.status === 'waiting' && state.waitingFor === 'ci_checks';
  if (!s.waitForCi || state.phase !== 'testing') return session;
  if (state.status !== 'running' && !waitingForCi) return session;
  // The checks that matter are those of the last commit that changed code: later commits only
  // touched the session folder (they may have been skipped by CI, or run it again for nothing).
  const head = await deps.branches.lastCodeCommit(s.workspace, s.sessionsDir);
  const reported = reportedCommit(await deps.store.read(state.name, CI_FILE));
  if (reported && !(await deps.branches.codeChanged(s.workspace, reported, head, s.sessionsDir))) {
    // The agent already has the results for this code (later commits only touched the session).
    return waitingForCi
      ? {
          ...session,
          state: await changeState(deps, state, running(state), 'CI results already recorded'),
        }
      : session;
  }
  const verdict = await checksOf(deps, s, head, session.branch, waitingForCi);
  if (verdict.kind === 'pending') {
    if (waitingForCi) return session;
    const waiting: SessionState = {
      ...state,
      status: 'waiting',
      waitingFor: 'ci_checks',
      updatedAt: deps.clock.now().toISOString(),
    };
    const message = `waiting for CI on ${head.slice(0, 7)}: ${verdict.waitingFor.join(', ')}`;
    s.log(message);
    return { ...session, state: await changeState(deps, state, waiting, message) };
  }
  const tails = new Map<number, string>();
  if (verdict.kind === 'complete') {
    for (const run of verdict.failed) {
      if (run.app !== 'github-actions') continue;
      const log = await deps.checks.jobLog(run.id).catch(() => null);
      if (log) tails.set(run.id, logTail(log));
    }
  }
  const now = deps.clock.now().toISOString();
  await deps.store.write(state.name, CI_FILE, ciReport({ sha: head, verdict, tails, time: now }));
  const outcome =
    verdict.kind === 'none'
      ? `no CI checks ran on ${head.slice(0, 7)}`
      : `CI ${verdict.passed ? 'passed' : `failed (${verdict.failed.map((r) => r.name).join(', ')})`} on ${head.slice(0, 7)}; results in ${CI_FILE}`;
  s.log(outcome);
  return { ...session, state: await changeState(deps, state, running(state, now), outcome) };
}

function running(state: SessionState, now?: string): SessionState {
  if (state.status !== 'waiting') return state;
  const { waitingFor: _w, ...rest } = state;
  return { ...rest, status: 'running', ...(now ? { updatedAt: now } : {}) };
}

async function checksOf(
  deps: GithubDeps,
  s: GithubSettings,
  sha: string,
  branch: string,
  alreadyWaited: boolean,
): Promise<CiVerdict> {
  // Checks are created a few seconds after a push; none at first does not yet mean none at all.
  const deadline = deps.clock.now().getTime() + (alreadyWaited ? 0 : s.ciStartMs);
  for (;;) {
    // This run's own job is a check of the commit when a review on the pull request started it.
    const own = s.runId ? `/actions/runs/${s.runId}` : undefined;
    // Only checks of the session branch's own push count, not a fork's or another branch's.
    const runs: CheckRun[] = sessionChecks(await deps.checks.forCommit(sha), branch).filter(
      (run) => !own || !run.url || !new RegExp(`${own}(/|$)`).test(run.url),
    );
    const verdict = judgeChecks(runs);
    if (verdict.kind !== 'none' || deps.clock.now().getTime() >= deadline) return verdict;
    await deps.clock.sleep(Math.min(POLL_MS, Math.max(0, deadline - deps.clock.now().getTime())));
  }
}

async function changeState(
  deps: GithubDeps,
  before: SessionState,
  after: SessionState,
  message: string,
): Promise<SessionState> {
  const time = deps.clock.now().toISOString();
  if (after !== before) await saveState(deps.store, after);
  await appendHistory(deps.store, after.name, {
    kind: 'human',
    time,
    action: 'ci',
    phase: after.phase,
    message,
  });
  const overview = await deps.store.read(after.name, FILES.overview);
  if (overview !== null)
    await deps.store.write(
      after.name,
      FILES.overview,
      appendFlowLog(overview, `${time} ${message}`),
    );
  await syncOverviewFile(deps.store, after);
  return after;
}
