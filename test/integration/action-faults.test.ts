// Fault injection: the action is killed with SIGKILL at each step of an iteration — while the agent
// works, after the agent before the commit, after the commit before the push, during the status
// update — and run again. The session must carry on with nothing lost and nothing doubled.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRig } from '../support/action-rig.js';
import { until } from '../support/wait.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { processesMentioning } from '../support/claude-cli.js';
import { tempDir } from '../support/temp.js';

let fake: FakeGitHub;
const tried: string[] = [];
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
  console.log(`fault points tried: ${tried.length} (${tried.join('; ')})`);
});

/** A `git` in front of the real one that stops (once) at the n-th call of a subcommand. */
function pausingGit(): {
  dir: string;
  pauseAt: (sub: string, nth: number) => string;
  clear: () => void;
} {
  const dir = tempDir('samocode-git-');
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const control = join(dir, 'control');
  mkdirSync(control);
  writeFileSync(
    join(dir, 'git'),
    `#!/bin/sh
sub=""; skip=0
for a in "$@"; do
  if [ "$skip" = 1 ]; then skip=0; continue; fi
  case "$a" in -c|-C) skip=1 ;; -*) ;; *) sub="$a"; break ;; esac
done
if [ -f "${control}/pause" ] && [ "$sub" = "$(cat "${control}/pause")" ]; then
  n=$(( $(cat "${control}/count" 2>/dev/null || echo 0) + 1 )); echo "$n" > "${control}/count"
  if [ "$n" = "$(cat "${control}/nth")" ]; then : > "${control}/reached"; sleep 120; fi
fi
exec "${real}" "$@"
`,
  );
  chmodSync(join(dir, 'git'), 0o755);
  return {
    dir,
    pauseAt(sub, nth) {
      writeFileSync(join(control, 'pause'), sub);
      writeFileSync(join(control, 'nth'), String(nth));
      rmSync(join(control, 'count'), { force: true });
      rmSync(join(control, 'reached'), { force: true });
      return join(control, 'reached');
    },
    clear() {
      rmSync(join(control, 'pause'), { force: true });
    },
  };
}

const person = { login: 'octo' };
const QA = '## Q1: Go?\n- A) yes\n- B) no\n\nAnswer:\n';

interface FaultCase {
  name: string;
  /** Sets the fault up before the run; returns a check that is true once the run is at the fault. */
  arm: (ctx: { git: ReturnType<typeof pausingGit>; mark: string; issue: number }) => () => boolean;
  /** The scenario, given the file the agent marks when it starts. */
  steps: (mark: string) => object[];
}

const normal = [
  { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
  { phase: 'investigation', signal: { status: 'continue', phase: 'requirements' } },
  {
    phase: 'requirements',
    files: { '_qa.md': QA },
    signal: { status: 'waiting', for: 'qa_answers' },
  },
];

const cases: FaultCase[] = [
  {
    name: 'during the agent',
    steps: (mark) => [{ phase: 'init', markFile: mark, hangMs: 120_000 }, ...normal],
    arm:
      ({ mark }) =>
      () =>
        existsSync(mark),
  },
  {
    name: 'after the agent, before the commit',
    // The lost iteration runs again: the agent is asked for init twice.
    steps: () => [normal[0] as object, ...normal],
    // commit 1 saves the new session; commit 2 is the first iteration's
    arm: ({ git }) => {
      const reached = git.pauseAt('commit', 2);
      return () => existsSync(reached);
    },
  },
  {
    name: 'after the commit, before the push',
    steps: () => [normal[0] as object, ...normal],
    // pushes: 1 takes the session lock, 2 saves the new session, 3 the first iteration
    arm: ({ git }) => {
      const reached = git.pauseAt('push', 3);
      return () => existsSync(reached);
    },
  },
  {
    name: 'during the status update',
    steps: () => normal,
    arm: ({ issue }) => {
      fake.inject({ operation: 'issues/update-comment', status: 0, times: 1, hang: true });
      return () =>
        fake.requests.some(
          (r) =>
            r.operation === 'issues/update-comment' &&
            r.status === 0 &&
            r.path.includes('/comments/') &&
            fake.state.comments.some((c) => c.issue === issue),
        );
    },
  },
];

describe('killed at each step of an iteration, then run again', () => {
  it.each(cases.map((c, i) => [c.name, c, 71 + i] as const))('%s', async (name, fault, issue) => {
    tried.push(name);
    const git = pausingGit();
    const rig = actionRig(fake, { env: { PATH: `${git.dir}:${process.env.PATH ?? ''}` } });
    const mark = join(rig.agentDir, 'agent-started');
    rig.setScenario(fault.steps(mark));
    rig.openIssue(issue, `Crash ${issue}`, 'x');
    const atFault = fault.arm({ git, mark, issue });

    const killed = await rig.run('issues', rig.labeled(issue, 'samocode', person), {}, (child) => {
      void until(atFault, `the fault point "${name}"`).then(() => child.kill('SIGKILL'));
    });
    expect(killed.exitCode).not.toBe(0);
    git.clear();
    for (const pid of processesMentioning(rig.root)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }

    // The next event (here the continuation the sweep or a person would send) carries on.
    const again = await rig.run('repository_dispatch', rig.dispatch(issue));
    expect(again.stderr).toBe('');
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({ status: 'waiting', phase: 'requirements' });
    const branch = again.outputs.branch ?? '';
    const folder = `_sessions/${again.outputs.session ?? ''}`;

    // Nothing doubled: one status comment, one questions comment, each iteration committed once.
    const bodies = fake.state.comments
      .filter((c) => c.issue === issue)
      .map((c) => c.body.split('\n')[0]);
    expect(bodies).toEqual(['<!-- samocode:status -->', '<!-- samocode:questions -->']);
    const numbers = rig
      .log(branch)
      .map((line) => /#(\d+) /.exec(line)?.[1])
      .filter(Boolean);
    expect(new Set(numbers).size).toBe(numbers.length);
    const history = rig
      .show(branch, `${folder}/_signal_history.jsonl`)
      .split('\n')
      .map((l) => JSON.parse(l) as { iteration?: number });
    const iterations = history.map((r) => r.iteration).filter((n) => n !== undefined);
    expect(new Set(iterations).size).toBe(iterations.length);
    // Nothing lost beyond the iteration in flight: the questions and the state are there and agree.
    expect(rig.show(branch, `${folder}/_qa.md`)).toBe(QA.trimEnd());
    const state = JSON.parse(rig.show(branch, `${folder}/_state.json`)) as {
      iteration: number;
      status: string;
    };
    expect(state.status).toBe('waiting');
    expect(state.iteration).toBeLessThanOrEqual(4);
    expect(readFileSync(join(killed.workspace, '.git', 'HEAD'), 'utf8')).toContain(
      `refs/heads/${branch}`,
    );
  });
});
