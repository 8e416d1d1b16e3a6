// The loop: load → decide → run one agent iteration → judge its signal → persist → repeat, until
// a gate, done, blocked, the run's own limit, or an abort. Both entrypoints call this.
import { isFailoverable, isRetryable, retryDelayMs } from '../core/agent-retry.js';
import { contextEnv, sessionContext } from '../core/context.js';
import type { IterationRecord } from '../core/history.js';
import { beginIteration, block, judgeIteration, planNextIteration } from '../core/iteration.js';
import type { IterationVerdict, Limits } from '../core/iteration.js';
import { readStatusField } from '../core/overview.js';
import { markQuestionsAsked } from '../core/qa-gate.js';
import { PHASE_ITERATION_CAPS } from '../core/phases.js';
import type { Phase } from '../core/phases.js';
import { phaseIterationsOf } from '../core/session-state.js';
import type { SessionState } from '../core/session-state.js';
import { FILES, appendHistory, loadState, saveState, syncOverviewFile } from './session-files.js';
import { iterationPrompt } from './prompts.js';
import type { Prompts } from './prompts.js';
import type { Agent, AgentResult, Clock, Git, Notifier, SessionStore } from './ports.js';
import { logFileName } from './log-names.js';

export interface SessionDeps {
  agent: Agent;
  /** Tried in order when an iteration fails in a way another agent could pass (fallback-agents). */
  fallbackAgents?: Agent[];
  store: SessionStore;
  git: Git;
  clock: Clock;
  notifier: Notifier;
  prompts: Prompts;
}

export interface RunOptions {
  session: string;
  workDir: string;
  branch?: string;
  timeoutMs: number;
  /** Silence from the agent after which it is stopped and the iteration retried. */
  stallMs?: number;
  /** Extra attempts for an agent failure that can pass (API overload, crash without result). */
  maxRetries: number;
  retryDelayMs: number;
  limits: Limits;
  /** Stop after this many iterations in this run, leaving the session running. */
  maxIterations?: number;
  /** Stop this run once it has lasted this long (checked between iterations), leaving the session running. */
  maxRunMs?: number;
  /** Commit the work tree after every iteration (default true). */
  commit?: boolean;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  hooks?: RunHooks;
}

/** Where a host (the Action) plugs into the loop's boundaries. */
export interface RunHooks {
  /** Saves the iteration (default: commit the work tree); a failure blocks the session. */
  save?: (message: string) => Promise<void>;
  /**
   * Asked before every iteration after the first of a run, for what people asked meanwhile. When
   * that changed the session, it returns the new state (already written to the session folder) and
   * a few words for the commit; the loop goes on from that state — or stops, if it no longer runs.
   */
  between?: (state: SessionState) => Promise<{ state: SessionState; message: string } | undefined>;
  /** Told after every iteration (e.g. to update a status comment); failures are only reported. */
  afterIteration?: (state: SessionState, record: IterationRecord) => Promise<void>;
}

export type ProgressEvent =
  | {
      type: 'iteration-start';
      iteration: number;
      phase: Phase;
      phaseIteration: number;
      attempt: number;
    }
  | { type: 'agent-activity'; text: string }
  | { type: 'agent-retry'; attempt: number; delayMs: number; message: string }
  | { type: 'agent-failover'; from: string; to: string; reason: string }
  | { type: 'iteration-end'; record: IterationRecord }
  | { type: 'warning'; message: string };

export type StopReason = 'waiting' | 'blocked' | 'done' | 'run-limit' | 'aborted';

export interface RunResult {
  state: SessionState;
  stop: StopReason;
  iterations: number;
}

export async function runSession(deps: SessionDeps, options: RunOptions): Promise<RunResult> {
  const { store, clock } = deps;
  const progress = options.onProgress ?? (() => undefined);
  const iso = () => clock.now().toISOString();
  let state = await loadState(store, options.session);
  let ran = 0;
  const startedAt = clock.now().getTime();

  const finish = (stop: StopReason): RunResult => ({ state, stop, iterations: ran });

  while (true) {
    if (options.signal?.aborted) return finish('aborted');
    if (state.status !== 'running')
      return finish(state.status === 'waiting' ? 'waiting' : state.status);
    if (options.maxIterations !== undefined && ran >= options.maxIterations) {
      return finish('run-limit');
    }
    if (
      options.maxRunMs !== undefined &&
      ran > 0 &&
      clock.now().getTime() - startedAt >= options.maxRunMs
    ) {
      return finish('run-limit');
    }
    if (ran > 0 && options.hooks?.between) {
      // People may have steered the session during the last iteration (stop, pause, rewind …).
      const steered = await options.hooks.between(state);
      if (steered) {
        state = steered.state;
        try {
          await save(deps, options, `samocode: ${state.name} ${steered.message}\n`);
        } catch (error) {
          // As for an iteration: what cannot be saved (or pushed) blocks the session, saying why.
          const reason = `could not save the session: ${(error as Error).message}`;
          state = block(state, 'git', reason, iso());
          await saveState(store, state);
          await syncOverviewFile(store, state, `yes — ${reason}`);
          await notify(deps, progress, state, `blocked: ${reason}`);
          return finish('blocked');
        }
        continue;
      }
    }

    const next = planNextIteration(state, options.limits, iso());
    if (next.kind === 'stop') return finish('run-limit');
    if (next.kind === 'block') {
      state = next.state;
      await saveState(store, state);
      await appendHistory(store, state.name, {
        kind: 'human',
        time: iso(),
        action: 'blocked',
        phase: state.phase,
        message: state.blocked?.reason ?? 'blocked',
      });
      await syncOverviewFile(store, state, `yes — ${state.blocked?.reason ?? ''}`);
      await notify(deps, progress, state, `blocked: ${state.blocked?.reason ?? ''}`);
      return finish('blocked');
    }

    state = beginIteration(state, iso());
    await saveState(store, state);
    await syncOverviewFile(store, state);

    const phase = state.phase;
    const { result, attempts, logFile, failover } = await runAgents(deps, options, state, progress);
    ran += 1;

    if (!result.ok && result.failure.kind === 'aborted') {
      const record = iterationRecord(
        state,
        phase,
        null,
        'aborted',
        'interrupted; the iteration will run again',
        result,
        attempts,
        logFile,
        iso(),
        failover,
      );
      await appendHistory(store, state.name, record);
      progress({ type: 'iteration-end', record });
      return finish('aborted');
    }

    const signalText = await store.read(state.name, FILES.signal);
    let verdict = judgeIteration(state, {
      agent: {
        ok: result.ok,
        ...(result.ok ? {} : { error: result.message }),
        ...numbers(result),
        durationMs: result.durationMs,
      },
      signalText,
      now: iso(),
    });
    if (verdict.outcome !== 'blocked' && !(await syncOverviewFile(store, verdict.state))) {
      verdict = {
        ...verdict,
        state: block(
          verdict.state,
          'protocol',
          `${FILES.overview} is missing: the agent removed or renamed it`,
        ),
        outcome: 'blocked',
        message: `blocked: ${FILES.overview} is missing`,
      };
    }
    state = verdict.state;
    if (state.status === 'waiting' && state.waitingFor === 'qa_answers') {
      // What the agent left in each answer slot is not an answer; only a person's change is.
      state = markQuestionsAsked(state, (await store.read(state.name, FILES.qa)) ?? '');
    }
    if (verdict.outcome === 'blocked') {
      await syncOverviewFile(store, state, `yes — ${state.blocked?.reason ?? ''}`);
    }
    await saveState(store, state);
    const record = iterationRecord(
      state,
      phase,
      verdict.signal?.status ?? null,
      verdict.outcome,
      verdict.message,
      result,
      attempts,
      logFile,
      iso(),
      failover,
    );
    await appendHistory(store, state.name, record);

    if (options.commit !== false) {
      const committed = await commitIteration(deps, options, state, phase, verdict);
      if (!committed.ok) {
        state = block(state, 'git', committed.error, iso());
        await saveState(store, state);
        await syncOverviewFile(store, state, `yes — ${committed.error}`);
      }
    }
    progress({ type: 'iteration-end', record });
    if (options.hooks?.afterIteration) {
      try {
        await options.hooks.afterIteration(state, record);
      } catch (error) {
        progress({
          type: 'warning',
          message: `after-iteration step failed: ${(error as Error).message}`,
        });
      }
    }

    if (state.status !== 'running') {
      await notify(deps, progress, state, describe(state, verdict));
      return finish(state.status);
    }
  }
}

interface AgentOutcome {
  result: AgentResult;
  attempts: number;
  logFile: string;
  failover: NonNullable<IterationRecord['failover']>;
}

/**
 * The iteration with the session's agent and, when it fails in a way another vendor's agent could
 * pass, with each of fallback-agents in turn. The next iteration tries the first again.
 */
async function runAgents(
  deps: SessionDeps,
  options: RunOptions,
  state: SessionState,
  progress: (event: ProgressEvent) => void,
): Promise<AgentOutcome> {
  const agents = [deps.agent, ...(deps.fallbackAgents ?? [])];
  const failover: AgentOutcome['failover'] = [];
  let attempts = 0;
  for (const [index, agent] of agents.entries()) {
    const outcome = await runAgent(deps, agent, attempts, options, state, progress);
    attempts = outcome.attempts;
    const next = agents[index + 1];
    const { result } = outcome;
    if (result.ok || !next || !isFailoverable(result.failure)) return { ...outcome, failover };
    const name = result.stats.agent ?? agent.name;
    failover.push({
      agent: name,
      reason: result.message,
      ...(result.stats.sessionId ? { sessionId: result.stats.sessionId } : {}),
    });
    progress({ type: 'agent-failover', from: name, to: next.name, reason: result.message });
  }
  throw new Error('unreachable: the last agent returns');
}

async function runAgent(
  deps: SessionDeps,
  agent: Agent,
  attemptsBefore: number,
  options: RunOptions,
  state: SessionState,
  progress: (event: ProgressEvent) => void,
): Promise<{ result: AgentResult; attempts: number; logFile: string }> {
  const { store, clock, prompts } = deps;
  const dir = store.dir(state.name);
  const phaseIteration = phaseIterationsOf(state);
  const caps = options.limits.caps ?? PHASE_ITERATION_CAPS;
  const notes =
    state.missingSignals > 0
      ? [
          'The previous iteration ended without writing _signal.json. Finish the step you are on, ' +
            'then write the signal: the session blocks if this happens again.',
        ]
      : [];
  for (let tries = 1; ; tries++) {
    // Attempts count on across agents: each has its own log file.
    const attempt = attemptsBefore + tries;
    progress({
      type: 'iteration-start',
      iteration: state.iteration,
      phase: state.phase,
      phaseIteration,
      attempt,
    });
    await store.remove(state.name, FILES.signal);
    const now = clock.now();
    // An agent (or the phase's) own limit, and the agent is told the limit it really has.
    const timeoutMs = agent.timeoutFor?.(state.phase) ?? options.timeoutMs;
    const ctx = {
      sessionName: state.name,
      sessionDir: dir,
      workDir: options.workDir,
      ...(options.branch ? { branch: options.branch } : {}),
      phase: state.phase,
      iteration: state.iteration,
      phaseIteration,
      phaseCap: caps[state.phase],
      timeLimitSeconds: Math.round(timeoutMs / 1000),
      startedAt: state.createdAt,
      now: now.toISOString(),
      task: state.task,
      ...(state.dive ? { dive: state.dive } : {}),
      first: state.iteration === 1,
    };
    const logFile = `${dir}/${FILES.logs}/${logFileName(now, state.iteration, state.phase, attempt)}`;
    const result = await agent.run({
      phase: state.phase,
      prompt: iterationPrompt(prompts, state.phase, notes, now),
      context: sessionContext(ctx),
      cwd: options.workDir,
      env: contextEnv(ctx),
      timeoutMs,
      ...(options.stallMs ? { stallMs: options.stallMs } : {}),
      logFile,
      ...(options.signal ? { signal: options.signal } : {}),
      onActivity: (text) => progress({ type: 'agent-activity', text }),
    });
    if (result.ok || !isRetryable(result.failure) || tries > options.maxRetries) {
      return { result, attempts: attempt, logFile };
    }
    const delayMs = retryDelayMs(tries, options.retryDelayMs);
    progress({ type: 'agent-retry', attempt: tries, delayMs, message: result.message });
    await clock.sleep(delayMs, options.signal);
    if (options.signal?.aborted)
      return { result: { ...result, failure: { kind: 'aborted' } }, attempts: attempt, logFile };
  }
}

function numbers(result: AgentResult) {
  const s = result.stats;
  return {
    ...(s.costUsd !== undefined ? { costUsd: s.costUsd } : {}),
    ...(s.turns !== undefined ? { turns: s.turns } : {}),
    ...(s.inputTokens !== undefined ? { inputTokens: s.inputTokens } : {}),
    ...(s.outputTokens !== undefined ? { outputTokens: s.outputTokens } : {}),
  };
}

function iterationRecord(
  state: SessionState,
  phase: Phase,
  signal: IterationRecord['signal'],
  outcome: IterationRecord['outcome'],
  message: string,
  result: AgentResult,
  attempts: number,
  logFile: string,
  time: string,
  failover: IterationRecord['failover'] = [],
): IterationRecord {
  return {
    kind: 'iteration',
    time,
    iteration: state.iteration,
    phase,
    nextPhase: state.phase,
    signal,
    outcome,
    message,
    attempts,
    durationMs: result.durationMs,
    log: logFile.slice(logFile.lastIndexOf('/') + 1),
    ...numbers(result),
    ...(result.stats.sessionId ? { agentSessionId: result.stats.sessionId } : {}),
    ...(result.stats.agent ? { agent: result.stats.agent } : {}),
    ...(result.stats.model ? { model: result.stats.model } : {}),
    ...(failover.length ? { failover } : {}),
  };
}

async function commitIteration(
  deps: SessionDeps,
  options: RunOptions,
  state: SessionState,
  phase: Phase,
  verdict: IterationVerdict,
): Promise<{ ok: true } | { ok: false; error: string }> {
  // The agent does not commit (in the sandbox it cannot): what it says it did is the message.
  const overview = await deps.store.read(state.name, FILES.overview).catch(() => null);
  const lastAction = overview ? readStatusField(overview, 'Last Action') : undefined;
  const message =
    `samocode: ${state.name} #${state.iteration} ${phase} → ${verdict.outcome}\n\n` +
    (lastAction ? `${lastAction.slice(0, 2_000)}\n\n` : '') +
    `${verdict.message}\n`;
  try {
    await save(deps, options, message);
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      error: `could not save the iteration: ${(error as Error).message}`,
    };
  }
}

async function save(deps: SessionDeps, options: RunOptions, message: string): Promise<void> {
  if (options.commit === false) return;
  if (options.hooks?.save) await options.hooks.save(message);
  else await deps.git.commitAll(options.workDir, message);
}

function describe(state: SessionState, verdict: IterationVerdict): string {
  if (state.status === 'done') return `done: ${state.summary || '(no summary)'}`;
  if (state.status === 'blocked') return `blocked: ${state.blocked?.reason ?? verdict.message}`;
  return verdict.message;
}

async function notify(
  deps: SessionDeps,
  progress: (event: ProgressEvent) => void,
  state: SessionState,
  message: string,
): Promise<void> {
  const kind = state.status === 'running' ? 'error' : state.status;
  try {
    await deps.notifier.notify({
      kind,
      session: state.name,
      phase: state.phase,
      status: state.status,
      message,
    });
  } catch (error) {
    // A notification is a courtesy: its failure is reported and the session goes on.
    progress({ type: 'warning', message: `notification failed: ${(error as Error).message}` });
  }
}
