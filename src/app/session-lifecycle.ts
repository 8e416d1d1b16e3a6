// What a person does to a whole session outside its gates: settle which phase is right when the
// overview and the state disagree, reopen a finished session with a new task. Each validates
// first and writes nothing when it does not apply.
import type { GateResult } from '../core/gates.js';
import type { HumanRecord } from '../core/history.js';
import { appendFlowLog } from '../core/overview.js';
import { overviewPhase, setPhase } from '../core/phase-sync.js';
import type { Phase } from '../core/phases.js';
import { reopenSession, withFollowUp } from '../core/reopen.js';
import type { SessionState } from '../core/session-state.js';
import type { Clock, SessionStore } from './ports.js';
import {
  FILES,
  SessionError,
  appendHistory,
  loadState,
  saveState,
  syncOverviewFile,
} from './session-files.js';

export interface LifecycleDeps {
  store: SessionStore;
  clock: Clock;
}

/**
 * Makes `_state.json` and `_overview.md` agree on `to`: the state's own phase only rewrites the
 * overview's line; another phase moves the session there (see core/phase-sync.ts).
 */
export async function syncPhase(
  deps: LifecycleDeps,
  name: string,
  to: Phase,
  by?: string,
): Promise<{ state: SessionState; message: string }> {
  const state = await loadState(deps.store, name, { allowPhaseDisagreement: true });
  const overview = await deps.store.read(name, FILES.overview);
  const written = overview === null ? undefined : overviewPhase(overview);
  if (written === undefined || written === state.phase) {
    if (to !== state.phase)
      throw new SessionError(
        `session ${name} is in phase ${state.phase} and ${FILES.overview} agrees: nothing to settle (use rewind or skip to change the phase)`,
      );
    return { state, message: `phase ${state.phase} already agrees` };
  }
  if (to !== state.phase && to !== written)
    throw new SessionError(
      `sync-phase settles the disagreement: pick ${state.phase} (${FILES.state}) or ${written} (${FILES.overview}), not ${to}`,
    );
  const time = deps.clock.now().toISOString();
  const result = orThrow(setPhase(state, to, time));
  await saveState(deps.store, result.state);
  await syncOverviewFile(deps.store, result.state);
  await record(deps.store, result.state, 'sync-phase', result.message, time, by);
  return { state: result.state, message: result.message };
}

/** Takes a done session back to implementation; the note is added to the task and the overview. */
export async function reopen(
  deps: LifecycleDeps,
  name: string,
  note: string,
  by?: string,
): Promise<SessionState> {
  const state = await loadState(deps.store, name);
  const time = deps.clock.now().toISOString();
  const result = orThrow(reopenSession(state, note, time));
  const overview = await deps.store.read(name, FILES.overview);
  if (overview !== null)
    await deps.store.write(name, FILES.overview, withFollowUp(overview, note, time));
  await saveState(deps.store, result.state);
  await syncOverviewFile(deps.store, result.state, 'no');
  await record(deps.store, result.state, 'reopen', result.message, time, by);
  return result.state;
}

function orThrow(result: GateResult): Extract<GateResult, { ok: true }> {
  if (!result.ok) throw new SessionError(result.error);
  return result;
}

export async function record(
  store: SessionStore,
  state: SessionState,
  action: HumanRecord['action'],
  message: string,
  time: string,
  by?: string,
): Promise<void> {
  await appendHistory(store, state.name, {
    kind: 'human',
    time,
    action,
    phase: state.phase,
    message,
    ...(by ? { by } : {}),
  });
  const overview = await store.read(state.name, FILES.overview);
  if (overview !== null) {
    const who = by ? `@${by}` : 'a person';
    await store.write(
      state.name,
      FILES.overview,
      appendFlowLog(overview, `${time} ${who}: ${message}`),
    );
  }
}
