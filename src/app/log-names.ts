import type { Phase } from '../core/phases.js';

/** `_logs/<YYMMDD-HHMMSS>-<NNN>-<phase>[-retryN].jsonl`: sorted by time, easy to match to history. */
export function logFileName(now: Date, iteration: number, phase: Phase, attempt: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp =
    `${p(now.getUTCFullYear() % 100)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-` +
    `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  const retry = attempt > 1 ? `-retry${attempt - 1}` : '';
  return `${stamp}-${p(iteration, 3)}-${phase}${retry}.jsonl`;
}
