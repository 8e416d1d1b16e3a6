// The phase protocol: which phases exist, where each may lead, which signals each may send and
// how many iterations each may take. Everything the engine enforces about flow lives here.

export const PHASES = [
  'init',
  'investigation',
  'requirements',
  'planning',
  'implementation',
  'testing',
  'quality',
  'done',
] as const;
export type Phase = (typeof PHASES)[number];

export const SIGNAL_STATUSES = ['continue', 'done', 'blocked', 'waiting'] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];

export const WAIT_REASONS = ['qa_answers', 'plan_approval', 'human_action'] as const;
export type WaitReason = (typeof WAIT_REASONS)[number];

/** What a session may wait for: the agent's reasons, and CI, which only the orchestrator waits for. */
export const SESSION_WAITS = [...WAIT_REASONS, 'ci_checks'] as const;
export type SessionWait = (typeof SESSION_WAITS)[number];

/** Phases a `continue` signal may move to; staying in the same phase is always allowed. */
export const NEXT_PHASES: Readonly<Record<Phase, readonly Phase[]>> = {
  init: ['investigation'],
  investigation: ['requirements'],
  requirements: ['planning'],
  planning: ['implementation'],
  implementation: ['testing', 'quality'],
  testing: ['quality', 'done'],
  quality: ['testing', 'done'],
  done: [],
};

export const ALLOWED_SIGNALS: Readonly<Record<Phase, readonly SignalStatus[]>> = {
  init: ['continue', 'blocked'],
  investigation: ['continue', 'blocked'],
  requirements: ['continue', 'waiting', 'blocked'],
  planning: ['continue', 'waiting', 'blocked'],
  implementation: ['continue', 'waiting', 'blocked'],
  testing: ['continue', 'blocked'],
  quality: ['continue', 'blocked'],
  done: ['done', 'blocked'],
};

/** What a phase may wait for. A gate phase waits for its own gate; any waiting phase may ask a person to act. */
export const ALLOWED_WAITS: Readonly<Record<Phase, readonly WaitReason[]>> = {
  init: [],
  investigation: [],
  requirements: ['qa_answers', 'human_action'],
  planning: ['plan_approval', 'human_action'],
  implementation: ['human_action'],
  testing: [],
  quality: [],
  done: [],
};

export const PHASE_ITERATION_CAPS: Readonly<Record<Phase, number>> = {
  init: 5,
  investigation: 20,
  requirements: 10,
  planning: 10,
  implementation: 100,
  testing: 20,
  quality: 10,
  done: 3,
};

export const FIRST_PHASE: Phase = 'init';

export function isPhase(value: string): value is Phase {
  return (PHASES as readonly string[]).includes(value);
}

export function canMove(from: Phase, to: Phase): boolean {
  return from === to || NEXT_PHASES[from].includes(to);
}
