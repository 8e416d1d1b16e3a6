// Property-based tests: thousands of generated inputs, malformed on purpose. Every one must end in
// a clear verdict or a clear error — never an exception, never a state that fails to parse.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReply } from '../../src/core/answers.js';
import { routeEvent } from '../../src/core/github-event.js';
import { judgeIteration } from '../../src/core/iteration.js';
import { syncOverview } from '../../src/core/overview.js';
import { PHASES, SIGNAL_STATUSES, WAIT_REASONS } from '../../src/core/phases.js';
import { parseQa, unanswered, writeAnswers } from '../../src/core/qa.js';
import {
  newSessionState,
  parseSessionState,
  serializeSessionState,
} from '../../src/core/session-state.js';
import { parseSignal } from '../../src/core/signal.js';
import { cleanUntrusted } from '../../src/core/untrusted-text.js';

const RUNS = { numRuns: 2000 };

/** Signal-like JSON: right and wrong fields, right and wrong values, in any mix. */
const signalish = fc.oneof(
  fc.string(),
  fc.json(),
  fc
    .record(
      {
        status: fc.oneof(
          fc.constantFrom(...SIGNAL_STATUSES, 'CONTINUE', 'finished', ''),
          fc.anything(),
        ),
        phase: fc.oneof(fc.constantFrom(...PHASES, 'deploy'), fc.anything()),
        for: fc.oneof(fc.constantFrom(...WAIT_REASONS, 'coffee'), fc.anything()),
        reason: fc.oneof(fc.string(), fc.anything()),
        summary: fc.oneof(fc.string(), fc.integer()),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
);

describe('properties', () => {
  it('parseSignal never throws, and every error names the file', () => {
    fc.assert(
      fc.property(signalish, (text) => {
        const parsed = parseSignal(text);
        if (!parsed.ok) expect(parsed.error.startsWith('_signal.json ')).toBe(true);
      }),
      RUNS,
    );
  });

  it('any signal in any phase ends in a known outcome with a state that round-trips', () => {
    const base = newSessionState({ name: '26-11-25-p', task: 't', now: 'T' });
    fc.assert(
      fc.property(
        fc.constantFrom(...PHASES),
        fc.option(signalish, { nil: null }),
        fc.boolean(),
        fc.record({
          requirements: fc.constantFrom('closed', 'open', 'passed'),
          planning: fc.constantFrom('closed', 'open', 'passed'),
        }),
        (phase, text, agentOk, gates) => {
          const state = { ...base, phase, gates } as typeof base;
          const verdict = judgeIteration(state, {
            agent: { ok: agentOk, error: 'x', durationMs: 1 },
            signalText: text,
            now: 'T',
          });
          expect(['continue', 'retry-missing-signal', 'waiting', 'blocked', 'done']).toContain(
            verdict.outcome,
          );
          if (verdict.outcome === 'blocked')
            expect(verdict.state.blocked?.reason.length).toBeGreaterThan(0);
          expect(PHASES).toContain(verdict.state.phase);
          const parsed = parseSessionState(serializeSessionState(verdict.state));
          expect(parsed.ok).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('state files of any shape are parsed or refused, never thrown on', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const parsed = parseSessionState(text);
        if (!parsed.ok) expect(parsed.error.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  const qaText = fc
    .array(
      fc.oneof(
        fc.string(),
        fc.nat(20).map((n) => `## Q${n}: question ${n}`),
        fc.constantFrom(
          '- A) yes',
          '- B) no',
          'Suggestion: A',
          'Answer:',
          'Answer: B',
          '**Answer:** _',
          '## Notes',
        ),
      ),
      { maxLength: 30 },
    )
    .map((lines) => lines.join('\n'));

  it('_qa.md of any shape: parsing, replies and writing answers never throw and keep the questions', () => {
    fc.assert(
      fc.property(qaText, fc.string(), (text, reply) => {
        const questions = parseQa(text);
        const parsed = parseReply(reply, questions);
        const written = writeAnswers(text, parsed.answers);
        const after = parseQa(written);
        expect(after.map((q) => q.number)).toEqual(questions.map((q) => q.number));
        for (const [number] of parsed.answers) expect(unanswered(after)).not.toContain(number);
      }),
      RUNS,
    );
  });

  it('_overview.md of any shape gets exactly the orchestrator lines, idempotently', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom(...PHASES),
        fc.nat(1000),
        (text, phase, iteration) => {
          const once = syncOverview(text, { phase, iteration });
          expect(once).toMatch(new RegExp(`^Phase: ${phase}$`, 'm'));
          expect(once).toMatch(new RegExp(`^Total Iterations: ${iteration}$`, 'm'));
          expect(syncOverview(once, { phase, iteration })).toBe(once);
        },
      ),
      RUNS,
    );
  });

  it('cleaned text has no hidden content and respects the limit', () => {
    const hostile = fc
      .array(
        fc.oneof(
          fc.string(),
          fc.constantFrom(
            '<!-- x -->',
            '<!--',
            '\u202E',
            '\u200B',
            '![evil](u)',
            '\uDB40\uDC41',
            '[r]: http://x "t"',
          ),
        ),
        { maxLength: 20 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(hostile, fc.integer({ min: 1, max: 200 }), (text, limit) => {
        const cleaned = cleanUntrusted(text, limit);
        expect(cleaned.text).not.toContain('<!--');
        expect(cleaned.text).not.toMatch(/[\u200B\u202E]|\uDB40[\uDC00-\uDC7F]/);
        expect(cleaned.text.length).toBeLessThanOrEqual(limit + 40);
      }),
      RUNS,
    );
  });

  it('any webhook payload is routed or ignored with a reason', () => {
    const names = fc.constantFrom(
      'issues',
      'issue_comment',
      'pull_request_review',
      'workflow_dispatch',
      'repository_dispatch',
      'push',
      'pull_request_target',
    );
    fc.assert(
      fc.property(names, fc.anything(), (name, payload) => {
        const intent = routeEvent(name, payload, {
          triggerLabel: 'samocode',
          branchPrefix: 'samocode/',
        });
        if (intent.kind === 'ignore') expect(intent.reason.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });
});
