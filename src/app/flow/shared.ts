// What every path of the GitHub flow shares: its options and result, the permission rule
// (`deny`: bots never, people only as the access policy allows), the cleaning of untrusted text,
// saving and pushing the session, and stopping it.
import { decideAccess } from '../../core/access.js';
import type { Actor } from '../../core/github-event.js';
import { block } from '../../core/iteration.js';
import { cleanUntrusted } from '../../core/untrusted-text.js';
import type { RunOptions, RunResult } from '../run-session.js';
import { appendHistory, saveState, syncOverviewFile } from '../session-files.js';
import { leavesBranch } from '../github-session.js';
import type { GithubDeps, GithubSettings, OpenSession } from '../github-session.js';

export type LoopOptions = Omit<RunOptions, 'session' | 'workDir' | 'branch' | 'hooks'>;

export interface FlowResult {
  handled: boolean;
  /** Another run holds the session: this one did nothing and its input waits for that run. */
  busy?: boolean;
  message: string;
  session?: OpenSession;
  run?: RunResult;
}

export const ignored = (message: string): FlowResult => ({ handled: false, message });

/**
 * Commits what changed in the session and pushes it; when nothing changed, nothing is pushed. A done
 * session whose folder leaves its branch is saved once, by the run's last save (record.ts): a
 * folder restored from its record is not committed back to the branch meanwhile.
 */
export async function saveAndPush(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
  what: string,
): Promise<void> {
  if (leavesBranch(s, session.state)) return;
  await commitAndPush(deps, s, session, what);
}

/** Commits what changed in the workspace and pushes it, whatever the session's state. */
export async function commitAndPush(
  deps: GithubDeps,
  s: GithubSettings,
  session: OpenSession,
  what: string,
): Promise<void> {
  const saved = await deps.git.commitAll(s.workspace, `samocode: ${session.name} ${what}`);
  if (saved.committed) await deps.branches.push(s.workspace, session.branch);
}

/** Stops the session (a finished one stays finished) and records who stopped it and why. */
export async function stop(
  deps: GithubDeps,
  session: OpenSession,
  why: string,
): Promise<OpenSession> {
  if (session.state.status === 'done') return session;
  const now = deps.clock.now().toISOString();
  const state = block(session.state, 'stopped', why, now);
  await saveState(deps.store, state);
  await syncOverviewFile(deps.store, state, `yes — ${why}`);
  await appendHistory(deps.store, state.name, {
    kind: 'human',
    time: now,
    action: 'stop',
    phase: state.phase,
    message: why,
  });
  return { ...session, state };
}

/** Why this person may not steer the session, or undefined when they may. */
export async function deny(
  deps: GithubDeps,
  s: GithubSettings,
  actor: Actor,
): Promise<string | undefined> {
  if (actor.isBot) return `@${actor.login} is a bot`;
  const decision = decideAccess(actor, await deps.access.permission(actor.login), s.policy);
  return decision.ok ? undefined : decision.reason;
}

export function clean(s: GithubSettings, what: string, text: string, limit: number): string {
  const cleaned = cleanUntrusted(text, limit);
  if (cleaned.removed.length > 0) s.log(`cleaned ${what}: removed ${cleaned.removed.join(', ')}`);
  return cleaned.text;
}
