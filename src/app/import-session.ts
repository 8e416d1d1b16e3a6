// `samocode import`: a session folder of the original Python tool made into one this engine runs.
// What it changes, and only that: `_state.json` is written, artifact names lose their `:` (the
// overview's references follow), `_overview.md` gains the `Total Iterations:` line it lacks and a
// Flow Log entry, and `_signal_history.jsonl` gains one line. Everything else is kept as it is.
import { appendFlowLog, syncOverview } from '../core/overview.js';
import { importedState, portableName, renameReferences } from '../core/original-format.js';
import { serializeSessionState } from '../core/session-state.js';
import type { SessionState } from '../core/session-state.js';
import type { Clock, SessionStore } from './ports.js';
import { FILES, SessionError, appendHistory } from './session-files.js';

export interface ImportDeps {
  store: SessionStore;
  clock: Clock;
  /** Renames a file at the top of the session folder (artifacts may not be text). */
  rename(name: string, from: string, to: string): Promise<void>;
}

export interface ImportResult {
  state: SessionState;
  notes: string[];
  renamed: Array<[string, string]>;
}

export async function importSession(
  deps: ImportDeps,
  name: string,
  branch?: string,
): Promise<ImportResult> {
  const { store } = deps;
  const dir = store.dir(name);
  if ((await store.read(name, FILES.state)) !== null)
    throw new SessionError(
      `${dir}/${FILES.state} exists: ${name} is a session of this engine already`,
    );
  const overview = await store.read(name, FILES.overview);
  if (overview === null)
    throw new SessionError(
      `${dir}/${FILES.overview} is missing: this folder is no session of the original tool either`,
    );
  const now = deps.clock.now().toISOString();
  const plan = importedState({
    name,
    overview,
    qa: await store.read(name, FILES.qa),
    history: await store.read(name, FILES.history),
    ...(branch ? { branch } : {}),
    now,
  });
  if (!plan.ok) throw new SessionError(`${dir}/${plan.error}`);

  // Every check passed: from here on the folder changes.
  const files = await store.listFiles(name);
  const renamed: Array<[string, string]> = [];
  for (const file of files) {
    const portable = portableName(file);
    if (portable === file) continue;
    if (files.includes(portable))
      throw new SessionError(`${dir}: cannot rename ${file} to ${portable}, which exists`);
    renamed.push([file, portable]);
  }
  for (const [from, to] of renamed) await deps.rename(name, from, to);
  const state = plan.state;
  await store.write(name, FILES.state, serializeSessionState(state));
  const message = `imported from the original tool: ${plan.notes.join('; ')}`;
  const synced = syncOverview(renameReferences(overview, new Map(renamed)), {
    phase: state.phase,
    iteration: state.iteration,
  });
  await store.write(
    name,
    FILES.overview,
    appendFlowLog(synced, `${now} samocode import: ${message}`),
  );
  await appendHistory(store, name, {
    kind: 'human',
    time: now,
    action: 'import',
    phase: state.phase,
    message,
  });
  return { state, notes: plan.notes, renamed };
}
