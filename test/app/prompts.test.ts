// The agent's instructions as the engine renders them: time stamps from the engine's clock.
import { describe, expect, it } from 'vitest';
import { bundledPrompts, iterationPrompt, withOverrides } from '../../src/app/prompts.js';
import { runSession } from '../../src/app/run-session.js';
import { startSession } from '../../src/app/session-actions.js';
import { artifactStamp } from '../../src/core/artifact-stamp.js';
import { PHASES, PHASE_ITERATION_CAPS } from '../../src/core/phases.js';
import {
  manualClock,
  memoryStore,
  recordingGit,
  recordingNotifier,
  scriptedAgent,
  signal,
} from '../support/fakes.js';

describe('artifact time stamps', () => {
  it('are UTC, carry no colon, and sort by time across a new year', () => {
    const last = new Date('2026-12-31T23:59:59Z');
    const first = new Date('2027-01-01T00:00:00Z');
    expect(artifactStamp(last)).toBe('261231-2359');
    expect(artifactStamp(first)).toBe('270101-0000');
    expect([artifactStamp(first), artifactStamp(last)].sort()).toEqual([
      artifactStamp(last),
      artifactStamp(first),
    ]);
  });

  it('reach the agent from the engine clock, one stamp per iteration', async () => {
    const store = memoryStore();
    const clock = manualClock(Date.parse('2026-11-25T10:00:30Z'));
    const state = await startSession({ store, clock }, { task: 'Add a greeting' });
    const agent = scriptedAgent(store, () => state.name, [
      async (run, write) => {
        await clock.sleep(65 * 60_000); // the iteration works for an hour and five minutes
        await signal({ status: 'continue', phase: 'investigation' })(run, write);
      },
      signal({ status: 'blocked', reason: 'stop here' }),
    ]);
    await runSession(
      {
        agent,
        store,
        git: recordingGit(),
        clock,
        notifier: recordingNotifier(),
        prompts: bundledPrompts,
      },
      {
        session: state.name,
        workDir: '/work/tree',
        timeoutMs: 60_000,
        maxRetries: 0,
        retryDelayMs: 0,
        limits: { caps: PHASE_ITERATION_CAPS },
      },
    );
    const [first, second] = agent.runs.map((r) => r.prompt);
    expect(first).toContain('Timestamp for artifact names: `261125-1000` (UTC)');
    expect(first).toContain('`261125-1000-plan-jwt-login.md`');
    expect(first).toContain('- 2026-11-25T10:00Z [<phase>]');
    expect(second).toContain('Timestamp for artifact names: `261125-1105` (UTC)');
    expect(second).toContain('`261125-1105-dive-auth-flow.md`');
    for (const prompt of [first, second]) expect(prompt).not.toMatch(/\{\{|\d:\d\d-/);
  });

  it('fill every placeholder of every phase, and of a project prompt that uses one', () => {
    const now = new Date('2026-03-04T05:06:00Z');
    for (const phase of PHASES) {
      const prompt = iterationPrompt(bundledPrompts, phase, [], now);
      expect(prompt, phase).not.toContain('{{');
      expect(prompt, phase).toContain('`260304-0506`');
    }
    const { prompts } = withOverrides(
      bundledPrompts,
      { 'testing.append.md': 'Save screenshots as `{{timestamp}}-shot.png`; keep `{{other}}`.' },
      'p',
    );
    expect(iterationPrompt(prompts, 'testing', [], now)).toContain(
      'Save screenshots as `260304-0506-shot.png`; keep `{{other}}`.',
    );
  });
});
