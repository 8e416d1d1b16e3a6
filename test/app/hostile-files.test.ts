// The engine against an agent that writes garbage: random _signal.json, _overview.md and _qa.md.
// Every run ends in a known way, and the session files stay readable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundledPrompts } from '../../src/app/prompts.js';
import { runSession } from '../../src/app/run-session.js';
import { answerQuestions, startSession } from '../../src/app/session-actions.js';
import { SessionError } from '../../src/app/session-files.js';
import { parseHistory } from '../../src/core/history.js';
import { parseSessionState } from '../../src/core/session-state.js';
import {
  manualClock,
  memoryStore,
  recordingGit,
  recordingNotifier,
  scriptedAgent,
} from '../support/fakes.js';

const garbage = fc.oneof(
  fc.string(),
  fc.json(),
  fc.constantFrom(
    '{"status":"waiting","for":"qa_answers"}',
    '{"status":"continue","phase":"investigation"}',
    '',
  ),
);
const files = fc.record({
  signal: fc.option(garbage, { nil: null }),
  overview: fc.option(fc.string(), { nil: null }),
  qa: fc.option(fc.string(), { nil: null }),
});

describe('an agent that writes garbage', () => {
  it('never crashes the engine or corrupts the session', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(files, { minLength: 1, maxLength: 4 }),
        fc.string(),
        async (steps, reply) => {
          const store = memoryStore();
          const clock = manualClock();
          const state = await startSession({ store, clock }, { task: 'x' });
          const agent = scriptedAgent(
            store,
            () => state.name,
            steps.map((step) => async (_run, write) => {
              if (step.overview !== null) await write('_overview.md', step.overview);
              if (step.qa !== null) await write('_qa.md', step.qa);
              if (step.signal !== null) await write('_signal.json', step.signal);
            }),
          );
          const deps = {
            agent,
            store,
            git: recordingGit(),
            clock,
            notifier: recordingNotifier(),
            prompts: bundledPrompts,
          };
          const result = await runSession(deps, {
            session: state.name,
            workDir: '/w',
            timeoutMs: 1000,
            maxRetries: 0,
            retryDelayMs: 0,
            limits: {},
            maxIterations: steps.length,
          });
          expect(['waiting', 'blocked', 'done', 'run-limit']).toContain(result.stop);
          const saved = parseSessionState((await store.read(state.name, '_state.json')) ?? '');
          expect(saved.ok).toBe(true);
          expect(
            parseHistory((await store.read(state.name, '_signal_history.jsonl')) ?? ''),
          ).toHaveLength(result.iterations);
          if (result.stop === 'waiting' && result.state.waitingFor === 'qa_answers') {
            // Answering garbage questions with a garbage reply: a clear error or an outcome.
            try {
              const outcome = await answerQuestions({ store, clock }, state.name, reply);
              expect(['accepted', 'incomplete']).toContain(outcome.kind);
            } catch (error) {
              expect(error).toBeInstanceOf(SessionError);
            }
            expect(parseSessionState((await store.read(state.name, '_state.json')) ?? '').ok).toBe(
              true,
            );
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
