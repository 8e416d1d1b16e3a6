// `_overview.md`: the session's notebook. The agent owns it except for two lines the
// orchestrator keeps true: `Phase:` and `Total Iterations:`.
import type { Phase } from './phases.js';

export interface OverviewSeed {
  name: string;
  task: string;
  dive?: string;
  createdAt: string;
}

export function initialOverview(seed: OverviewSeed): string {
  const lines = [
    `# Session: ${seed.name}`,
    '',
    '## Status',
    'Phase: init',
    'Total Iterations: 0',
    'Blocked: no',
    'Last Action: session created',
    'Next: set up the session and start the investigation',
    '',
    '## Task',
    seed.task.trim(),
    '',
  ];
  if (seed.dive?.trim()) lines.push('## Dive', seed.dive.trim(), '');
  lines.push('## Flow Log', `- ${seed.createdAt} session created`, '', '## Files', '');
  return lines.join('\n');
}

const OWNED = {
  phase: /^Phase:.*$/m,
  iterations: /^Total Iterations:.*$/m,
  blocked: /^Blocked:.*$/m,
} as const;

/**
 * Rewrites the orchestrator-owned lines, adding them under `## Status` when the agent lost them.
 * `blocked` is set only when the orchestrator itself blocked or unblocked the session.
 */
export function syncOverview(
  text: string,
  status: { phase: Phase; iteration: number; blocked?: string },
): string {
  let out = text;
  const wanted: Array<[RegExp, string]> = [
    [OWNED.phase, `Phase: ${status.phase}`],
    [OWNED.iterations, `Total Iterations: ${status.iteration}`],
  ];
  if (status.blocked !== undefined) {
    wanted.push([OWNED.blocked, `Blocked: ${status.blocked.replace(/\s+/g, ' ')}`]);
  }
  const missing: string[] = [];
  for (const [pattern, line] of wanted) {
    if (pattern.test(out)) out = out.replace(pattern, line);
    else missing.push(line);
  }
  if (missing.length === 0) return out;
  const heading = /^## Status[ \t]*$/m.exec(out);
  if (heading) {
    const at = heading.index + heading[0].length;
    return `${out.slice(0, at)}\n${missing.join('\n')}${out.slice(at)}`;
  }
  return `## Status\n${missing.join('\n')}\n\n${out}`;
}

/** Reads a `Key: value` line of the Status section (e.g. `Last Action`, `Next`, `Blocked`). */
export function readStatusField(text: string, field: string): string | undefined {
  const escaped = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^(?:[-*]\\s*)?\\**${escaped}\\**:\\**\\s*(.*)$`, 'mi').exec(text);
  const value = match?.[1]?.trim();
  return value ? value : undefined;
}

/**
 * Adds a line at the end of the `## Flow Log` section, where the agent keeps its own entries, so a
 * person's actions sit in the same timeline. The section is added when the agent lost it.
 */
export function appendFlowLog(text: string, entry: string): string {
  const line = `- ${entry.replace(/\s+/g, ' ').trim()}`;
  const heading = /^## Flow Log[ \t]*$/m.exec(text);
  if (!heading) return `${text.replace(/\s*$/, '')}\n\n## Flow Log\n${line}\n`;
  const after = heading.index + heading[0].length;
  const nextSection = /^## /m.exec(text.slice(after));
  const end = nextSection ? after + nextSection.index : text.length;
  const body = text.slice(after, end).replace(/\s*$/, '');
  const rest = text.slice(end);
  return `${text.slice(0, after)}${body}\n${line}\n${rest ? `\n${rest}` : ''}`;
}

/**
 * An `_overview.md` rebuilt from the session's state when the file was lost: the task, where the
 * session stands, and the session's documents under `## Files`, so the agent can find its way back.
 */
export function rebuiltOverview(
  state: {
    name: string;
    task: string;
    dive?: string;
    createdAt: string;
    phase: Phase;
    iteration: number;
  },
  files: readonly string[],
  now: string,
): string {
  const text = initialOverview(state)
    .replace(/^Last Action:.*$/m, `Last Action: ${OVERVIEW_REBUILT}`)
    .replace(/^Next:.*$/m, `Next: read the files below and carry on with phase ${state.phase}`)
    .replace(/\n## Files\n$/, `\n## Files\n${files.map((f) => `- ${f}`).join('\n')}\n`);
  return appendFlowLog(
    syncOverview(text, { phase: state.phase, iteration: state.iteration }),
    `${now} ${OVERVIEW_REBUILT}`,
  );
}

export const OVERVIEW_REBUILT = '_overview.md was missing; rebuilt from _state.json';
