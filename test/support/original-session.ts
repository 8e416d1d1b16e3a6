// A session folder exactly as the original Python tool (Yuvasee/samocode) leaves it, written from
// its documented layout: the init agent's `_overview.md` (with the `Total Iterations:` line its
// orchestrator adds), the requirements agent's `_qa.md` form (`### Qn`, lettered options,
// `**Suggestion:**`, `**Answer:** _waiting_`), `_signal_history.jsonl` rows of both schemas
// (legacy `record_signal` and v2 `record_processed_outcome`, unset fields as null), an artifact
// named with its `MM-DD-HH:mm` file timestamp, `_logs/<MM-DD-HHMMSS>-<NNN>-<phase>.jsonl`,
// `session.log`, the cleared `_signal.json`, and the worktree `WORKTREES/<session>` on
// `<GIT_BRANCH_PREFIX>/<slug>` made from origin/main.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from './temp.js';

export const ORIGINAL_NAME = '26-01-15-add-auth';
export const ORIGINAL_ARTIFACT = '01-15-14:40-dive-auth.md';

export const ORIGINAL_OVERVIEW = `# Session: add-auth
Started: 01-15 14:30
Working Dir: {worktree}

## Task
Add token authentication to the API

## Status
Phase: requirements
Iteration: 3
Total Iterations: 3
Blocked: no
Last Action: Q&A created
Next: Await answers

## Flow Log
- [01-15 14:30] Session initialized
- [01-15 14:40] Dive into the auth endpoints: ${ORIGINAL_ARTIFACT}
- [01-15 14:50] Q&A created

## Files
- ${ORIGINAL_ARTIFACT} - how the API authenticates today
`;

export const ORIGINAL_QA = `# Q&A: add-auth

### Q1: Where should tokens be stored?
A) httpOnly cookie
B) localStorage
C) memory only
**Suggestion:** A - not readable from scripts
**Answer:** A

### Q2: How long should a token live?
A) 15 minutes
B) 1 day
**Suggestion:** A - short-lived tokens limit the damage of a leak
**Answer:** _waiting_
`;

const unset = { summary: null, reason: null, needs: null, for: null };
export const ORIGINAL_HISTORY = [
  // Legacy rows (SignalHistoryEntry.to_dict): the phase is the signal's or the overview's.
  {
    timestamp: '2026-01-15 14:30:12',
    iteration: 1,
    phase: 'investigation',
    status: 'continue',
    ...unset,
  },
  // v2 rows (HistoryRecord.to_dict).
  {
    v: 2,
    timestamp: '2026-01-15 14:40:05',
    iteration: 2,
    source_phase: 'investigation',
    target_phase: 'requirements',
    status: 'continue',
    accepted: true,
    validation_error: null,
    rejection_reason: null,
    outcome_kind: 'transition',
    mutated: true,
    ...unset,
  },
  {
    v: 2,
    timestamp: '2026-01-15 14:50:44',
    iteration: 3,
    source_phase: 'requirements',
    target_phase: 'requirements',
    status: 'waiting',
    accepted: true,
    validation_error: null,
    rejection_reason: null,
    outcome_kind: 'wait',
    mutated: false,
    ...unset,
    for: 'qa_answers',
  },
]
  .map((row) => `${JSON.stringify(row)}\n`)
  .join('');

/** Writes the session folder and its worktree; returns their paths. */
export function originalSession(input: {
  repo: string;
  sessions: string;
  worktrees: string;
  branchPrefix: string;
}): { dir: string; worktree: string; branch: string } {
  const dir = join(input.sessions, ORIGINAL_NAME);
  const worktree = join(input.worktrees, ORIGINAL_NAME);
  const branch = `${input.branchPrefix}/add-auth`;
  mkdirSync(input.worktrees, { recursive: true });
  sh(input.repo, 'git', ['worktree', 'add', '-q', '-b', branch, worktree, 'origin/main']);
  writeFileSync(join(worktree, 'auth.md'), 'notes from the investigation\n');
  sh(worktree, 'git', ['add', '.']);
  sh(worktree, 'git', ['commit', '-q', '-m', 'investigation: auth notes']);
  mkdirSync(join(dir, '_logs'), { recursive: true });
  writeFileSync(join(dir, '_overview.md'), ORIGINAL_OVERVIEW.replace('{worktree}', worktree));
  writeFileSync(join(dir, '_qa.md'), ORIGINAL_QA);
  writeFileSync(join(dir, '_signal_history.jsonl'), ORIGINAL_HISTORY);
  writeFileSync(join(dir, '_signal.json'), '{}');
  writeFileSync(
    join(dir, ORIGINAL_ARTIFACT),
    '# Dive: auth endpoints\nSessions are cookies today.\n',
  );
  writeFileSync(
    join(dir, '_logs', '01-15-143012-001-init.jsonl'),
    '{"type":"system","subtype":"init"}\n',
  );
  writeFileSync(
    join(dir, 'session.log'),
    '2026-01-15 14:30:00 INFO Samocode Orchestrator Started\n',
  );
  return { dir, worktree, branch };
}
