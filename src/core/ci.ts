// CI in the loop: what the checks of a session commit say, and the `_ci.md` the testing agent
// reads. Pure: the app fetches check runs and job logs, this decides and writes the text.

export interface CheckRun {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  /** The app that ran it (e.g. `github-actions`), whose job logs can be fetched. */
  app?: string;
  url?: string;
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
    lines.push(`| ${run.name.replace(/\|/g, '\\|')} | ${run.conclusion ?? run.status} |`);
  lines.push('');
  for (const run of v.failed) {
    lines.push(`## ${run.name} — ${run.conclusion ?? 'failed'}`, '');
    const tail = input.tails.get(run.id);
    if (tail) lines.push('```', tail, '```', '');
    else lines.push(`(no log available${run.url ? `; see ${run.url}` : ''})`, '');
  }
  return lines.join('\n');
}

/** The commit a `_ci.md` reports on, to tell whether the code changed since. */
export function reportedCommit(report: string | null): string | undefined {
  return report ? /^Commit: ([0-9a-f]{7,40})$/m.exec(report)?.[1] : undefined;
}
