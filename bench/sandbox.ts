// The sandbox's price: one agent start (a program that exits at once) through the same adapter,
// without the sandbox, in it with the whole network (`*`), and in it behind the egress proxy (the
// default). Interleaved, so that whatever else the machine does weighs on all three alike.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { commandAgent } from '../src/adapters/command-agent.js';
import { createSandbox, probeSandbox } from '../src/adapters/sandbox.js';
import type { Launcher } from '../src/adapters/sandbox.js';
import type { Egress } from '../src/core/egress.js';
import { log, temp } from './support.js';

export async function sandboxCost(
  runs: number,
): Promise<{ off: number[]; any: number[]; list: number[] } | string> {
  const probe = await probeSandbox(process.env);
  if (!probe.ok) return probe.reason;
  const root = temp();
  const work = join(root, 'work');
  mkdirSync(work);
  const sandbox = (egress: Egress): Launcher =>
    createSandbox({
      bwrap: probe.bwrap,
      homeDir: join(root, 'home'),
      tmpDir: join(root, 'tmp'),
      stateDir: join(root, 'state'),
      hide: [],
      writable: [],
      readable: [],
      secrets: [],
      egress,
      egressSetting: 'allowed-domains',
      nodePath: process.execPath,
    });
  const start = async (launcher?: Launcher) => {
    const agent = commandAgent({
      template: 'true',
      baseEnv: { PATH: process.env.PATH ?? '' },
      ...(launcher ? { launcher } : {}),
    });
    const began = performance.now();
    const result = await agent.run({
      prompt: 'p',
      context: 'c',
      cwd: work,
      env: {},
      timeoutMs: 30_000,
      logFile: join(root, 'log.jsonl'),
    });
    if (!result.ok) throw new Error(`the benchmark agent failed: ${result.message}`);
    return performance.now() - began;
  };
  const any = sandbox({ kind: 'any' });
  const list = sandbox({ kind: 'list', hosts: ['api.anthropic.com'] });
  const out = { off: [] as number[], any: [] as number[], list: [] as number[] };
  // One of each first, unmeasured: the page cache and Node's compile cache warm up.
  await start();
  await start(any);
  await start(list);
  for (let i = 0; i < runs; i++) {
    out.off.push(await start());
    out.any.push(await start(any));
    out.list.push(await start(list));
    if ((i + 1) % 5 === 0) log(`  ${i + 1}/${runs} rounds`);
  }
  return out;
}
