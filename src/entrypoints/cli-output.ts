// What the terminal shows: one line per event while a session runs, and at the end exactly what
// to do next.
import type { HistoryRecord } from '../core/history.js';
import { formatUsd } from '../core/money.js';
import { WAIT_LABELS } from '../core/iteration.js';
import type { ProgressEvent, RunResult } from '../app/run-session.js';
import { finishCommands, plural } from './cli-status.js';

export type Write = (line: string) => void;

const time = () => new Date().toISOString().slice(11, 19);

export function formatProgress(event: ProgressEvent): string {
  switch (event.type) {
    case 'iteration-start':
      return `[${time()}] #${event.iteration} ${event.phase} (phase iteration ${event.phaseIteration})${event.attempt > 1 ? ` attempt ${event.attempt}` : ''}`;
    case 'agent-activity':
      return `           · ${event.text}`;
    case 'agent-retry':
      return `           ↻ ${event.message}; retrying in ${(event.delayMs / 1000).toFixed(0)}s`;
    case 'agent-failover':
      return `           ⇄ ${event.from} failed (${event.reason}); running this iteration with ${event.to}`;
    case 'iteration-end': {
      const r = event.record;
      const facts = [
        `${(r.durationMs / 1000).toFixed(1)}s`,
        ...(r.turns !== undefined ? [`${r.turns} turns`] : []),
        ...(r.costUsd !== undefined ? [formatUsd(r.costUsd)] : []),
      ].join(', ');
      return `           ${r.outcome === 'blocked' ? '✗' : '✓'} ${r.signal ?? 'no signal'} → ${r.message} (${facts})`;
    }
    case 'warning':
      return `           ! ${event.message}`;
  }
}

export function nextSteps(
  result: RunResult,
  sessionDir: string,
  extra: { branch?: string; workDir?: string; repo?: string },
): string[] {
  const s = result.state;
  const name = s.name;
  switch (result.stop) {
    case 'waiting':
      if (s.waitingFor === 'qa_answers') {
        return [
          `Waiting for ${WAIT_LABELS.qa_answers}.`,
          `  Write each answer after "Answer:" in ${sessionDir}/_qa.md, then run:`,
          `    samocode answer ${name}`,
          `  or answer inline:  samocode answer ${name} --reply "Q1: A"`,
        ];
      }
      if (s.waitingFor === 'plan_approval') {
        return [
          `Waiting for ${WAIT_LABELS.plan_approval}.`,
          `  Read the plan in ${sessionDir} (listed under "## Files" in _overview.md), then run:`,
          `    samocode approve ${name}`,
          `  or send it back:  samocode revise ${name} --feedback "what should change"`,
        ];
      }
      return [
        `Waiting for ${WAIT_LABELS.human_action}.`,
        `  See "Next:" in ${sessionDir}/_overview.md; when it is done, run:  samocode resume ${name}`,
      ];
    case 'blocked':
      return [
        `Blocked: ${s.blocked?.reason ?? 'no reason given'}`,
        ...(s.blocked?.needs ? [`  Needs: ${s.blocked.needs}`] : []),
        `  Fix the cause, then run:  samocode resume ${name}`,
      ];
    case 'done':
      return [
        `Done: ${s.summary || '(no summary)'}`,
        ...(extra.branch
          ? [
              `  The work is on branch ${extra.branch}${extra.workDir ? ` (worktree ${extra.workDir})` : ''}.`,
              ...(extra.repo ? finishCommands(extra.repo, name, extra.branch) : []),
            ]
          : []),
      ];
    case 'run-limit':
      return [
        `Paused after ${plural(result.iterations, 'iteration')} this run.`,
        `  Continue with:  samocode resume ${name}`,
      ];
    case 'aborted':
      return [`Interrupted. Nothing is lost; continue with:  samocode resume ${name}`];
  }
}

export function historyTable(records: readonly HistoryRecord[]): string[] {
  const rows = records.map((r) =>
    r.kind === 'iteration'
      ? [
          r.time.slice(0, 19).replace('T', ' '),
          `#${r.iteration}`,
          r.phase,
          r.signal ?? '-',
          r.outcome,
          [r.agent, r.model].filter(Boolean).join(' ') || '-',
          r.message,
        ]
      : [
          r.time.slice(0, 19).replace('T', ' '),
          'person',
          r.phase,
          r.action,
          '',
          r.by ? `@${r.by}` : '',
          r.message,
        ],
  );
  const header = ['time', 'iter', 'phase', 'signal', 'outcome', 'by', 'message'];
  const all = [header, ...rows];
  const widths = header.map((_, i) =>
    i === header.length - 1 ? 0 : Math.max(...all.map((row) => (row[i] ?? '').length)),
  );
  return all.map((row) =>
    row
      .map((cell, i) => (widths[i] ? cell.padEnd(widths[i]) : cell))
      .join('  ')
      .trimEnd(),
  );
}

/** A terminal line redrawn in place under the event lines (only when stdout is a terminal). */
export interface LiveLine {
  show(text: string): void;
  clear(): void;
  /** Columns of the terminal. */
  width(): number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** `⠹ #3 implementation (2 in phase) · 1m05s · Edit src/x.ts`: what the agent is doing now. */
export function liveText(now: {
  iteration: number;
  phase: string;
  phaseIteration: number;
  elapsedMs: number;
  activity?: string;
  frame: number;
  /** The terminal's width: a long activity keeps its end (the file name) and loses its middle. */
  width?: number;
}): string {
  const seconds = Math.max(0, Math.floor(now.elapsedMs / 1000));
  const elapsed =
    seconds >= 60
      ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`
      : `${seconds}s`;
  const head = `${SPINNER[now.frame % SPINNER.length] ?? ''} #${now.iteration} ${now.phase} (${now.phaseIteration} in phase) · ${elapsed} · `;
  const activity = now.activity ?? 'starting the agent';
  const room = (now.width ?? Infinity) - 1 - head.length;
  if (activity.length <= room) return head + activity;
  if (room < 12) return (head + activity).slice(0, Math.max(0, (now.width ?? 0) - 1));
  // "Write /a/very/long/path/notes.txt" → "Write …/path/notes.txt"
  const space = activity.indexOf(' ');
  const verb = space > 0 && space < room / 2 ? activity.slice(0, space + 1) : '';
  return `${head}${verb}…${activity.slice(activity.length - (room - verb.length - 1))}`;
}

/**
 * Event lines as usual, plus one live line below them while an iteration runs: phase, iteration,
 * elapsed time and the agent's current tool, redrawn every second.
 */
export function liveProgress(
  live: LiveLine,
  write: Write,
  nowMs: () => number,
  width?: () => number,
): { event: (event: ProgressEvent) => void; stop: () => void } {
  let current:
    | { iteration: number; phase: string; phaseIteration: number; since: number; activity?: string }
    | undefined;
  let frame = 0;
  const draw = () => {
    if (!current) return;
    live.show(
      liveText({
        ...current,
        elapsedMs: nowMs() - current.since,
        frame: frame++,
        ...(current.activity ? { activity: current.activity } : {}),
        ...(width ? { width: width() } : {}),
      }),
    );
  };
  const timer = setInterval(draw, 1000);
  timer.unref();
  return {
    event(event) {
      live.clear();
      write(formatProgress(event));
      if (event.type === 'iteration-start') {
        current = {
          iteration: event.iteration,
          phase: event.phase,
          phaseIteration: event.phaseIteration,
          since: nowMs(),
        };
      } else if (event.type === 'agent-activity' && current) {
        current.activity = event.text;
      } else if (event.type === 'iteration-end') {
        current = undefined;
      }
      draw();
    },
    stop() {
      clearInterval(timer);
      live.clear();
    },
  };
}
