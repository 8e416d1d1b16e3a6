// The time stamps the agent puts in artifact names and Flow Log lines. The engine computes them from
// its clock and hands them to the agent, so an iteration's files share one stamp in UTC and no agent
// has to run `date` (whose zone and format vary). Names stay portable: no `:` (Windows checkouts
// refuse it), and they sort by time across years, so the newest plan is the last one by name.

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYMMDD-HHmm` in UTC, e.g. `261128-0407`: the prefix of every artifact name. */
export function artifactStamp(now: Date): string {
  return (
    `${pad(now.getUTCFullYear() % 100)}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}-` +
    `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}`
  );
}

/** ISO 8601 to the minute in UTC, e.g. `2026-11-28T04:07Z`: the time of a Flow Log line. */
export function logTime(now: Date): string {
  return `${now.toISOString().slice(0, 16)}Z`;
}
