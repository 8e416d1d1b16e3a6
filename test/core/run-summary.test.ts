import { describe, expect, it } from 'vitest';
import type { HistoryRecord, IterationRecord } from '../../src/core/history.js';
import { pathDiagram, phasePath, runSummary } from '../../src/core/run-summary.js';
import { newSessionState } from '../../src/core/session-state.js';

const it_ = (
  iteration: number,
  phase: IterationRecord['phase'],
  nextPhase: IterationRecord['phase'],
): IterationRecord => ({
  kind: 'iteration',
  time: 'T',
  iteration,
  phase,
  nextPhase,
  signal: 'continue',
  outcome: 'continue',
  message: '',
  attempts: 1,
  durationMs: 1500,
  turns: 3,
  costUsd: 0.25,
});

describe('run summary', () => {
  const history: HistoryRecord[] = [
    it_(1, 'init', 'investigation'),
    it_(2, 'investigation', 'investigation'),
    it_(3, 'investigation', 'requirements'),
    { kind: 'human', time: 'T', action: 'approve', phase: 'implementation', message: '' },
    it_(4, 'implementation', 'testing'),
    it_(5, 'testing', 'quality'),
    it_(6, 'quality', 'testing'),
    it_(7, 'testing', 'done'),
  ];

  it('follows the path through the phases, loops included', () => {
    expect(phasePath(history)).toEqual([
      'init',
      'investigation',
      'requirements',
      'implementation',
      'testing',
      'quality',
      'testing',
      'done',
    ]);
    expect(pathDiagram(['init'])).toBe('```mermaid\nflowchart LR\n  init\n```');
  });

  it('tabulates this run and totals the session', () => {
    const state = {
      ...newSessionState({ name: '26-11-25-s', task: 't', now: 'T' }),
      iteration: 7,
      phase: 'done' as const,
    };
    const text = runSummary(
      state,
      [it_(6, 'quality', 'testing'), it_(7, 'testing', 'done')],
      history,
    );
    expect(text).toContain('| #6 | quality → testing | continue | 1.5 s | 3 | $0.25 |');
    expect(text).toContain('This run: 2 iterations, $0.50.');
    expect(text).toContain('  quality --> testing\n  testing --> done');
    expect(runSummary(state, [], history)).toContain('No iterations ran in this run.');
  });
});
