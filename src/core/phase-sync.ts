// `_state.json` is the engine's record of the phase and `_overview.md`'s `Phase:` line mirrors it
// for the agent. When they disagree (someone edited one by hand, another tool advanced the
// session), no command guesses which is right: each refuses, naming both values and the command
// that settles it, `samocode sync-phase <session> <phase>`.
import type { GateResult } from './gates.js';
import { PHASES, isPhase } from './phases.js';
import type { Phase } from './phases.js';
import type { SessionState } from './session-state.js';

/** The value of the `Phase:` line of `_overview.md`, lower-cased, or undefined without one. */
export function overviewPhase(overview: string): string | undefined {
  const match = /^Phase:[ \t]*(.*)$/m.exec(overview);
  const value = match?.[1]?.replace(/[*`_]/g, '').trim().toLowerCase();
  return value ? value : undefined;
}

export interface PhaseDisagreement {
  overview: string;
  state: Phase;
}

/** Where the two records of the phase differ; undefined when they agree or the line is absent. */
export function phaseDisagreement(
  state: SessionState,
  overview: string | null,
): PhaseDisagreement | undefined {
  if (overview === null) return undefined;
  const written = overviewPhase(overview);
  if (written === undefined || written === state.phase) return undefined;
  return { overview: written, state: state.phase };
}

export function disagreementMessage(name: string, dir: string, d: PhaseDisagreement): string {
  const keep = `samocode sync-phase ${name} ${d.state}   (keep _state.json's phase; _overview.md is corrected)`;
  const take = isPhase(d.overview)
    ? `\n  samocode sync-phase ${name} ${d.overview}   (move the session to _overview.md's phase)`
    : ` ("${d.overview}" is not a phase: one of ${PHASES.join(', ')})`;
  return (
    `session ${name} disagrees with itself: ${dir}/_overview.md says "Phase: ${d.overview}" but ` +
    `${dir}/_state.json says "${d.state}"; nothing was done. Decide which is right, then run:\n` +
    `  ${keep}${take}`
  );
}

/**
 * Puts the session in `to`. The same phase changes nothing in the state (the overview is then
 * corrected); another phase runs from its start: gates before it count as passed, gates from it on
 * close again, and a session waiting at a gate or blocked runs again.
 */
export function setPhase(state: SessionState, to: Phase, now: string): GateResult {
  if (to === state.phase)
    return { ok: true, state, message: `phase ${to} kept; _overview.md set to match _state.json` };
  const target = PHASES.indexOf(to);
  const gateState = (gate: Phase) => (target > PHASES.indexOf(gate) ? 'passed' : 'closed');
  const { waitingFor: _w, blocked: _b, ...rest } = state;
  return {
    ok: true,
    state: {
      ...rest,
      status: 'running',
      phase: to,
      phaseIterations: { ...state.phaseIterations, [to]: 0 },
      gates: { requirements: gateState('requirements'), planning: gateState('planning') },
      missingSignals: 0,
      updatedAt: now,
    },
    message: `phase set from ${state.phase} to ${to} to match _overview.md`,
  };
}
