// Cold start: `node dist/index.js` on a start event until the agent is spawned, beside its floor (a
// bare Node process doing the same requests and git commands, then spawning the same agent) and
// beside the same start with the agent sandbox on. Interleaved, on fresh clones of the same kind
// of repository, against the same fake GitHub: whatever else the machine does weighs on all alike.
import { resolve } from 'node:path';
import type { FakeGitHub } from '../test/support/fake-github.js';
import { recordActionStart } from './record.js';
import type { FloorPlan } from './record.js';
import {
  actionEnv,
  firstStart,
  labeled,
  log,
  marksFile,
  repo,
  runAction,
  runNode,
  temp,
} from './support.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FLOOR = resolve('bench/floors/action-floor.mjs');

export interface ColdStarts {
  action: number[];
  floor: number[];
  sandboxed: number[];
  plan: FloorPlan;
}

/** A start event on a fresh issue and repository; `sandbox` off unless asked. */
function startRun(fake: FakeGitHub, issue: number, sandbox: boolean) {
  const { root, origin } = repo(1);
  const marks = marksFile(root);
  const run = actionEnv({ origin, fake, dir: root }, 'issues', labeled(fake, issue), {
    BENCH_MARKS: marks,
    BENCH_BLOCK: '1',
    INPUT_SANDBOX: String(sandbox),
  });
  return { run, marks };
}

async function timed(start: () => Promise<number>, marks: string): Promise<number> {
  const t0 = Date.now();
  const code = await start();
  if (code !== 0) throw new Error(`a cold start exited ${code}`);
  return firstStart(marks) - t0;
}

export async function coldStarts(
  fake: FakeGitHub,
  runs: number,
  sandbox: boolean,
): Promise<ColdStarts> {
  let issue = 1100;
  const recording = startRun(fake, issue++, false);
  const plan = await recordActionStart(fake, recording.run, recording.marks, issue - 1);
  log(
    `  the action's work before the agent: ${plan.requests.length} GitHub requests (${plan.requests.map((r) => `${r.method} ${r.path.replace(/^\/repos\/[^/]+\/[^/]+/, '')}`).join(', ')}), ${plan.git.length} git commands (${plan.git.map((g) => g.args.find((a) => !a.startsWith('-')) ?? '').join(', ')})`,
  );
  const planFile = join(temp(), 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const out: ColdStarts = { action: [], floor: [], sandboxed: [], plan };
  const floor = async () => {
    const number = issue++;
    const { run, marks } = startRun(fake, number, false);
    const env = { ...run.env, BENCH_FLOOR_PLAN: planFile, BENCH_ISSUE: String(number) };
    return timed(() => runNode(FLOOR, { cwd: run.cwd, env }), marks);
  };
  const action = async (sandboxed: boolean) => {
    const { run, marks } = startRun(fake, issue++, sandboxed);
    return timed(() => runAction(run), marks);
  };
  // One of each first, unmeasured: the page cache and Node's compile cache warm up.
  await floor();
  await action(false);
  if (sandbox) await action(true);
  for (let i = 0; i < runs; i++) {
    out.floor.push(await floor());
    out.action.push(await action(false));
    if (sandbox) out.sandboxed.push(await action(true));
  }
  return out;
}
