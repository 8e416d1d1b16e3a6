// The agent's instructions as the engine renders them: time stamps from the engine's clock, signals
// the engine accepts, and documents that one phase writes and a later one reads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundledPrompts, iterationPrompt, withOverrides } from '../../src/app/prompts.js';
import { runSession } from '../../src/app/run-session.js';
import { startSession } from '../../src/app/session-actions.js';
import { artifactStamp } from '../../src/core/artifact-stamp.js';
import {
  ALLOWED_SIGNALS,
  ALLOWED_WAITS,
  PHASES,
  PHASE_ITERATION_CAPS,
  canMove,
} from '../../src/core/phases.js';
import type { Phase } from '../../src/core/phases.js';
import { parseSignal } from '../../src/core/signal.js';
import {
  manualClock,
  memoryStore,
  recordingGit,
  recordingNotifier,
  scriptedAgent,
  signal,
} from '../support/fakes.js';

const phaseText = (phase: Phase) => bundledPrompts.phases[phase];

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
    expect(second).toContain('`261125-1105-dive-<topic>.md`');
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

/** The `{"status": …}` examples a phase prompt tells the agent to write. */
function signalExamples(text: string): Array<Record<string, string>> {
  return [...text.matchAll(/`(\{"status"[^`]*\})`/g)].map(
    (m) => JSON.parse(m[1] as string) as Record<string, string>,
  );
}

describe('the phase prompts', () => {
  it.each(PHASES)('%s asks only for signals the engine accepts in that phase', (phase) => {
    const examples = signalExamples(phaseText(phase));
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const parsed = parseSignal(JSON.stringify(example));
      expect(parsed, JSON.stringify(example)).toMatchObject({ ok: true });
      if (!parsed.ok) continue;
      const s = parsed.signal;
      expect(ALLOWED_SIGNALS[phase], JSON.stringify(example)).toContain(s.status);
      if (s.status === 'continue') expect(canMove(phase, s.phase ?? phase)).toBe(true);
      else expect(s.phase ?? phase).toBe(phase);
      if (s.status === 'waiting') expect(ALLOWED_WAITS[phase]).toContain(s.for);
    }
  });

  it('have every document a phase reads written by an earlier phase, under a kind the workflow names', () => {
    const written = new Map<string, Phase>();
    for (const phase of PHASES) {
      const text = phaseText(phase);
      for (const [, kind] of text.matchAll(/`\*-([a-z]+)-\*\.md`/g)) {
        expect(written.has(kind as string), `${phase} reads *-${kind}-*.md`).toBe(true);
      }
      for (const [, kind] of text.matchAll(/\{\{timestamp\}\}-([a-z]+)/g))
        if (!written.has(kind as string)) written.set(kind as string, phase);
    }
    expect(written.get('requirements')).toBe('requirements');
    expect(written.get('retrospective')).toBe('done');
    const listed = /`<kind>` is one word[^(]*\(([^)]*)\)/.exec(bundledPrompts.workflow)?.[1] ?? '';
    expect([...listed.matchAll(/`([a-z]+)`/g)].map((m) => m[1]).sort()).toEqual(
      [...written.keys()].sort(),
    );
  });

  it('run the checks init records under ## Project', () => {
    const template = /```\s*## Project\n([\s\S]*?)```/.exec(phaseText('init'))?.[1] ?? '';
    const fields = template.split('\n').map((line) => /^\s*([A-Za-z ]+):/.exec(line)?.[1]);
    const uses: Array<[Phase, string[]]> = [
      ['implementation', ['Lint', 'Typecheck']],
      ['testing', ['Tests', 'Lint', 'Typecheck', 'App start', 'App check']],
      ['quality', ['Lint', 'Typecheck']],
    ];
    for (const [phase, names] of uses) {
      for (const name of names) {
        expect(fields, `init records ${name}:`).toContain(name);
        expect(phaseText(phase), `${phase} uses ${name}:`).toContain(`\`${name}:\``);
      }
    }
  });

  it('name the retrospective file that docs/prompts.md tells people to look for', () => {
    const docs = readFileSync('docs/prompts.md', 'utf8');
    const prompt = iterationPrompt(bundledPrompts, 'done', [], new Date('2026-11-25T10:00:00Z'));
    expect(prompt).toContain('`261125-1000-retrospective.md`');
    expect(docs).toContain('`<YYMMDD-HHmm>-retrospective.md`');
  });
});

describe('docs/prompts.md', () => {
  it("places each of the original's steps in a prompt section that exists", () => {
    const docs = readFileSync('docs/prompts.md', 'utf8');
    const places = [...docs.matchAll(/`([a-z]+)\.md` § (.+?)(?: — [^|]*)?\s*\|/g)];
    expect(places.length).toBeGreaterThan(15);
    for (const [, file, section] of places) {
      const text = readFileSync(`prompts/${file}.md`, 'utf8');
      const headings = [...text.matchAll(/^#+ (.*)$/gm)].map((m) => m[1]);
      expect(headings, `${file}.md § ${section}`).toContain(section);
    }
  });
});
