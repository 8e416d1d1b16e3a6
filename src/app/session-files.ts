// Reading and writing a session's orchestrator files through the store, with errors that name the
// file and say how to fix it.
import { historyLine } from '../core/history.js';
import type { HistoryRecord } from '../core/history.js';
import { syncOverview } from '../core/overview.js';
import { disagreementMessage, phaseDisagreement } from '../core/phase-sync.js';
import { parseSessionState, serializeSessionState } from '../core/session-state.js';
import type { SessionState } from '../core/session-state.js';
import type { SessionStore } from './ports.js';

export const FILES = {
  state: '_state.json',
  /** The state before the last save: what a corrupt `_state.json` is restored from. */
  previousState: '_state.prev.json',
  overview: '_overview.md',
  qa: '_qa.md',
  review: '_review.md',
  signal: '_signal.json',
  history: '_signal_history.jsonl',
  logs: '_logs',
} as const;

/** A problem with a session on disk that a person must fix; the message says what and how. */
export class SessionError extends Error {
  override name = 'SessionError';
}

export interface LoadOptions {
  /** Load even when `_overview.md`'s `Phase:` disagrees with the state (only `sync-phase` does). */
  allowPhaseDisagreement?: boolean;
}

/**
 * Loads `_state.json`. A session whose `_overview.md` names another phase is refused, naming both
 * values and the command that settles it: no command guesses which one is right.
 */
export async function loadState(
  store: SessionStore,
  name: string,
  options: LoadOptions = {},
): Promise<SessionState> {
  const state = await readState(store, name);
  if (!options.allowPhaseDisagreement) {
    const disagreement = phaseDisagreement(state, await store.read(name, FILES.overview));
    if (disagreement)
      throw new SessionError(disagreementMessage(name, store.dir(name), disagreement));
  }
  return state;
}

async function readState(store: SessionStore, name: string): Promise<SessionState> {
  const path = `${store.dir(name)}/${FILES.state}`;
  const text = await store.read(name, FILES.state);
  if (text === null) {
    throw new SessionError(
      `${path} is missing: this folder is not a Samocode session, or its state file was deleted ` +
        `(restore it with git, or start a new session with --task)`,
    );
  }
  const parsed = parseSessionState(text);
  if (!parsed.ok) {
    // Sessions of the CLI are not in git: the copy kept by the last save is the way back.
    const previous = await restorePrevious(store, name);
    if (previous) return previous;
    throw new SessionError(
      `${path} is malformed: ${parsed.error}, and there is no usable ${FILES.previousState} to ` +
        `restore it from. Fix the field named above, or restore it with git where the session is ` +
        `in git (git checkout -- ${FILES.state}); nothing was changed`,
    );
  }
  if (parsed.state.name !== name) {
    throw new SessionError(
      `${path} belongs to session "${parsed.state.name}", not "${name}": was the folder renamed?`,
    );
  }
  return parsed.state;
}

export async function saveState(store: SessionStore, state: SessionState): Promise<void> {
  const current = await store.read(state.name, FILES.state);
  if (current !== null && parseSessionState(current).ok)
    await store.write(state.name, FILES.previousState, current);
  await store.write(state.name, FILES.state, serializeSessionState(state));
}

async function restorePrevious(
  store: SessionStore,
  name: string,
): Promise<SessionState | undefined> {
  const text = await store.read(name, FILES.previousState);
  if (text === null) return undefined;
  const parsed = parseSessionState(text);
  if (!parsed.ok || parsed.state.name !== name) return undefined;
  await store.write(name, FILES.state, text);
  return parsed.state;
}

export async function appendHistory(
  store: SessionStore,
  name: string,
  record: HistoryRecord,
): Promise<void> {
  await store.append(name, FILES.history, historyLine(record));
}

/** Keeps the `Phase:` and `Total Iterations:` lines of `_overview.md` true; false if it is gone. */
export async function syncOverviewFile(
  store: SessionStore,
  state: SessionState,
  blocked?: string,
): Promise<boolean> {
  const text = await store.read(state.name, FILES.overview);
  if (text === null) return false;
  const synced = syncOverview(text, {
    phase: state.phase,
    iteration: state.iteration,
    ...(blocked !== undefined ? { blocked } : {}),
  });
  if (synced !== text) await store.write(state.name, FILES.overview, synced);
  return true;
}
