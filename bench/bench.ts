// `npm run bench` (`-- --quick` for a short run): the orchestrator's own cost, with an agent that
// returns at once. Every timed figure is measured beside its floor — the least the same work costs
// done directly, in the same run, interleaved, on the same kind of repository and the same fake
// servers — and judged on the ratio, so a busy machine weighs on both alike. Absolutes are judged
// only where they do not depend on the machine's load (memory, request counts). Results go to
// bench/results.json; the exit code is non-zero only when a target is missed.
import { statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { startFakeGitHub } from '../test/support/fake-github.js';
import { coldStarts } from './cold-start.js';
import { commentEvents } from './comment-event.js';
import {
  FLOOR_GIT_COMMANDS,
  commitFloor,
  gitProcessesPerIteration,
  growth,
  loopOverheads,
} from './loop.js';
import { memory } from './memory.js';
import { figures, met, printTable, record, recordRatio, writeResults } from './report.js';
import { cliGitProcesses, originalComparison, originalUnavailable } from './original.js';
import { sandboxCost } from './sandbox.js';
import { probeSandbox } from '../src/adapters/sandbox.js';
import { ACTION_NODE_VERSION, log, median, pct, removeTemps } from './support.js';

const quick = process.argv.includes('--quick');
// `--only 1,3`: just those sections (for working on one of them).
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? (process.argv[onlyAt + 1] ?? '').split(',') : undefined;
const section = (n: string) => !only || only.includes(n);

async function main(): Promise<void> {
  const machine = {
    cpu: cpus()[0]?.model ?? 'cpu',
    cpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    actionNode: ACTION_NODE_VERSION,
    quick,
  };
  log(
    `Samocode benchmark${quick ? ' (quick)' : ''} — ${machine.cpu} ×${machine.cpus}, ${machine.memoryGiB} GiB, Node ${machine.node}, the action under Node ${machine.actionNode}`,
  );
  const fake = await startFakeGitHub();
  fake.state.permissions.set('octo', 'admin');
  try {
    if (section('1')) {
      const starts = quick ? 5 : 9;
      log(
        `1. cold start: node dist/index.js → agent spawned, beside its floor and with the sandbox, ${starts} interleaved rounds`,
      );
      const cold = await coldStarts(fake, starts, true);
      recordRatio(
        'cold start to agent (sandbox off)',
        'ms',
        cold.action,
        'bare Node: same requests and git, same agent',
        cold.floor,
        { op: '<=', value: 1.5 },
      );
      if (cold.sandboxed.length > 0)
        recordRatio(
          'cold start with the sandbox on, to the same start with it off',
          'ms',
          cold.sandboxed,
          'sandbox off',
          cold.action,
        );
      const bundle = statSync('dist/index.js').size + statSync('dist/action.js').size;
      record('action bundle size (dist/index.js + dist/action.js)', 'KiB', [bundle / 1024]);
    }

    const repeats = 3;
    if (section('2')) {
      const n = quick ? 20 : 100;
      log(`2. per-iteration overhead (agent time excluded): ${repeats} × ${n} iterations`);
      const plain: number[][] = [];
      const pushed: number[][] = [];
      const floors: number[][] = [];
      for (let i = 0; i < repeats; i++) {
        plain.push(await loopOverheads({ iterations: n, files: 1, push: false }));
        pushed.push(await loopOverheads({ iterations: n, files: 5000, push: true, github: fake }));
        floors.push(await commitFloor({ iterations: n, files: 5000, github: fake }));
      }
      record('iteration overhead, no commit/push (median)', 'ms', plain.map(median));
      record(
        'iteration overhead, no commit/push (p95)',
        'ms',
        plain.map((xs) => pct(xs, 95)),
      );
      const processes = await gitProcessesPerIteration(fake);
      recordRatio(
        'iteration with commit + push + status, 5,000 files (median)',
        'ms',
        pushed.map(median),
        'the same git commands and request, directly',
        floors.map(median),
        { op: '<=', value: 1.3 },
        `git processes per iteration: ${processes} (floor ${FLOOR_GIT_COMMANDS})`,
      );
    }

    if (section('3')) {
      const long = quick ? 120 : 500;
      log(
        `3. growth: iterations ${long - 9}–${long} of a session, each beside one of the first 10 of a fresh session, ${repeats} pairs of sessions`,
      );
      const lates: number[] = [];
      const earlies: number[] = [];
      for (let i = 0; i < repeats; i++) {
        const { late, early } = await growth(long);
        lates.push(median(late));
        earlies.push(median(early));
      }
      recordRatio(
        `growth: iteration overhead after ${long - 10} iterations`,
        'ms',
        lates,
        'a fresh session',
        earlies,
        { op: '<=', value: 1.2 },
      );
    }

    if (section('4')) {
      const bytes = quick ? 256 * 2 ** 20 : 2 ** 30;
      const memRuns = quick ? 1 : 3;
      log(
        `4. memory while the agent streams ${(bytes / 2 ** 20).toFixed(0)} MiB, ${memRuns} times`,
      );
      const mems = [];
      for (let i = 0; i < memRuns; i++) mems.push(await memory(bytes));
      record(
        `peak RSS while the agent streams ${(bytes / 2 ** 20).toFixed(0)} MiB`,
        'MiB',
        mems.map((m) => m.peakMiB),
        { op: '<', value: 150 },
        mems
          .map((m) => `halves ${m.firstHalfMiB.toFixed(0)}/${m.secondHalfMiB.toFixed(0)} MiB`)
          .join(', '),
      );
    }

    if (section('5')) {
      const answers = quick ? 4 : 7;
      log(`5–6. GitHub requests, and comment event → agent beside its floor, ${answers} rounds`);
      const event = await commentEvents(fake, answers, quick ? 10 : 20);
      record('GitHub requests per iteration', 'req', [event.perIteration], { op: '<=', value: 1 });
      record('GitHub requests at the questions gate', 'req', [event.perGate]);
      recordRatio(
        'comment event to agent',
        'ms',
        event.action,
        'bare Node: same requests and git, same agent',
        event.floor,
        { op: '<=', value: 1.5 },
      );
    }

    if (section('7')) {
      const rounds = quick ? 10 : 30;
      log(
        `7. the sandbox's cost per agent start, ${rounds} interleaved rounds (off, "*", allow-list)`,
      );
      const cost = await sandboxCost(rounds);
      if (typeof cost === 'string') {
        log(`  skipped: ${cost}`);
      } else {
        recordRatio(
          'agent start in the sandbox, allowed-domains: * (bubblewrap only)',
          'ms',
          cost.any,
          'without the sandbox',
          cost.off,
        );
        recordRatio(
          'agent start in the sandbox, default allow-list (bubblewrap + egress relay)',
          'ms',
          cost.list,
          'without the sandbox',
          cost.off,
        );
      }
    }
    const noPython = section('8') ? originalUnavailable() : undefined;
    if (noPython) log(`8. the CLI beside the original Python loop: skipped, ${noPython}`);
    if (section('8') && !noPython) {
      const rounds = quick ? 4 : 7;
      const iterations = 20;
      const probe = await probeSandbox(process.env);
      log(
        `8. the CLI beside the original Python loop (a model of it, bench/original-loop.py), ${iterations} iterations, ${rounds} interleaved rounds${probe.ok ? ', sandbox off and on' : ''}`,
      );
      const git = await cliGitProcesses();
      log(`  the CLI's git processes per iteration: ${git.perIteration} (${git.commands})`);
      const side = await originalComparison(rounds, iterations, probe.ok);
      const steady = (runs: typeof side.cli) => runs.map((r) => r.steady);
      recordRatio(
        'CLI iteration with its commit, sandbox off (like for like), to the original',
        'ms',
        steady(side.cli),
        'the original (no commit, no sandbox)',
        steady(side.original),
        { op: '<=', value: 0.5 },
        `median time between two iterations' starts; git processes per iteration: ${git.perIteration}`,
      );
      recordRatio(
        'the same, whole runs of 20 iterations (start-up included), per iteration',
        'ms',
        side.cli.map((r) => r.whole),
        'the original',
        side.original.map((r) => r.whole),
      );
      // What bounds the ratios above: loops that only start the agent. A ratio to the original
      // below the bare Python loop's is out of any loop's reach, below the bare Node loop's out of
      // any loop in Node's.
      recordRatio(
        'the same agent started by a bare Python loop (nothing else), to the original',
        'ms',
        steady(side.bare.python),
        'the original',
        steady(side.original),
      );
      recordRatio(
        'the same agent started by a bare Node loop (nothing else), to the original',
        'ms',
        steady(side.bare.node),
        'the original',
        steady(side.original),
      );
      recordRatio(
        'CLI iteration with its commit, sandbox off, to the bare Node loop',
        'ms',
        steady(side.cli),
        'the bare Node loop',
        steady(side.bare.node),
      );
      if (side.sandboxed.length > 0)
        recordRatio(
          'CLI iteration with its commit, sandbox on (the default), to the original',
          'ms',
          steady(side.sandboxed),
          'the original (no commit, no sandbox)',
          steady(side.original),
        );
    }
  } finally {
    await fake.close();
    removeTemps();
  }

  printTable();
  writeResults(machine);
  const missed = figures.filter((f) => !met(f));
  if (missed.length > 0) {
    log(`\nMissed: ${missed.map((f) => f.name).join('; ')}`);
    process.exitCode = 1;
  } else {
    log('\nEvery target met.');
  }
}

await main();
