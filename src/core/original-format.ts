// The session folders of the original Python tool (Yuvasee/samocode), read so this engine can run
// them: `_overview.md` (`## Status` with `Phase:`, `Iteration:`, `Total Iterations:`, `Blocked:`),
// `_qa.md` (`### Qn`, `**Answer:** _waiting_`), `_signal_history.jsonl` (legacy rows with `phase`,
// v2 rows with `"v": 2` and `source_phase` / `target_phase`) and artifacts named
// `MM-DD-HH:mm-<slug>.md`. See docs/import.md for what an import keeps and what it changes.
import { readStatusField } from './overview.js';
import { overviewPhase } from './phase-sync.js';
import { PHASES, SESSION_WAITS, isPhase } from './phases.js';
import type { Phase, SessionWait } from './phases.js';
import { parseQa, unanswered } from './qa.js';
import { emptyTotals } from './session-state.js';
import type { SessionState } from './session-state.js';

/** One row of the original's `_signal_history.jsonl`, either schema. */
export interface OriginalSignalRow {
  timestamp?: string;
  phase?: string;
  status?: string;
  summary?: string;
  reason?: string;
  needs?: string;
  for?: string;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value : undefined;

/** Reads both row schemas; corrupt and non-object lines are skipped, as the original does. */
export function parseOriginalHistory(history: string): OriginalSignalRow[] {
  const rows: OriginalSignalRow[] = [];
  for (const line of history.split('\n')) {
    if (!line.trim()) continue;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) continue;
    const row = data as Record<string, unknown>;
    // This engine's own rows (`kind`) are not the original's.
    if ('kind' in row) continue;
    const phase = text(row.v === undefined ? row.phase : row.source_phase);
    const fields: OriginalSignalRow = {};
    for (const [key, value] of [
      ['timestamp', text(row.timestamp)],
      ['phase', phase?.toLowerCase()],
      ['status', text(row.status)?.toLowerCase()],
      ['summary', text(row.summary)],
      ['reason', text(row.reason)],
      ['needs', text(row.needs)],
      ['for', text(row.for)?.toLowerCase()],
    ] as const)
      if (value !== undefined) fields[key] = value;
    rows.push(fields);
  }
  return rows;
}

/** The text of a `## <heading>` section, or undefined. */
function section(overview: string, heading: string): string | undefined {
  const match = new RegExp(`^## ${heading}[ \\t]*$`, 'mi').exec(overview);
  if (!match) return undefined;
  const rest = overview.slice(match.index + match[0].length);
  const end = /^## /m.exec(rest);
  const body = (end ? rest.slice(0, end.index) : rest).trim();
  return body || undefined;
}

/** `2026-01-15 14:30:00` (the original's local time) as `2026-01-15T14:30:00`. */
function isoLike(timestamp: string | undefined): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)/.exec(timestamp ?? '');
  return match ? `${match[1]}T${match[2]}` : undefined;
}

export type ImportPlan =
  { ok: true; state: SessionState; notes: string[] } | { ok: false; error: string };

/**
 * Rebuilds `_state.json` from what the original left. `now` is the import's time, used where the
 * folder tells no time.
 */
export function importedState(input: {
  name: string;
  overview: string;
  qa: string | null;
  history: string | null;
  branch?: string;
  now: string;
}): ImportPlan {
  const written = overviewPhase(input.overview);
  if (written === undefined)
    return {
      ok: false,
      error: '_overview.md has no "Phase:" line: which phase is the session in?',
    };
  if (!isPhase(written))
    return {
      ok: false,
      error: `_overview.md says "Phase: ${written}", which is not a phase (one of ${PHASES.join(', ')}): fix the line, then import again`,
    };
  const phase: Phase = written;
  const rows = parseOriginalHistory(input.history ?? '');
  const notes: string[] = [];
  const counted: Partial<Record<Phase, number>> = {};
  for (const row of rows)
    if (row.phase && isPhase(row.phase)) counted[row.phase] = (counted[row.phase] ?? 0) + 1;
  // Like a resume, the import grants the current phase a fresh allowance.
  counted[phase] = 0;
  const number = (field: string) => {
    const value = readStatusField(input.overview, field);
    return value && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const iteration =
    number('Total Iterations') ?? (rows.length || undefined) ?? number('Iteration') ?? 0;
  const task =
    section(input.overview, 'Task') ??
    section(input.overview, 'Initial Session Data') ??
    `(imported from the original tool: see _overview.md of ${input.name})`;

  const questions = input.qa === null ? [] : parseQa(input.qa);
  const open = unanswered(questions);
  const at = PHASES.indexOf(phase);
  const requirements =
    at > PHASES.indexOf('requirements')
      ? 'passed'
      : questions.length === 0
        ? 'closed'
        : open.length === 0
          ? 'passed'
          : 'open';
  const planning = at > PHASES.indexOf('planning') ? 'passed' : 'closed';

  const last = rows.at(-1);
  const blockedLine = readStatusField(input.overview, 'Blocked');
  const blockedByOverview = blockedLine !== undefined && !/^no\b/i.test(blockedLine);
  const base: SessionState = {
    version: 1,
    name: input.name,
    task,
    createdAt: isoLike(rows[0]?.timestamp) ?? input.now,
    updatedAt: input.now,
    phase,
    status: 'running',
    iteration,
    phaseIterations: counted,
    gates: { requirements, planning },
    missingSignals: 0,
    totals: emptyTotals(),
    ...(input.branch ? { branch: input.branch } : {}),
  };
  let state = base;
  const wait = last?.status === 'waiting' ? last.for : undefined;
  if (last?.status === 'done' && phase === 'done') {
    state = { ...base, status: 'done', summary: last.summary ?? '' };
    notes.push('done: the last signal finished the session');
  } else if (blockedByOverview || last?.status === 'blocked') {
    const reason =
      (last?.status === 'blocked' ? last.reason : undefined) ??
      (blockedByOverview ? blockedLine : undefined) ??
      'blocked in the original tool';
    const needs = last?.status === 'blocked' ? last.needs : undefined;
    state = {
      ...base,
      status: 'blocked',
      blocked: { kind: 'agent', reason, ...(needs ? { needs } : {}) },
    };
    notes.push(`blocked: ${reason} (resume once it is fixed)`);
  } else if (wait && (SESSION_WAITS as readonly string[]).includes(wait)) {
    const waitingFor = wait as SessionWait;
    const gates = { ...base.gates };
    if (waitingFor === 'qa_answers') gates.requirements = 'open';
    if (waitingFor === 'plan_approval') gates.planning = 'open';
    state = { ...base, status: 'waiting', waitingFor, gates };
    notes.push(`waiting for ${waitingFor}`);
  }
  if (questions.length > 0)
    notes.push(
      `_qa.md: ${questions.length} questions, ${open.length === 0 ? 'all answered' : `unanswered: ${open.map((n) => `Q${n}`).join(', ')}`}`,
    );
  notes.push(`${rows.length} signals of the original read from _signal_history.jsonl`);
  return { ok: true, state, notes };
}

/** A file name without `:` (it breaks checkouts on Windows): `01-15-14:30-plan.md` → `01-15-1430-plan.md`. */
export function portableName(file: string): string {
  return file.replace(/:/g, '');
}

/** The overview with references to renamed files pointing at their new names. */
export function renameReferences(overview: string, renamed: ReadonlyMap<string, string>): string {
  let out = overview;
  for (const [from, to] of renamed) out = out.split(from).join(to);
  return out;
}
