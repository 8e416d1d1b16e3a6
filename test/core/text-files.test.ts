import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/core/dotenv.js';
import { parseHistory, historyLine } from '../../src/core/history.js';
import { initialOverview, readStatusField, syncOverview } from '../../src/core/overview.js';
import { findSession, sessionName, slugify } from '../../src/core/session-name.js';
import { formatUsd } from '../../src/core/money.js';
import { parseSignal } from '../../src/core/signal.js';
import {
  newSessionState,
  parseSessionState,
  serializeSessionState,
} from '../../src/core/session-state.js';

describe('overview', () => {
  const text = initialOverview({
    name: '26-11-25-x',
    task: 'Add login',
    dive: 'auth module',
    createdAt: 'T0',
  });

  it('starts with the status lines, task, dive, flow log and files', () => {
    expect(text).toContain('## Status\nPhase: init\nTotal Iterations: 0\nBlocked: no\n');
    expect(text).toContain('## Task\nAdd login');
    expect(text).toContain('## Dive\nauth module');
    expect(text).toContain('## Flow Log\n- T0 session created');
    expect(readStatusField(text, 'Next')).toBe('set up the session and start the investigation');
  });

  it('rewrites only the orchestrator-owned lines', () => {
    const edited = text
      .replace('Last Action: session created', 'Last Action: read the code')
      .replace('Phase: init', 'Phase: done');
    const synced = syncOverview(edited, { phase: 'investigation', iteration: 7 });
    expect(synced).toContain('Phase: investigation\nTotal Iterations: 7');
    expect(readStatusField(synced, 'Last Action')).toBe('read the code');
    expect(syncOverview(synced, { phase: 'investigation', iteration: 7 })).toBe(synced);
  });

  it('puts lost lines back under Status, or adds a Status section', () => {
    const lost = text.replace('Phase: init\nTotal Iterations: 0\n', '');
    expect(syncOverview(lost, { phase: 'testing', iteration: 3 })).toContain(
      '## Status\nPhase: testing\nTotal Iterations: 3\nBlocked: no',
    );
    expect(syncOverview('# notes\n', { phase: 'init', iteration: 1 })).toBe(
      '## Status\nPhase: init\nTotal Iterations: 1\n\n# notes\n',
    );
  });

  it('writes the Blocked line when asked', () => {
    expect(
      syncOverview(text, { phase: 'init', iteration: 1, blocked: 'yes — cap\nreached' }),
    ).toContain('Blocked: yes — cap reached');
  });
});

describe('session names', () => {
  it.each([
    ['Add JWT-based user authentication!', 'add-jwt-based-user-authentication'],
    ['  Überprüfe   Café  ', 'uberprufe-cafe'],
    [
      'Refactor the REST API so that every endpoint returns problem+json errors',
      'refactor-the-rest-api-so-that-every',
    ],
    ['???', ''],
  ])('slugify(%j) = %j', (text, slug) => {
    expect(slugify(text)).toBe(slug);
  });

  it('names sessions YY-MM-DD-slug', () => {
    expect(sessionName({ year: 2026, month: 1, day: 8 }, 'my-task')).toBe('26-01-08-my-task');
  });

  it('finds the newest session for a slug, or an exact name', () => {
    const names = ['26-01-08-my-task', '26-03-01-my-task', '26-02-01-other', '26-04-01-my-task-2'];
    expect(findSession(names, 'my-task')).toBe('26-03-01-my-task');
    expect(findSession(names, '26-01-08-my-task')).toBe('26-01-08-my-task');
    expect(findSession(names, 'missing')).toBeUndefined();
  });
});

describe('dotenv', () => {
  it('parses comments, export, quotes and inline comments', () => {
    const parsed = parseDotenv(
      '# c\n\nexport A=1\nB = "two words"\nC=\'x # y\'\nD=plain # note\nE="a\\nb"\n',
    );
    expect(parsed).toEqual({
      ok: true,
      values: { A: '1', B: 'two words', C: 'x # y', D: 'plain', E: 'a\nb' },
    });
  });

  it('names the line it cannot read', () => {
    expect(parseDotenv('A=1\nthis is wrong\n')).toEqual({
      ok: false,
      line: 2,
      error: 'expected KEY=VALUE, got "this is wrong"',
    });
  });
});

describe('signal parsing', () => {
  it('accepts a full signal, case-insensitively', () => {
    expect(parseSignal('{"status":"Waiting","for":"QA_ANSWERS","phase":"requirements"}')).toEqual({
      ok: true,
      signal: { status: 'waiting', for: 'qa_answers', phase: 'requirements' },
    });
  });

  it('rejects fields of the wrong type', () => {
    const parsed = parseSignal('{"status":"blocked","reason":42}');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.error).toBe('_signal.json is invalid: "reason": expected string (got 42)');
  });
});

describe('state file', () => {
  it('round-trips', () => {
    const state = newSessionState({ name: '26-11-25-x', task: 't', dive: 'd', now: 'T' });
    expect(parseSessionState(serializeSessionState(state))).toEqual({ ok: true, state });
  });

  it('names the broken field', () => {
    const text = serializeSessionState(newSessionState({ name: 'x', task: 't', now: 'T' })).replace(
      '"init"',
      '"nowhere"',
    );
    const parsed = parseSessionState(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/^"phase": /);
  });
});

describe('history', () => {
  it('skips a torn last line', () => {
    const line = historyLine({
      kind: 'human',
      time: 'T',
      action: 'approve',
      phase: 'implementation',
      message: 'ok',
    });
    expect(parseHistory(`${line}${line}{"kind":"itera`)).toHaveLength(2);
  });
});

describe('formatUsd', () => {
  it.each([
    [0, '$0.00'],
    [0.0123, '$0.01'],
    [0.0001, '<$0.01'],
    [0.005, '$0.01'],
    [1.5, '$1.50'],
    [12.345, '$12.35'],
  ])('%f → %s', (amount, text) => {
    expect(formatUsd(amount)).toBe(text);
  });
});
