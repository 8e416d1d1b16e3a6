// A finished session taken back to implementation with a new task note: the history, the session
// folder and the branch are kept; the phases after implementation run again.
import type { GateResult } from './gates.js';
import type { SessionState } from './session-state.js';

export function reopenSession(state: SessionState, note: string, now: string): GateResult {
  const task = note.trim();
  if (!task) return { ok: false, error: 'the new task is empty: say what is to be done' };
  if (state.status !== 'done') {
    return {
      ok: false,
      error: `session "${state.name}" is not done (it is ${state.status} in phase ${state.phase}): only a finished session is reopened; resume or steer this one instead`,
    };
  }
  const { summary: _s, waitingFor: _w, blocked: _b, ...rest } = state;
  return {
    ok: true,
    state: {
      ...rest,
      status: 'running',
      phase: 'implementation',
      task: `${state.task.trim()}\n\n${followUpHeading(now)}\n${task}`,
      phaseIterations: {
        ...state.phaseIterations,
        implementation: 0,
        testing: 0,
        quality: 0,
        done: 0,
      },
      missingSignals: 0,
      updatedAt: now,
    },
    message: `reopened in implementation: ${task.split('\n')[0]?.slice(0, 200) ?? ''}`,
  };
}

export function followUpHeading(now: string): string {
  return `## Follow-up task (reopened ${now})`;
}

/** `_overview.md` with the follow-up task added as a section the agent reads. */
export function withFollowUp(overview: string, note: string, now: string): string {
  return `${overview.replace(/\s*$/, '')}\n\n${followUpHeading(now)}\n${note.trim()}\n`;
}
