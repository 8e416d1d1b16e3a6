// The protocol is strict where it protects and lenient where strictness only annoys: optional
// fields sent as null, long texts, and a `done` signal that names another phase.
import { describe, expect, it } from 'vitest';
import { formatNotification } from '../../src/adapters/telegram-notifier.js';
import { clip, TEXT_LIMITS } from '../../src/core/clip.js';
import { pullRequestBody, statusComment, whatToDo } from '../../src/core/github-render.js';
import { judgeIteration } from '../../src/core/iteration.js';
import type { Phase } from '../../src/core/phases.js';
import { newSessionState } from '../../src/core/session-state.js';
import type { SessionState } from '../../src/core/session-state.js';
import { parseSignal } from '../../src/core/signal.js';

const NOW = '2026-11-25T10:00:00.000Z';

function inPhase(phase: Phase, patch: Partial<SessionState> = {}): SessionState {
  return { ...newSessionState({ name: '26-11-25-x', task: 't', now: NOW }), phase, ...patch };
}

function judge(state: SessionState, signal: unknown) {
  return judgeIteration(state, {
    agent: { ok: true, durationMs: 1 },
    signalText: JSON.stringify(signal),
    now: NOW,
  });
}

describe('optional fields sent as null', () => {
  it('reads null optional fields as absent, as the original writes them', () => {
    // The original's Signal.to_dict() writes every field, unset ones as null.
    const parsed = parseSignal(
      JSON.stringify({
        status: 'continue',
        summary: null,
        reason: null,
        needs: null,
        for: null,
        phase: 'investigation',
      }),
    );
    expect(parsed).toEqual({ ok: true, signal: { status: 'continue', phase: 'investigation' } });
    const verdict = judge(inPhase('init'), { status: 'continue', phase: null, for: null });
    expect(verdict.outcome).toBe('continue');
    expect(verdict.state.phase).toBe('init');
  });

  it('still blocks a null status and a waiting signal whose "for" is null', () => {
    const noStatus = parseSignal('{"status": null}');
    expect(noStatus.ok).toBe(false);
    expect(noStatus.ok ? '' : noStatus.error).toContain('"status"');
    const waiting = judge(inPhase('requirements'), { status: 'waiting', for: null });
    expect(waiting.outcome).toBe('blocked');
    expect(waiting.state.blocked?.reason).toContain('"for"');
  });

  it('keeps blocking wrong types: a number is not a summary', () => {
    const verdict = judge(inPhase('done'), { status: 'done', summary: 42 });
    expect(verdict.outcome).toBe('blocked');
    expect(verdict.state.blocked?.reason).toContain('"summary": expected string');
  });
});

describe('long summaries and reasons', () => {
  const long = `${'word '.repeat(6_000)}END`; // 30,003 characters

  it('finishes a session whose summary is longer than 20,000 characters and keeps all of it', () => {
    const verdict = judge(inPhase('done'), { status: 'done', summary: long });
    expect(verdict.outcome).toBe('done');
    expect(verdict.state.summary).toBe(long);
    expect(verdict.message.endsWith('END')).toBe(true);
  });

  it('blocks with the whole reason kept', () => {
    const verdict = judge(inPhase('testing'), { status: 'blocked', reason: long });
    expect(verdict.state.blocked?.reason).toBe(long);
  });

  it('cuts only what goes where there are limits, saying where the whole text is', () => {
    const done = inPhase('done', { status: 'done', summary: long });
    const line = whatToDo(done);
    expect(line.length).toBeLessThan(TEXT_LIMITS.inline + 200);
    expect(line).toContain('… truncated (');
    expect(line).toContain('full text in _state.json');
    const comment = statusComment(done, {}, {});
    expect(comment.length).toBeLessThan(65_536);
    const body = pullRequestBody({ issue: 1, state: done });
    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain('full text in _state.json');
    const blocked = inPhase('testing', {
      status: 'blocked',
      blocked: { kind: 'agent', reason: long },
    });
    expect(whatToDo(blocked)).toContain('full text in _state.json');
    const note = formatNotification({
      kind: 'done',
      session: done.name,
      phase: 'done',
      status: 'done',
      message: `done: ${long}`,
    });
    expect(note.length).toBeLessThan(4_096);
    expect(note).toContain(`full text in _state.json of ${done.name}`);
  });

  it('leaves short texts untouched', () => {
    expect(clip('short', 10)).toBe('short');
    expect(whatToDo(inPhase('done', { status: 'done', summary: 'all good' }))).toBe(
      'Done: all good',
    );
  });
});

describe('"done" naming another phase', () => {
  it('is accepted, read as done, and the stray phase is recorded as a warning', () => {
    const verdict = judge(inPhase('done'), { status: 'done', phase: 'quality', summary: 'ok' });
    expect(verdict.outcome).toBe('done');
    expect(verdict.state.phase).toBe('done');
    expect(verdict.state.status).toBe('done');
    expect(verdict.message).toContain('the "done" signal named phase "quality"; read as "done"');
  });

  it('carries no warning when it names "done" or no phase', () => {
    for (const signal of [
      { status: 'done', phase: 'done', summary: 'ok' },
      { status: 'done', summary: 'ok' },
    ]) {
      const verdict = judge(inPhase('done'), signal);
      expect(verdict.message).toBe('session done: ok');
    }
  });

  it('is still refused before the done phase', () => {
    const verdict = judge(inPhase('quality'), { status: 'done', phase: 'done', summary: 'ok' });
    expect(verdict.outcome).toBe('blocked');
  });
});
