// CI in the loop: what the checks of a session commit say, and the `_ci.md` the testing agent
// reads. Pure: the app fetches check runs and job logs, this decides and writes the text.
import { cleanUntrusted } from './untrusted-text.js';

export interface CheckRun {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  /** The app that ran it (e.g. `github-actions`), whose job logs can be fetched. */
  app?: string;
  url?: string;
  /** The branch of the push the check ran for (its check suite's head branch); null when none. */
  headBranch?: string | null;
  /** The check ran for a pull request from a fork (which may push the same commit). */
  fork?: boolean;
}

/**
 * The checks that speak for the session: those run for a push of its own branch. Any app, and
 * any fork's pull request with the same head commit, can add check runs to a commit; none of
 * those decide whether the session's code passed.
 */
export function sessionChecks(runs: readonly CheckRun[], branch: string): CheckRun[] {
  return runs.filter((run) => run.headBranch === branch && run.fork !== true);
}

export type CiVerdict =
  | { kind: 'pending'; waitingFor: string[] }
  | { kind: 'none' }
  | { kind: 'complete'; passed: boolean; failed: CheckRun[]; runs: CheckRun[] };

/** Conclusions that mean the commit is fine as far as that check goes. */
const OK = new Set(['success', 'neutral', 'skipped']);

export function judgeChecks(runs: readonly CheckRun[]): CiVerdict {
  if (runs.length === 0) return { kind: 'none' };
  const open = runs.filter((r) => r.status !== 'completed');
  if (open.length > 0) return { kind: 'pending', waitingFor: open.map((r) => r.name) };
  const failed = runs.filter((r) => !OK.has(r.conclusion ?? ''));
  return { kind: 'complete', passed: failed.length === 0, failed, runs: [...runs] };
}

/** The last lines of a job log, without the runner's timestamps, bounded in size. */
export function logTail(log: string, lines = 60, maxChars = 6_000): string {
  const kept = log
    .replace(/\r/g, '')
    .split('\n')
    .map((l) => l.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z ?/, ''))
    .filter((l, i, all) => l.trim() !== '' || i < all.length - 1)
    .slice(-lines)
    .join('\n');
  return kept.length > maxChars ? `…${kept.slice(kept.length - maxChars)}` : kept;
}

/** `_ci.md`: the outcome of every check on the commit, and the log tails of the failing ones. */
export function ciReport(input: {
  sha: string;
  verdict: Exclude<CiVerdict, { kind: 'pending' }>;
  tails: ReadonlyMap<number, string>;
  time: string;
}): string {
  const lines = [`# CI results`, '', `Commit: ${input.sha}`, `Checked: ${input.time}`, ''];
  if (input.verdict.kind === 'none') {
    lines.push(
      'Outcome: no checks ran on this commit (the repository has no CI for this branch, or it was not triggered).',
      '',
    );
    return lines.join('\n');
  }
  const v = input.verdict;
  lines.push(
    `Outcome: ${v.passed ? 'passed' : `failed (${v.failed.length} of ${v.runs.length})`}`,
    '',
  );
  lines.push('| check | conclusion |', '| --- | --- |');
  for (const run of v.runs)
    lines.push(
      `| ${cleanName(run.name).replace(/\|/g, '\\|')} | ${word(run.conclusion ?? run.status)} |`,
    );
  lines.push('');
  for (const run of v.failed) {
    lines.push(`## ${cleanName(run.name)} — ${word(run.conclusion ?? 'failed')}`, '');
    const tail = input.tails.get(run.id);
    if (tail) lines.push(fencedLog(tail), '');
    else lines.push(`(no log available${run.url ? `; see ${cleanName(run.url)}` : ''})`, '');
  }
  return lines.join('\n');
}

// Check names and logs are written by whoever wrote the workflow or the code under test: they are
// cleaned like any untrusted text, and a log cannot close its code block early.

/** One line of visible text: no Markdown structure, nothing hidden, bounded. */
function cleanName(name: string): string {
  return cleanUntrusted(name, 200).text.replace(/\s+/g, ' ').trim() || '(unnamed)';
}

function word(value: string): string {
  return /^[a-z_]+$/.test(value) ? value : 'unknown';
}

/**
 * A log tail in a code block whose fence is longer than any run of backticks in it; invisible and
 * bidirectional-control characters are removed, as the sanitizer does.
 */
export function fencedLog(tail: string): string {
  const fence = (text: string) => '`'.repeat(Math.max(3, longestBackticks(text) + 1));
  // Through the sanitizer as a code block, so only its character-level cleaning applies.
  const cleaned = cleanUntrusted(`${fence(tail)}\n${tail}\n${fence(tail)}`, 1_000_000).text;
  const body = /^(`{3,})\n([\s\S]*)\n\1$/.exec(cleaned)?.[2] ?? '';
  return `${fence(body)}\n${body}\n${fence(body)}`;
}

function longestBackticks(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}

/** The commit a `_ci.md` reports on, to tell whether the code changed since. */
export function reportedCommit(report: string | null): string | undefined {
  return report ? /^Commit: ([0-9a-f]{7,40})$/m.exec(report)?.[1] : undefined;
}
