// What a person does to a session between runs: start it, answer its questions, approve or send
// back its plan, resume it. Each validates first and writes nothing when it does not apply.
import { parseReply } from '../core/answers.js';
import {
  acceptAnswers,
  approvePlan,
  requestPlanChanges,
  resumeSession,
  withdrawApproval,
} from '../core/gates.js';
import { pauseSession, rewindSession, setBudget, skipPhase } from '../core/steering.js';
import type { Phase } from '../core/phases.js';
import { appendFlowLog } from '../core/overview.js';
import type { GateResult } from '../core/gates.js';
import type { HumanRecord } from '../core/history.js';
import { initialOverview, rebuiltOverview } from '../core/overview.js';
import { parseQa, writeAnswers } from '../core/qa.js';
import { checkAnswers } from '../core/qa-gate.js';
import { findSession, sessionName, slugify } from '../core/session-name.js';
import { newSessionState, serializeSessionState } from '../core/session-state.js';
import type { SessionState } from '../core/session-state.js';
import type { Clock, SessionStore } from './ports.js';
import {
  FILES,
  SessionError,
  appendHistory,
  loadState,
  saveState,
  syncOverviewFile,
} from './session-files.js';

export interface StoreDeps {
  store: SessionStore;
  clock: Clock;
}

/**
 * The name a new session made now from `slug` gets: dated, with `-2`, `-3`… when taken. Known
 * before the session is made, so its task may name files inside its folder.
 */
export async function newSessionName(deps: StoreDeps, slugText: string): Promise<string> {
  const slug = slugify(slugText);
  if (!slug) {
    throw new SessionError(
      `cannot make a session name from ${JSON.stringify(slugText)}: use letters or digits`,
    );
  }
  const now = deps.clock.now();
  const existing = new Set(await deps.store.list());
  const base = sessionName(
    { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1, day: now.getUTCDate() },
    slug,
  );
  let name = base;
  for (let n = 2; existing.has(name); n++) name = `${base}-${n}`;
  return name;
}

export async function startSession(
  deps: StoreDeps,
  input: { task: string; dive?: string; slug?: string; name?: string },
): Promise<SessionState> {
  const task = input.task.trim();
  if (!task) throw new SessionError('the task is empty: describe the work with --task "..."');
  const name = input.name ?? (await newSessionName(deps, input.slug ?? task));
  const now = deps.clock.now();
  const state = newSessionState({
    name,
    task,
    ...(input.dive?.trim() ? { dive: input.dive.trim() } : {}),
    now: now.toISOString(),
  });
  await deps.store.create(name, {
    [FILES.state]: serializeSessionState(state),
    [FILES.overview]: initialOverview({
      name,
      task,
      ...(state.dive ? { dive: state.dive } : {}),
      createdAt: state.createdAt,
    }),
  });
  return state;
}

/** Finds a session by full name or slug (the newest `*-<slug>`); undefined when there is none. */
export async function findSessionName(
  store: SessionStore,
  wanted: string,
): Promise<string | undefined> {
  const names = await store.list();
  return findSession(names, wanted) ?? findSession(names, slugify(wanted));
}

export async function requireSession(store: SessionStore, wanted: string): Promise<string> {
  const name = await findSessionName(store, wanted);
  if (name) return name;
  const names = await store.list();
  const known =
    names.length > 0
      ? `known sessions: ${names.slice(-10).join(', ')}`
      : 'there are no sessions yet';
  throw new SessionError(`no session named "${wanted}" in ${store.dir('')} (${known})`);
}

export type AnswerOutcome =
  | { kind: 'accepted'; state: SessionState; recorded: number[]; unknown: number[] }
  | {
      kind: 'incomplete';
      state: SessionState;
      recorded: number[];
      missing: number[];
      unknown: number[];
    };

/**
 * Records answers. With `reply`, the reply is parsed and written into `_qa.md` first; without it,
 * `_qa.md` is expected to have been edited by hand. The gate passes only when every question has
 * an answer from a person — a slot still as the agent left it is not one (see core/qa-gate.ts);
 * a partial reply is kept and the session stays waiting.
 */
export async function answerQuestions(
  deps: StoreDeps,
  name: string,
  reply?: string,
  by?: string,
): Promise<AnswerOutcome> {
  const state = await loadState(deps.store, name);
  if (state.status !== 'waiting' || state.waitingFor !== 'qa_answers') {
    const result = acceptAnswers(state, deps.clock.now().toISOString());
    if (!result.ok) throw new SessionError(result.error);
  }
  const qaPath = `${deps.store.dir(name)}/${FILES.qa}`;
  let text = await deps.store.read(name, FILES.qa);
  if (text === null)
    throw new SessionError(`${qaPath} is missing: the agent asked no questions to answer`);
  const questions = parseQa(text);
  if (questions.length === 0) {
    throw new SessionError(
      `${qaPath} has no questions: expected headings like "## Q1: <question>"`,
    );
  }
  let recorded: number[] = [];
  let unknown: number[] = [];
  if (reply !== undefined) {
    const parsed = parseReply(reply, questions);
    unknown = parsed.unknown;
    recorded = [...parsed.answers.keys()];
    if (recorded.length === 0) {
      throw new SessionError(
        `no answers found in the reply: write one per line, like "Q1: A" or "1. B — because ...", ` +
          `for questions ${questions.map((q) => q.number).join(', ')}`,
      );
    }
    text = writeAnswers(text, parsed.answers);
    await deps.store.write(name, FILES.qa, text);
  }
  // Only what people wrote counts: a slot still as the agent left it is unanswered.
  const checked = checkAnswers(state, text, recorded);
  const time = deps.clock.now().toISOString();
  if (checked.missing.length > 0) {
    // The answers given so far are kept as people's, so the next reply need not repeat them.
    await saveState(deps.store, checked.state);
    return {
      kind: 'incomplete',
      state: checked.state,
      recorded,
      missing: checked.missing,
      unknown,
    };
  }
  const next = gateOrThrow(acceptAnswers(checked.state, time));
  await saveState(deps.store, next.state);
  await record(deps.store, next.state, 'answers', next.message, time, by);
  return { kind: 'accepted', state: next.state, recorded, unknown };
}

/**
 * The questions no person has answered yet in `_qa.md` (all of them while the file is as the agent
 * left it); empty when the file was already answered by hand, so no editor needs to open.
 */
export async function unansweredQuestions(deps: StoreDeps, name: string): Promise<number[]> {
  const state = await loadState(deps.store, name);
  const text = await deps.store.read(name, FILES.qa);
  if (text === null) return [];
  return checkAnswers(state, text).missing;
}

export async function approve(deps: StoreDeps, name: string, by?: string): Promise<SessionState> {
  return applyGate(deps, name, 'approve', approvePlan, undefined, by);
}

/** Closes the plan gate again: the approval that opened it was withdrawn before implementation ran. */
export async function withdraw(deps: StoreDeps, name: string, by?: string): Promise<SessionState> {
  return applyGate(deps, name, 'withdraw', withdrawApproval, undefined, by);
}

/** Steering: finish the current iteration, then wait for a person to resume. */
export async function pause(deps: StoreDeps, name: string, by?: string): Promise<SessionState> {
  return applyGate(deps, name, 'pause', pauseSession, undefined, by);
}

export async function rewind(
  deps: StoreDeps,
  name: string,
  to: Phase,
  by?: string,
): Promise<SessionState> {
  return applyGate(deps, name, 'rewind', (s, now) => rewindSession(s, to, now), undefined, by);
}

export async function skip(deps: StoreDeps, name: string, by?: string): Promise<SessionState> {
  return applyGate(deps, name, 'skip', skipPhase, undefined, by);
}

export async function budget(
  deps: StoreDeps,
  name: string,
  usd: number,
  by?: string,
): Promise<SessionState> {
  return applyGate(deps, name, 'budget', (s, now) => setBudget(s, usd, now), undefined, by);
}

export async function requestChanges(
  deps: StoreDeps,
  name: string,
  feedback: string,
  by?: string,
): Promise<SessionState> {
  if (!feedback.trim())
    throw new SessionError('the review is empty: say what should change in the plan');
  const state = await loadState(deps.store, name);
  const time = deps.clock.now().toISOString();
  const next = gateOrThrow(requestPlanChanges(state, time));
  await deps.store.write(
    name,
    FILES.review,
    `# Review of the plan (${time})\n\n${feedback.trim()}\n`,
  );
  await saveState(deps.store, next.state);
  await record(deps.store, next.state, 'changes', next.message, time, by);
  return next.state;
}

export async function resume(deps: StoreDeps, name: string, by?: string): Promise<SessionState> {
  const state = await loadState(deps.store, name);
  const next = await applyGate(deps, name, 'resume', resumeSession, state, by);
  const present =
    state.status === 'blocked'
      ? await syncOverviewFile(deps.store, next, 'no')
      : (await deps.store.read(name, FILES.overview)) !== null;
  if (!present) {
    // The agent lost it: running again without it would only block again, at an agent run's price.
    const documents = (await deps.store.listFiles(name)).filter(
      (f) => f.endsWith('.md') && !f.startsWith('_'),
    );
    await deps.store.write(
      name,
      FILES.overview,
      rebuiltOverview(next, documents.sort(), deps.clock.now().toISOString()),
    );
  }
  return next;
}

async function applyGate(
  deps: StoreDeps,
  name: string,
  action: HumanRecord['action'],
  gate: (state: SessionState, now: string) => GateResult,
  loaded?: SessionState,
  by?: string,
): Promise<SessionState> {
  const state = loaded ?? (await loadState(deps.store, name));
  const time = deps.clock.now().toISOString();
  const next = gateOrThrow(gate(state, time));
  await saveState(deps.store, next.state);
  await syncOverviewFile(deps.store, next.state);
  await record(deps.store, next.state, action, next.message, time, by);
  return next.state;
}

function gateOrThrow(result: GateResult): Extract<GateResult, { ok: true }> {
  if (!result.ok) throw new SessionError(result.error);
  return result;
}

async function record(
  store: SessionStore,
  state: SessionState,
  action: HumanRecord['action'],
  message: string,
  time: string,
  by?: string,
): Promise<void> {
  await appendHistory(store, state.name, {
    kind: 'human',
    time,
    action,
    phase: state.phase,
    message,
    ...(by ? { by } : {}),
  });
  // The agent reads the Flow Log, not the history: a person's action belongs in its timeline.
  const overview = await store.read(state.name, FILES.overview);
  if (overview !== null) {
    const who = by ? `@${by}` : 'a person';
    await store.write(
      state.name,
      FILES.overview,
      appendFlowLog(overview, `${time} ${who}: ${message}`),
    );
  }
}
