// The CLI's session upkeep commands: sync-phase (settle a phase disagreement), reopen (a done
// session back to implementation with a new task) and archive (finished sessions out of the way).
import { PHASES, isPhase } from '../core/phases.js';
import type { CliSettings } from '../adapters/cli-settings.js';
import { fsSessionStore } from '../adapters/fs-session-store.js';
import { runLockHolder } from '../adapters/run-lock.js';
import { ARCHIVE_DIR, archiveSessionFolder } from '../adapters/session-archive.js';
import { systemClock } from '../adapters/system-clock.js';
import { SessionError, loadState } from '../app/session-files.js';
import { requireSession } from '../app/session-actions.js';
import { reopen, syncPhase } from '../app/session-lifecycle.js';
import type { Write } from './cli-output.js';

export const LIFECYCLE_COMMANDS = ['sync-phase', 'reopen', 'archive'] as const;
export type LifecycleCommand = (typeof LIFECYCLE_COMMANDS)[number];

export const LIFECYCLE_USAGE = `  samocode sync-phase <session> <phase>    settle _overview.md and _state.json naming different phases
  samocode reopen <session> --task "<more to do>"   take a done session back to implementation
  samocode archive [<session>] [--force]   move done sessions (or one) into <sessions>/${ARCHIVE_DIR}/`;

/** A usage mistake: the caller prints it with the usage text. */
export class LifecycleUsageError extends Error {}

export interface LifecycleInput {
  command: LifecycleCommand;
  args: readonly string[];
  values: { task?: string | undefined; force?: boolean | undefined };
  settings: () => CliSettings;
  out: Write;
}

export function isLifecycleCommand(command: string): command is LifecycleCommand {
  return (LIFECYCLE_COMMANDS as readonly string[]).includes(command);
}

export async function lifecycleCommand(input: LifecycleInput): Promise<number> {
  const { command, args, values, out } = input;
  const wanted = args[0];
  if (command !== 'archive' && !wanted)
    throw new LifecycleUsageError(`${command} needs the session name`);
  const settings = input.settings();
  const store = fsSessionStore(settings.sessions);
  const deps = { store, clock: systemClock };
  const free = (name: string) => {
    if (runLockHolder(store.dir(name)) !== undefined)
      throw new SessionError(
        `session ${name} is being run by another samocode (pid ${runLockHolder(store.dir(name)) ?? '?'}); stop that run first`,
      );
  };
  if (command === 'sync-phase') {
    const phase = (args[1] ?? '').toLowerCase();
    if (!isPhase(phase))
      throw new LifecycleUsageError(
        `sync-phase needs the phase that is right, one of: ${PHASES.join(', ')}`,
      );
    const name = await requireSession(store, wanted ?? '');
    free(name);
    const { state, message } = await syncPhase(deps, name, phase);
    out(`Session ${name}: ${message} (now ${state.status} in ${state.phase}).`);
    return 0;
  }
  if (command === 'reopen') {
    if (!values.task?.trim())
      throw new LifecycleUsageError('reopen needs --task "<what is to be done now>"');
    const name = await requireSession(store, wanted ?? '');
    free(name);
    const state = await reopen(deps, name, values.task);
    out(`Session ${name} reopened in ${state.phase}.`);
    out(`Continue with:  samocode run --session ${name}`);
    return 0;
  }
  const names = wanted ? [await requireSession(store, wanted)] : await store.list();
  let moved = 0;
  for (const name of names) {
    const state = await loadState(store, name).catch(() => undefined);
    const finished = state?.status === 'done';
    if (!finished && !(wanted && values.force)) {
      if (wanted)
        throw new SessionError(
          `session ${name} is not finished (${state ? `${state.status} in ${state.phase}` : 'unreadable'}): archive it anyway with --force`,
        );
      continue;
    }
    free(name);
    const target = await archiveSessionFolder(settings.sessions, name);
    out(`Archived ${name} to ${target}`);
    moved += 1;
  }
  if (!wanted && moved === 0) out(`No finished sessions to archive in ${settings.sessions}.`);
  return 0;
}
