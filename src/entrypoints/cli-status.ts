// `samocode status`: what each session is doing now, in the CLI's own words, and the exact command
// that moves it on. A session no process runs is idle, whatever its state file says.
import { parseHistory } from '../core/history.js';
import { formatUsd } from '../core/money.js';
import { readStatusField } from '../core/overview.js';
import type { SessionState } from '../core/session-state.js';
import { FILES, loadState } from '../app/session-files.js';
import { requireSession } from '../app/session-actions.js';
import type { CliSettings } from '../adapters/cli-settings.js';
import { fsSessionStore } from '../adapters/fs-session-store.js';
import { runLockHolder } from '../adapters/run-lock.js';
import { historyTable } from './cli-output.js';
import type { Write } from './cli-output.js';
import { sessionPlace } from './cli-place.js';

/** `1 iteration`, `2 iterations`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Where a session's work lives: its branch and its worktree. */
/** Where a session works: its branch (GIT_BRANCH_PREFIX, or the imported one) and worktree. */
export function sessionPlaces(
  settings: Pick<CliSettings, 'worktrees' | 'branchPrefix'>,
  name: string,
  state?: Pick<SessionState, 'branch'>,
): { branch: string; workDir: string } {
  return sessionPlace(settings, name, state);
}

/** A word for the shell: quoted only when it needs to be. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The commands that end a finished session: merge its branch, then remove its worktree. */
export function finishCommands(repo: string, name: string, branch: string): string[] {
  return [
    `  Merge it into your checkout:  git -C ${shellWord(repo)} merge ${branch}`,
    `  Then remove its worktree:     samocode clean ${name}`,
  ];
}

/** The status word: `idle` for a session marked running that no process is running. */
export function statusWord(state: SessionState, runner: number | undefined): string {
  if (runner !== undefined) return `running (pid ${runner})`;
  if (state.status === 'running') return 'idle';
  return state.status;
}

/** The exact command that moves the session on, or undefined while a process runs it. */
export function nextCommand(state: SessionState, runner: number | undefined): string[] | undefined {
  if (runner !== undefined) return undefined;
  const name = state.name;
  switch (state.status) {
    case 'running':
      return [`continue it:  samocode run --session ${name}`];
    case 'blocked':
      return [`fix the cause, then:  samocode resume ${name}`];
    case 'done':
      return [`merge its branch, then:  samocode clean ${name}`];
    case 'waiting':
      if (state.waitingFor === 'qa_answers')
        return [`answer the questions in ${FILES.qa}, then:  samocode answer ${name}`];
      if (state.waitingFor === 'plan_approval')
        return [
          `read the plan, then:  samocode approve ${name}`,
          `or send it back:  samocode revise ${name} --feedback "what should change"`,
        ];
      return [`do what "Next:" in ${FILES.overview} asks, then:  samocode resume ${name}`];
  }
}

export function statusLines(
  state: SessionState,
  dir: string,
  runner: number | undefined,
  overview: { lastAction?: string; next?: string },
): string[] {
  const t = state.totals;
  const inPhase = state.phaseIterations[state.phase] ?? 0;
  const command = nextCommand(state, runner);
  const waiting =
    state.status === 'waiting' && state.waitingFor ? ` (for ${state.waitingFor})` : '';
  return [
    `Session:     ${state.name}`,
    `Folder:      ${dir}`,
    `Status:      ${statusWord(state, runner)}${waiting}${state.blocked ? ` — ${state.blocked.reason}` : ''}`,
    `Phase:       ${state.phase} (${plural(inPhase, 'iteration')} in phase, ${state.iteration} in all)`,
    `Last Action: ${overview.lastAction ?? '-'}`,
    // While an agent works, its own plan; otherwise the person's move, not a stale line of the agent's.
    ...(command
      ? command.map((line, i) => `${i === 0 ? 'Next:       ' : '            '} ${line}`)
      : [`Next:        ${overview.next ?? '-'}`]),
    `Totals:      ${plural(t.agentRuns, 'agent run')}, ${plural(t.turns, 'turn')}, ${plural(t.inputTokens + t.outputTokens, 'token')}, ${formatUsd(t.costUsd)}`,
  ];
}

export async function statusCommand(
  settings: CliSettings,
  json: boolean,
  wanted: string | undefined,
  out: Write,
): Promise<void> {
  const store = fsSessionStore(settings.sessions);
  if (!wanted) {
    const rows = [];
    for (const name of await store.list()) {
      const runner = runLockHolder(store.dir(name));
      try {
        const s = await loadState(store, name);
        rows.push({
          name,
          status: runner === undefined && s.status === 'running' ? 'idle' : s.status,
          phase: s.phase,
          iterations: s.iteration,
          costUsd: s.totals.costUsd,
          ...(runner !== undefined ? { pid: runner } : {}),
        });
      } catch (error) {
        rows.push({
          name,
          status: 'unreadable',
          phase: '-',
          iterations: 0,
          costUsd: 0,
          error: (error as Error).message,
        });
      }
    }
    if (json) out(JSON.stringify({ sessions: rows }));
    else if (rows.length === 0)
      out(`No sessions in ${settings.sessions}. Start one with: samocode run --task "..."`);
    else
      for (const r of rows)
        out(
          `${r.name.padEnd(40)} ${r.status.padEnd(10)} ${r.phase.padEnd(15)} #${r.iterations}  ${formatUsd(r.costUsd)}`,
        );
    return;
  }
  const name = await requireSession(store, wanted);
  const state = await loadState(store, name);
  const runner = runLockHolder(store.dir(name));
  const overview = (await store.read(name, FILES.overview)) ?? '';
  const history = parseHistory((await store.read(name, FILES.history)) ?? '');
  const lastAction = readStatusField(overview, 'Last Action');
  const next = readStatusField(overview, 'Next');
  if (json) {
    out(
      JSON.stringify({
        state,
        running: runner !== undefined,
        lastAction,
        next,
        command: nextCommand(state, runner),
        history,
      }),
    );
    return;
  }
  for (const line of statusLines(state, store.dir(name), runner, {
    ...(lastAction ? { lastAction } : {}),
    ...(next ? { next } : {}),
  }))
    out(line);
  if (history.length > 0) {
    out('');
    for (const line of historyTable(history)) out(line);
  }
}
