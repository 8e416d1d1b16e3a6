// File names the engine makes, or tells the agent to make, carry no `:`: it breaks checkouts on
// Windows. The original's `MM-DD-HH:mm` names are renamed on import.
import { describe, expect, it } from 'vitest';
import { logFileName } from '../../src/app/log-names.js';
import { bundledPrompts, iterationPrompt } from '../../src/app/prompts.js';
import { portableName, renameReferences } from '../../src/core/original-format.js';
import { PHASES } from '../../src/core/phases.js';

const PORTABLE = /^[A-Za-z0-9._-]+$/;

describe('portable file names', () => {
  it('names every log file without a colon', () => {
    const dates = [
      new Date('2026-01-05T09:08:07Z'),
      new Date('2026-12-31T23:59:59Z'),
      new Date('2030-06-15T00:00:00Z'),
    ];
    for (const date of dates)
      for (const phase of PHASES)
        for (const attempt of [1, 2, 3]) {
          const name = logFileName(date, 7, phase, attempt);
          expect(name, name).toMatch(PORTABLE);
          expect(name).toMatch(/^\d{6}-\d{6}-007-[a-z]+(-retry\d)?\.jsonl$/);
        }
  });

  it('tells the agent artifact names without a colon', () => {
    // The engine fills in the stamp; every name the rendered prompts give must be portable.
    const now = new Date('2026-12-31T23:59:00Z');
    const texts = PHASES.map((phase) => iterationPrompt(bundledPrompts, phase, [], now));
    const names = texts.flatMap((text) =>
      [...text.matchAll(/`(\d{6}-\d{4}-[^`\s]*\.md)`/g)].map((m) => m[1] ?? ''),
    );
    expect(names.length).toBeGreaterThan(4);
    for (const name of names) expect(name.replace(/<[^>]*>/g, 'x'), name).toMatch(PORTABLE);
  });

  it("renames the original's artifact names and the overview's references to them", () => {
    expect(portableName('01-15-14:30-plan-auth.md')).toBe('01-15-1430-plan-auth.md');
    expect(portableName('_overview.md')).toBe('_overview.md');
    const renamed = new Map([['01-15-14:30-plan-auth.md', '01-15-1430-plan-auth.md']]);
    expect(renameReferences('- 01-15-14:30-plan-auth.md - the plan\n', renamed)).toBe(
      '- 01-15-1430-plan-auth.md - the plan\n',
    );
  });
});
