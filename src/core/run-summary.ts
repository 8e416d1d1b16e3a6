// The job summary of one Action run: what each iteration did, the session's path through the
// phases so far (as a Mermaid diagram GitHub draws), totals and where the session stands.
import type { HistoryRecord, IterationRecord } from './history.js';
import { formatUsd } from './money.js';
import type { Phase } from './phases.js';
import type { SessionState } from './session-state.js';
import { whatToDo } from './github-render.js';

/** The phases the session went through, in order, each transition once per visit. */
export function phasePath(history: readonly HistoryRecord[]): Phase[] {
  const path: Phase[] = [];
  for (const record of history) {
    const phases = record.kind === 'iteration' ? [record.phase, record.nextPhase] : [record.phase];
    for (const phase of phases) if (path.at(-1) !== phase) path.push(phase);
  }
  return path;
}

export function pathDiagram(path: readonly Phase[]): string {
  if (path.length === 0) return '';
  const edges = new Set<string>();
  for (let i = 1; i < path.length; i++) edges.add(`  ${path[i - 1]} --> ${path[i]}`);
  const body = edges.size > 0 ? [...edges] : [`  ${path[0]}`];
  return ['```mermaid', 'flowchart LR', ...body, '```'].join('\n');
}

function agentCell(r: IterationRecord): string {
  if (!r.agent) return '–';
  const name = r.model ? `${r.agent} (${r.model})` : r.agent;
  return r.failover?.length ? `${name} — ${describeFailover(r)}` : name;
}

/** "after claude failed: API error 529 …", for the summary and the status comment. */
export function describeFailover(r: IterationRecord): string {
  return (r.failover ?? [])
    .map((f) => `after ${f.agent} failed: ${f.reason.replace(/\s+/g, ' ').slice(0, 200)}`)
    .join('; ');
}

export function runSummary(
  state: SessionState,
  thisRun: readonly IterationRecord[],
  history: readonly HistoryRecord[],
): string {
  const rows = thisRun.map(
    (r) =>
      `| #${r.iteration} | ${r.phase}${r.nextPhase !== r.phase ? ` → ${r.nextPhase}` : ''} | ${r.signal ?? '–'} | ${(r.durationMs / 1000).toFixed(1)} s | ${r.turns ?? '–'} | ${r.costUsd !== undefined ? formatUsd(r.costUsd) : '–'} | ${agentCell(r)} |`,
  );
  const runCost = thisRun.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
  const t = state.totals;
  return [
    `### Samocode · \`${state.name}\``,
    '',
    `**${whatToDo(state)}**`,
    '',
    ...(rows.length > 0
      ? [
          '| iteration | phase | signal | duration | turns | cost | agent |',
          '| --- | --- | --- | --- | --- | --- | --- |',
          ...rows,
          '',
        ]
      : ['No iterations ran in this run.', '']),
    `This run: ${thisRun.length} iterations, ${formatUsd(runCost)}. Session: ${state.iteration} iterations, ${t.turns} turns, ${(t.inputTokens + t.outputTokens).toLocaleString('en-US')} tokens, ${formatUsd(t.costUsd)}.`,
    '',
    pathDiagram(phasePath(history)),
  ].join('\n');
}

/** The session as data, for the steps after the action (the summary-file output). */
export function sessionSummary(
  state: SessionState,
  thisRun: readonly IterationRecord[],
  history: readonly HistoryRecord[],
  where: { branch: string; pr?: { number: number; url: string } },
): Record<string, unknown> {
  return {
    session: state.name,
    task: state.task,
    status: state.status,
    phase: state.phase,
    ...(state.waitingFor ? { waitingFor: state.waitingFor } : {}),
    ...(state.blocked ? { blocked: state.blocked } : {}),
    ...(state.summary ? { summary: state.summary } : {}),
    branch: where.branch,
    ...(where.pr ? { pullRequest: where.pr } : {}),
    iterations: state.iteration,
    phaseIterations: state.phaseIterations,
    phases: phasePath(history),
    totals: state.totals,
    thisRun: thisRun.map((r) => ({
      iteration: r.iteration,
      phase: r.phase,
      nextPhase: r.nextPhase,
      signal: r.signal,
      outcome: r.outcome,
      durationMs: r.durationMs,
      ...(r.costUsd !== undefined ? { costUsd: r.costUsd } : {}),
      ...(r.agent ? { agent: r.agent } : {}),
      ...(r.model ? { model: r.model } : {}),
      ...(r.agentSessionId ? { agentSessionId: r.agentSessionId } : {}),
      ...(r.failover?.length ? { failover: r.failover } : {}),
    })),
  };
}

/** The agents' own session ids of an iteration: the fallbacks' left behind first, then its own. */
export function agentSessionIds(record: IterationRecord | undefined): string[] {
  if (!record) return [];
  return [
    ...(record.failover ?? []).flatMap((f) => (f.sessionId ? [f.sessionId] : [])),
    ...(record.agentSessionId ? [record.agentSessionId] : []),
  ];
}
