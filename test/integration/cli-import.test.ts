// `samocode import` on a session folder in the original tool's exact format: the state rebuilt,
// nothing lost, the original's branch and worktree reused, and the session run on from there.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliProject } from '../support/cli-project.js';
import {
  ORIGINAL_ARTIFACT,
  ORIGINAL_HISTORY,
  ORIGINAL_NAME,
  originalSession,
} from '../support/original-session.js';
import { sh } from '../support/temp.js';

function files(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at)) {
      const path = join(at, entry);
      if (statSync(path).isDirectory()) walk(path);
      else found.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return found;
}

describe('samocode import', () => {
  it('runs on a session of the original, losing nothing, on its own branch and worktree', async () => {
    const p = cliProject([
      {
        phase: 'requirements',
        expect: [
          { file: '_qa.md', contains: '**Answer:** A' },
          { file: '_qa.md', contains: 'Answer: B) 1 day' },
        ],
        signal: { status: 'continue', phase: 'planning' },
      },
      { phase: 'planning', signal: { status: 'blocked', reason: 'stop after planning starts' } },
    ]);
    const sessions = join(p.root, 'sessions');
    const worktrees = join(p.root, 'worktrees');
    // The original's .samocode: the same three keys; GIT_BRANCH_PREFIX from its .env.
    writeFileSync(
      join(p.repo, '.samocode'),
      `MAIN_REPO=.\nWORKTREES=${worktrees}\nSESSIONS=${sessions}\n`,
    );
    writeFileSync(join(p.repo, '.env'), 'GIT_BRANCH_PREFIX=feature\n');
    const original = originalSession({
      repo: p.repo,
      sessions,
      worktrees,
      branchPrefix: 'feature',
    });
    const before = files(original.dir);
    const branchesBefore = sh(p.repo, 'git', ['branch', '--format=%(refname:short)']);

    // Before the import, the folder is no session of this engine: nothing is created for it.
    const refused = await p.cli('run', '--session', 'add-auth');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('_state.json is missing');

    const imported = await p.cli('import', original.dir);
    expect(imported.stderr).toBe('');
    expect(imported.exitCode).toBe(0);
    expect(imported.stdout).toContain(
      `Imported ${ORIGINAL_NAME}: waiting in phase requirements, on branch feature/add-auth.`,
    );
    expect(imported.stdout).toContain('_qa.md: 2 questions, unanswered: Q2');
    expect(imported.stdout).toContain('3 signals of the original read');
    expect(imported.stdout).toContain(`renamed ${ORIGINAL_ARTIFACT} → 01-15-1440-dive-auth.md`);
    expect(imported.stdout).toContain(`Continue with:  samocode answer ${ORIGINAL_NAME}`);

    // Nothing lost: every file is as it was, except what docs/import.md lists.
    const after = files(original.dir);
    const changed = ['_overview.md', '_signal_history.jsonl', ORIGINAL_ARTIFACT];
    for (const [path, text] of before) {
      if (changed.includes(path)) continue;
      expect(after.get(path), path).toBe(text);
    }
    expect(after.get('01-15-1440-dive-auth.md')).toBe(before.get(ORIGINAL_ARTIFACT));
    expect(after.has(ORIGINAL_ARTIFACT)).toBe(false);
    expect(after.get('_signal_history.jsonl')?.startsWith(ORIGINAL_HISTORY)).toBe(true);
    const overview = after.get('_overview.md') ?? '';
    const importLine = /^- \S+ samocode import: imported from the original tool: .*\n/m;
    expect(overview).toMatch(importLine);
    expect(
      overview.replace(importLine, '').split('01-15-1440-dive-auth.md').join(ORIGINAL_ARTIFACT),
    ).toBe(before.get('_overview.md'));
    const state = JSON.parse(after.get('_state.json') ?? '') as Record<string, unknown>;
    expect(state).toMatchObject({
      name: ORIGINAL_NAME,
      task: 'Add token authentication to the API',
      phase: 'requirements',
      status: 'waiting',
      waitingFor: 'qa_answers',
      iteration: 3,
      phaseIterations: { investigation: 2, requirements: 0 },
      gates: { requirements: 'open', planning: 'closed' },
      createdAt: '2026-01-15T14:30:12',
    });
    expect(state).not.toHaveProperty('branch');

    const again = await p.cli('import', ORIGINAL_NAME);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('is a session of this engine already');

    // The original's answer counts; its `_waiting_` placeholder does not.
    const status = await p.cli('status', 'add-auth');
    expect(status.stdout).toMatch(/waiting/);
    const answered = await p.cli('answer', 'add-auth', '--reply', 'Q2: B');
    expect(answered.exitCode).toBe(3);
    expect(answered.stdout).toContain('Blocked: stop after planning starts');
    const calls = p.calls();
    expect(calls.map((c) => c.phase)).toEqual(['requirements', 'planning']);
    expect(calls.every((c) => c.cwd === original.worktree)).toBe(true);
    expect(sh(p.repo, 'git', ['branch', '--format=%(refname:short)'])).toBe(branchesBefore);
    expect(sh(original.worktree, 'git', ['log', '--format=%s', '-3'])).toContain(
      'investigation: auth notes',
    );
    expect(sh(original.worktree, 'git', ['symbolic-ref', '--short', 'HEAD'])).toBe(
      'feature/add-auth',
    );
    expect(existsSync(join(p.root, 'project-samocode'))).toBe(false);
  });
});
