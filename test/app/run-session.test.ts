import { describe, expect, it } from 'vitest';
import { bundledPrompts } from '../../src/app/prompts.js';
import { runSession } from '../../src/app/run-session.js';
import type { ProgressEvent, RunOptions } from '../../src/app/run-session.js';
import {
  answerQuestions,
  approve,
  requestChanges,
  resume,
  startSession,
} from '../../src/app/session-actions.js';
import { parseHistory } from '../../src/core/history.js';
import type { IterationRecord } from '../../src/core/history.js';
import { parseSessionState } from '../../src/core/session-state.js';
import { PHASE_ITERATION_CAPS } from '../../src/core/phases.js';
import {
  manualClock,
  memoryStore,
  recordingGit,
  recordingNotifier,
  scriptedAgent,
  signal,
} from '../support/fakes.js';
import type { AgentStep } from '../support/fakes.js';

async function setup(steps: AgentStep[], notifierFails = false) {
  const store = memoryStore();
  const clock = manualClock();
  const state = await startSession({ store, clock }, { task: 'Add a greeting', dive: 'the cli' });
  const agent = scriptedAgent(store, () => state.name, steps);
  const git = recordingGit();
  const notifier = recordingNotifier(notifierFails);
  const events: ProgressEvent[] = [];
  const options: RunOptions = {
    session: state.name,
    workDir: '/work/tree',
    branch: 'samocode/add-a-greeting',
    timeoutMs: 60_000,
    maxRetries: 2,
    retryDelayMs: 1_000,
    limits: { caps: PHASE_ITERATION_CAPS },
    onProgress: (e) => events.push(e),
  };
  const deps = { agent, store, git, clock, notifier, prompts: bundledPrompts };
  const file = async (name: string) => (await store.read(state.name, name)) ?? '';
  const history = async () => parseHistory(await file('_signal_history.jsonl'));
  const saved = async () => {
    const parsed = parseSessionState(await file('_state.json'));
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.state;
  };
  return {
    store,
    clock,
    agent,
    git,
    notifier,
    events,
    options,
    deps,
    name: state.name,
    file,
    history,
    saved,
  };
}

describe('runSession', () => {
  it('walks a session through both gates to done', async () => {
    const t = await setup([
      signal({ status: 'continue', phase: 'investigation' }),
      signal({ status: 'continue', phase: 'requirements' }),
      async (_run, write) => {
        await write('_qa.md', '## Q1: Formal?\n- A) yes\n- B) no\nSuggestion: B\n\nAnswer:\n');
        await write('_signal.json', JSON.stringify({ status: 'waiting', for: 'qa_answers' }));
      },
      signal({ status: 'continue', phase: 'planning' }),
      signal({ status: 'waiting', for: 'plan_approval', phase: 'planning' }),
      signal({ status: 'waiting', for: 'plan_approval', phase: 'planning' }),
      signal({ status: 'continue', phase: 'testing' }),
      signal({ status: 'continue', phase: 'quality' }),
      signal({ status: 'continue', phase: 'done' }),
      signal({ status: 'done', summary: 'greeting added' }),
    ]);
    const deps = { store: t.store, clock: t.clock };

    let result = await runSession(t.deps, t.options);
    expect(result).toMatchObject({
      stop: 'waiting',
      iterations: 3,
      state: { phase: 'requirements', waitingFor: 'qa_answers' },
    });
    expect(t.notifier.sent.map((n) => n.kind)).toEqual(['waiting']);

    const answered = await answerQuestions(deps, t.name, 'B');
    expect(answered.kind).toBe('accepted');
    expect(await t.file('_qa.md')).toContain('Answer: B) no');

    result = await runSession(t.deps, t.options);
    expect(result).toMatchObject({
      stop: 'waiting',
      iterations: 2,
      state: { phase: 'planning', waitingFor: 'plan_approval' },
    });

    await requestChanges(deps, t.name, 'Use a config flag');
    expect(await t.file('_review.md')).toContain('Use a config flag');
    result = await runSession(t.deps, t.options);
    expect(result).toMatchObject({ stop: 'waiting', iterations: 1, state: { phase: 'planning' } });

    await approve(deps, t.name);
    result = await runSession(t.deps, t.options);
    expect(result).toMatchObject({
      stop: 'done',
      iterations: 4,
      state: { status: 'done', phase: 'done', summary: 'greeting added', iteration: 10 },
    });

    const history = await t.history();
    const iterations = history.filter((r): r is IterationRecord => r.kind === 'iteration');
    expect(iterations.map((r) => `${r.phase}:${r.signal}`)).toEqual([
      'init:continue',
      'investigation:continue',
      'requirements:waiting',
      'requirements:continue',
      'planning:waiting',
      'planning:waiting',
      'implementation:continue',
      'testing:continue',
      'quality:continue',
      'done:done',
    ]);
    expect(
      history.filter((r) => r.kind === 'human').map((r) => r.kind === 'human' && r.action),
    ).toEqual(['answers', 'changes', 'approve']);
    expect(t.git.commits).toHaveLength(10);
    expect(t.git.commits[0]?.message).toMatch(/^samocode: \S+ #1 init → continue/);
    expect(await t.file('_overview.md')).toContain('Phase: done\nTotal Iterations: 10');
    expect((await t.saved()).totals).toMatchObject({ agentRuns: 10, turns: 10 });
    expect((await t.saved()).totals.costUsd).toBeCloseTo(0.1);
  });

  it('tells the agent where it is, in the prompt, the system prompt and the environment', async () => {
    const t = await setup([
      signal({ status: 'continue', phase: 'investigation' }),
      signal({ status: 'blocked', reason: 'stop here' }),
    ]);
    await runSession(t.deps, t.options);
    const [first, second] = t.agent.runs;
    expect(first?.prompt).toContain('# Phase: init');
    expect(first?.prompt).toContain('Always end by writing `_signal.json`');
    expect(first?.context).toContain(`Session folder: /sessions/${t.name}`);
    expect(first?.context).toContain('Phase: init (iteration 1 of at most 5 in this phase)');
    expect(first?.context).toContain('## Task\nAdd a greeting');
    expect(first?.context).toContain('## Dive topic\nthe cli');
    expect(second?.prompt).toContain('# Phase: investigation');
    expect(second?.context).not.toContain('## Task');
    expect(second?.env).toMatchObject({
      SAMOCODE_PHASE: 'investigation',
      SAMOCODE_ITERATION: '2',
      SAMOCODE_SESSION_DIR: `/sessions/${t.name}`,
    });
    expect(second?.cwd).toBe('/work/tree');
    expect(second?.logFile).toMatch(
      new RegExp(`^/sessions/${t.name}/_logs/\\d{6}-\\d{6}-002-investigation\\.jsonl$`),
    );
  });

  it('runs an iteration without a signal once more with a reminder, then blocks', async () => {
    const t = await setup([async () => undefined, async () => undefined]);
    const result = await runSession(t.deps, t.options);
    expect(result.stop).toBe('blocked');
    expect(result.state.blocked?.reason).toBe(
      'the agent ended two iterations in a row without writing _signal.json',
    );
    expect(t.agent.runs[0]?.prompt).not.toContain('without writing _signal.json');
    expect(t.agent.runs[1]?.prompt).toContain(
      'The previous iteration ended without writing _signal.json',
    );
    expect((await t.history()).map((r) => r.kind === 'iteration' && r.outcome)).toEqual([
      'retry-missing-signal',
      'blocked',
    ]);
    expect(await t.file('_overview.md')).toContain('Blocked: yes — the agent ended two iterations');
  });

  it('clears the previous signal before each iteration so an old one is never read twice', async () => {
    const t = await setup([
      signal({ status: 'continue', phase: 'investigation' }),
      async () => undefined,
      async () => undefined,
    ]);
    const result = await runSession(t.deps, t.options);
    expect(result.state.blocked?.reason).toMatch(/without writing _signal\.json/);
  });

  it('retries failures that can pass with growing delays, then blocks with the reason', async () => {
    const overloaded = async () =>
      ({
        ok: false,
        failure: { kind: 'api', apiStatus: 529 },
        message: 'API error 529: Overloaded',
      }) as const;
    const t = await setup([overloaded, overloaded, overloaded]);
    const result = await runSession(t.deps, t.options);
    expect(t.agent.runs).toHaveLength(3);
    expect(t.clock.sleeps).toEqual([1_000, 2_000]);
    expect(result.state.blocked).toEqual({
      kind: 'agent-error',
      reason: 'agent failed: API error 529: Overloaded',
    });
    expect(t.events.filter((e) => e.type === 'agent-retry')).toHaveLength(2);
    const [record] = await t.history();
    expect(record).toMatchObject({ kind: 'iteration', attempts: 3, outcome: 'blocked' });
    expect(t.agent.runs[2]?.logFile).toMatch(/-001-init-retry2\.jsonl$/);
  });

  it('recovers when a retry succeeds', async () => {
    const t = await setup([
      async () =>
        ({
          ok: false,
          failure: { kind: 'no-result' },
          message: 'exited with code 1 without a result',
        }) as const,
      signal({ status: 'blocked', reason: 'fine, stop' }),
    ]);
    const result = await runSession(t.deps, t.options);
    expect(result.state.blocked?.kind).toBe('agent');
    expect(result.state.iteration).toBe(1);
  });

  it('does not retry a failure that would repeat', async () => {
    const t = await setup([
      async () =>
        ({
          ok: false,
          failure: { kind: 'max-turns' },
          message: 'the agent used all 5 turns',
        }) as const,
    ]);
    const result = await runSession(t.deps, t.options);
    expect(t.agent.runs).toHaveLength(1);
    expect(result.state.blocked?.reason).toBe('agent failed: the agent used all 5 turns');
  });

  it('stops at the run limit and leaves the session running', async () => {
    const t = await setup([
      signal({ status: 'continue', phase: 'investigation' }),
      signal({ status: 'continue' }),
    ]);
    const result = await runSession(t.deps, { ...t.options, maxIterations: 2 });
    expect(result).toMatchObject({
      stop: 'run-limit',
      iterations: 2,
      state: { status: 'running', phase: 'investigation' },
    });
  });

  it('blocks a phase that reaches its cap before running it again, and resume grants more', async () => {
    const t = await setup([
      signal({ status: 'continue' }),
      signal({ status: 'continue' }),
      signal({ status: 'continue', phase: 'investigation' }),
    ]);
    const caps = { ...PHASE_ITERATION_CAPS, init: 2 };
    const result = await runSession(t.deps, { ...t.options, limits: { caps } });
    expect(t.agent.runs).toHaveLength(2);
    expect(result.state.blocked?.kind).toBe('cap');
    await resume({ store: t.store, clock: t.clock }, t.name);
    const again = await runSession(t.deps, { ...t.options, limits: { caps }, maxIterations: 1 });
    expect(again.state).toMatchObject({ status: 'running', phase: 'investigation' });
    expect(await t.file('_overview.md')).toContain('Blocked: no');
  });

  it('blocks before spending past the budget', async () => {
    const t = await setup([
      async (_run, write) => {
        await write('_signal.json', '{"status":"continue"}');
        return { stats: { costUsd: 3 } };
      },
    ]);
    const result = await runSession(t.deps, { ...t.options, limits: { maxCostUsd: 2 } });
    expect(t.agent.runs).toHaveLength(1);
    expect(result.state.blocked?.kind).toBe('budget');
  });

  it('keeps going when a notification fails, and says so', async () => {
    const t = await setup([signal({ status: 'blocked', reason: 'need input' })], true);
    const result = await runSession(t.deps, t.options);
    expect(result.stop).toBe('blocked');
    expect(t.events).toContainEqual({
      type: 'warning',
      message: 'notification failed: network down',
    });
  });

  it('blocks when the agent deletes _overview.md', async () => {
    const t = await setup([
      async (_run, write) => {
        await t.store.remove(t.name, '_overview.md');
        await write('_signal.json', '{"status":"continue","phase":"investigation"}');
      },
    ]);
    const result = await runSession(t.deps, t.options);
    expect(result.state.blocked?.reason).toBe(
      '_overview.md is missing: the agent removed or renamed it',
    );
  });

  it('blocks when the iteration cannot be committed', async () => {
    const t = await setup([signal({ status: 'continue', phase: 'investigation' })]);
    t.git.failWith = 'disk full';
    const result = await runSession(t.deps, t.options);
    expect(result.state.blocked).toMatchObject({ kind: 'git' });
    expect(result.state.blocked?.reason).toContain('disk full');
    expect(result.state.phase).toBe('investigation');
  });

  it('blocks, and says so, when what was steered between iterations cannot be saved', async () => {
    const t = await setup([
      signal({ status: 'continue', phase: 'investigation' }),
      signal({ status: 'continue', phase: 'requirements' }),
    ]);
    let saves = 0;
    const result = await runSession(t.deps, {
      ...t.options,
      hooks: {
        save: async () => {
          if (++saves === 2) throw new Error('refusing to push b: commit 1234 adds x');
        },
        between: async (state) => ({ state: { ...state }, message: 'apply comments' }),
      },
    });
    expect(result).toMatchObject({ stop: 'blocked', iterations: 1 });
    expect(result.state.blocked).toEqual({
      kind: 'git',
      reason: 'could not save the session: refusing to push b: commit 1234 adds x',
    });
    expect((await t.saved()).status).toBe('blocked');
    expect(t.notifier.sent.map((n) => n.kind)).toEqual(['blocked']);
  });

  it('records an interrupted iteration and leaves the session resumable', async () => {
    const controller = new AbortController();
    const t = await setup([
      async () => {
        controller.abort();
        return { ok: false, failure: { kind: 'aborted' }, message: 'interrupted' } as const;
      },
    ]);
    const result = await runSession(t.deps, { ...t.options, signal: controller.signal });
    expect(result).toMatchObject({ stop: 'aborted', state: { status: 'running', iteration: 1 } });
    expect((await t.history())[0]).toMatchObject({ outcome: 'aborted' });
  });
});

describe('answering', () => {
  it('keeps a partial answer and stays waiting', async () => {
    const t = await setup([
      signal({ status: 'continue', phase: 'investigation' }),
      signal({ status: 'continue', phase: 'requirements' }),
      async (_run, write) => {
        await write(
          '_qa.md',
          '## Q1: One?\n- A) a\n- B) b\n\nAnswer:\n\n## Q2: Two?\n- A) a\n- B) b\n\nAnswer:\n',
        );
        await write('_signal.json', '{"status":"waiting","for":"qa_answers"}');
      },
    ]);
    await runSession(t.deps, t.options);
    const deps = { store: t.store, clock: t.clock };
    const partial = await answerQuestions(deps, t.name, 'Q2: A');
    expect(partial).toMatchObject({ kind: 'incomplete', missing: [1], recorded: [2] });
    expect((await t.saved()).status).toBe('waiting');
    const rest = await answerQuestions(deps, t.name, 'Q1: B');
    expect(rest.kind).toBe('accepted');
    expect(await t.file('_qa.md')).toMatch(/Answer: B\) b[\s\S]*Answer: A\) a/);
  });

  it('refuses answers when no questions are pending', async () => {
    const t = await setup([]);
    await expect(
      answerQuestions({ store: t.store, clock: t.clock }, t.name, 'Q1: A'),
    ).rejects.toThrow(/is not waiting for answers: it is running/);
  });
});
