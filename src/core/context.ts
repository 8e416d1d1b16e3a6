// What the agent is told about where it is: appended to its system prompt and exported as
// environment variables, so both the model and any script it runs see the same facts.
import type { Phase } from './phases.js';

export interface IterationContext {
  sessionName: string;
  sessionDir: string;
  workDir: string;
  branch?: string;
  phase: Phase;
  iteration: number;
  phaseIteration: number;
  phaseCap: number;
  timeLimitSeconds: number;
  startedAt: string;
  now: string;
  task: string;
  dive?: string;
  /** The first iteration of a session carries the task and dive in full. */
  first: boolean;
}

export function sessionContext(ctx: IterationContext): string {
  const lines = [
    '# Samocode session context',
    `Session: ${ctx.sessionName}`,
    `Session folder: ${ctx.sessionDir}`,
    `Working directory (git worktree): ${ctx.workDir}`,
    ...(ctx.branch ? [`Branch: ${ctx.branch}`] : []),
    `Phase: ${ctx.phase} (iteration ${ctx.phaseIteration} of at most ${ctx.phaseCap} in this phase)`,
    `Total iteration: ${ctx.iteration}`,
    `Time limit for this iteration: ${ctx.timeLimitSeconds} seconds`,
    `Session started: ${ctx.startedAt}`,
    `Now: ${ctx.now}`,
  ];
  if (ctx.first) {
    lines.push('', '## Task', ctx.task.trim() || '(no task given)');
    if (ctx.dive?.trim()) lines.push('', '## Dive topic', ctx.dive.trim());
  }
  return lines.join('\n');
}

export function contextEnv(ctx: IterationContext): Record<string, string> {
  return {
    SAMOCODE_SESSION: ctx.sessionName,
    SAMOCODE_SESSION_DIR: ctx.sessionDir,
    SAMOCODE_WORK_DIR: ctx.workDir,
    SAMOCODE_PHASE: ctx.phase,
    SAMOCODE_ITERATION: String(ctx.iteration),
    SAMOCODE_PHASE_ITERATION: String(ctx.phaseIteration),
  };
}
