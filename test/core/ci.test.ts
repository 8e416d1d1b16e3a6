import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ciReport, judgeChecks, logTail, reportedCommit } from '../../src/core/ci.js';
import type { CheckRun } from '../../src/core/ci.js';
import { routeEvent } from '../../src/core/github-event.js';

const run = (patch: Partial<CheckRun>): CheckRun => ({
  id: 1,
  name: 'test',
  status: 'completed',
  conclusion: 'success',
  ...patch,
});

describe('judgeChecks', () => {
  it('waits while any check runs, passes when all are fine, fails with the failing ones', () => {
    expect(judgeChecks([])).toEqual({ kind: 'none' });
    expect(
      judgeChecks([run({}), run({ name: 'e2e', status: 'queued', conclusion: null })]),
    ).toEqual({
      kind: 'pending',
      waitingFor: ['e2e'],
    });
    const passed = judgeChecks([run({}), run({ name: 'docs', conclusion: 'skipped' })]);
    expect(passed).toMatchObject({ kind: 'complete', passed: true, failed: [] });
    const failed = judgeChecks([
      run({}),
      run({ id: 2, name: 'lint', conclusion: 'failure' }),
      run({ id: 3, name: 'slow', conclusion: 'timed_out' }),
    ]);
    expect(failed.kind === 'complete' && failed.failed.map((r) => r.name)).toEqual([
      'lint',
      'slow',
    ]);
  });
});

describe('logTail', () => {
  it('keeps the last lines without runner timestamps, bounded', () => {
    const log = Array.from(
      { length: 100 },
      (_, i) => `2026-11-25T10:00:${String(i % 60).padStart(2, '0')}.1234567Z line ${i}`,
    ).join('\n');
    const tail = logTail(log, 3);
    expect(tail).toBe('line 97\nline 98\nline 99');
    expect(logTail('x'.repeat(10_000), 5, 100)).toBe(`…${'x'.repeat(100)}`);
  });
});

describe('ciReport', () => {
  it('lists every check and the log tails of the failing ones, and names its commit', () => {
    const verdict = judgeChecks([
      run({}),
      run({ id: 7, name: 'unit | fast', conclusion: 'failure' }),
    ]);
    if (verdict.kind === 'pending') throw new Error('pending');
    const text = ciReport({
      sha: 'a'.repeat(40),
      verdict,
      tails: new Map([[7, 'FAIL x']]),
      time: '2026-11-25T10:00:00Z',
    });
    expect(text).toContain('Outcome: failed (1 of 2)');
    expect(text).toContain('| unit \\| fast | failure |');
    expect(text).toContain('## unit | fast — failure\n\n```\nFAIL x\n```');
    expect(reportedCommit(text)).toBe('a'.repeat(40));
    expect(reportedCommit(null)).toBeUndefined();
    expect(
      ciReport({ sha: 'b'.repeat(40), verdict: { kind: 'none' }, tails: new Map(), time: 't' }),
    ).toContain('Outcome: no checks ran on this commit');
  });
});

describe('CI events', () => {
  const require = createRequire(import.meta.url);
  const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{
    name: string;
    examples: Array<Record<string, unknown>>;
  }>;
  const example = (name: string, action: string) =>
    structuredClone(
      examples.find((e) => e.name === name)?.examples.find((x) => x.action === action) ?? {},
    ) as Record<string, Record<string, unknown> | undefined>;
  const settings = { triggerLabel: 'samocode', branchPrefix: 'samocode/' };

  it('a completed check suite or workflow run on a session branch is a CI intent', () => {
    const suite = example('check_suite', 'completed');
    Object.assign(suite.check_suite ?? {}, {
      head_branch: 'samocode/4-x',
      head_sha: 'c'.repeat(40),
    });
    expect(routeEvent('check_suite', suite, settings)).toEqual({
      kind: 'ci',
      branch: 'samocode/4-x',
      sha: 'c'.repeat(40),
    });
    const workflow = example('workflow_run', 'completed');
    // The first completed example is from a fork; the repository's own run has the same name.
    Object.assign(workflow.workflow_run ?? {}, {
      head_branch: 'samocode/4-x',
      head_repository: { full_name: (workflow.repository as { full_name: string }).full_name },
    });
    expect(routeEvent('workflow_run', workflow, settings)).toMatchObject({ kind: 'ci' });
  });

  it('ignores other branches, unfinished runs and forks', () => {
    const suite = example('check_suite', 'completed');
    expect(routeEvent('check_suite', suite, settings)).toMatchObject({ kind: 'ignore' });
    const requested = example('check_suite', 'requested');
    expect(routeEvent('check_suite', requested, settings)).toMatchObject({
      kind: 'ignore',
      reason: 'check_suite.requested: only finished CI is read',
    });
    const fork = example('workflow_run', 'completed');
    Object.assign(fork.workflow_run ?? {}, {
      head_branch: 'samocode/4-x',
      head_repository: { full_name: 'someone/fork' },
    });
    expect(routeEvent('workflow_run', fork, settings)).toMatchObject({
      kind: 'ignore',
      reason: 'workflow_run from the fork someone/fork',
    });
  });
});
