// The scheduled sweep: finds sessions whose runs died (runner lost, job cancelled, machine gone)
// by their heartbeat on the branch, and dispatches a continuation for each. The original tool's
// monitor process, built on GitHub Actions itself. It reads sessions from the branches only: a done
// session whose folder left its branch for its record ref (flow/record.ts) is not found here, and
// needs nothing, since a done session is never stale; a reopened one is back on its branch.
import { parseGithubRecord } from '../core/github-record.js';
import { issueOfBranch } from '../core/issue-task.js';
import { parseSessionState } from '../core/session-state.js';
import type { BranchGit, Clock, Dispatcher, Runs, SessionLock } from './ports.js';
import { FILES } from './session-files.js';
import { GITHUB_FILE } from './github-session.js';

export interface SweepDeps {
  branches: BranchGit;
  lock: SessionLock;
  runs: Runs;
  dispatcher: Dispatcher;
  clock: Clock;
}

export interface SweepSettings {
  workspace: string;
  branchPrefix: string;
  sessionsDir: string;
  /** A running session whose state has not changed for this long is presumed abandoned. */
  staleMinutes: number;
  log: (line: string) => void;
}

export interface SweepResult {
  checked: number;
  dispatched: number[];
}

export async function sweep(deps: SweepDeps, s: SweepSettings): Promise<SweepResult> {
  const result: SweepResult = { checked: 0, dispatched: [] };
  const dir = s.sessionsDir.replace(/^\.?\/+|\/+$/g, '');
  for (const branch of await deps.branches.remoteBranches(s.workspace, s.branchPrefix)) {
    const issue = issueOfBranch(s.branchPrefix, branch);
    if (issue === undefined) continue;
    result.checked += 1;
    const why = await staleReason(deps, s, branch, issue, dir);
    if (!why) continue;
    await deps.dispatcher.continueSession(issue);
    result.dispatched.push(issue);
    s.log(`issue #${issue} (${branch}): ${why}; dispatched a continuation`);
  }
  return result;
}

async function staleReason(
  deps: SweepDeps,
  s: SweepSettings,
  branch: string,
  issue: number,
  dir: string,
): Promise<string | undefined> {
  for (const name of (await deps.branches.listRemoteDir(s.workspace, branch, dir)).reverse()) {
    const record = parseGithubRecord(
      (await deps.branches.readRemoteFile(s.workspace, branch, `${dir}/${name}/${GITHUB_FILE}`)) ??
        '',
    );
    if (!record.ok || record.record.issue !== issue) continue;
    const state = parseSessionState(
      (await deps.branches.readRemoteFile(s.workspace, branch, `${dir}/${name}/${FILES.state}`)) ??
        '',
    );
    if (!state.ok) {
      s.log(
        `issue #${issue} (${branch}): ${FILES.state} is unreadable (${state.error}); left alone`,
      );
      return undefined;
    }
    // A session waiting for CI whose completion event was missed (its run found the session busy)
    // is as stuck as a running one whose run died: a continuation looks at the checks again.
    const waitsForCi = state.state.status === 'waiting' && state.state.waitingFor === 'ci_checks';
    if (state.state.status !== 'running' && !waitsForCi) return undefined;
    const minutes = (deps.clock.now().getTime() - Date.parse(state.state.updatedAt)) / 60_000;
    if (!(minutes >= s.staleMinutes)) return undefined;
    const holder = await deps.lock.holder(s.workspace, `issue-${issue}`);
    if (holder && (await deps.runs.isActive(holder.runId))) {
      s.log(
        `issue #${issue} (${branch}): quiet for ${Math.round(minutes)} min but run ${holder.runId} is still working on it`,
      );
      return undefined;
    }
    return `${waitsForCi ? 'waiting for CI' : 'running'} but quiet for ${Math.round(minutes)} min`;
  }
  return undefined;
}
