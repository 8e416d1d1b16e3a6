// Scripted-agent steps that many session tests share (the step format: test/fixtures/scripted-agent.mjs).

/**
 * A session's last round: implementation (with what that step adds, e.g. `work` or `expect`),
 * testing, and done with `summary`.
 */
export function finishingSteps(summary: string, implementation: object = {}): object[] {
  return [
    {
      phase: 'implementation',
      ...implementation,
      signal: { status: 'continue', phase: 'testing' },
    },
    { phase: 'testing', signal: { status: 'continue', phase: 'done' } },
    { phase: 'done', signal: { status: 'done', summary } },
  ];
}
