// Memory while the agent streams a long log: the CLI's peak RSS (a figure that does not depend on
// the machine's load), sampled from /proc every 20 ms.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STREAM, repo } from './support.js';

export async function memory(
  bytes: number,
): Promise<{ peakMiB: number; firstHalfMiB: number; secondHalfMiB: number; seconds: number }> {
  const { root, work } = repo(1);
  const samples: number[] = [];
  const t0 = Date.now();
  const child = spawn(
    process.execPath,
    [resolve('dist/cli.js'), 'run', '--task', 'stream', '--timeout', '3600'],
    {
      cwd: work,
      env: {
        ...process.env,
        HOME: root,
        CLAUDE_PATH: STREAM,
        BENCH_BYTES: String(bytes),
        SAMOCODE_STALL_TIMEOUT: '0',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const timer = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      if (rss > 0) samples.push(rss);
    } catch {
      // exited
    }
  }, 20);
  await new Promise((done) => child.on('exit', done));
  clearInterval(timer);
  const half = Math.floor(samples.length / 2);
  const max = (xs: number[]) => (xs.length ? Math.max(...xs) : 0);
  const logs = join(root, 'work-samocode', 'sessions');
  if (existsSync(logs)) rmSync(logs, { recursive: true, force: true });
  return {
    peakMiB: max(samples),
    firstHalfMiB: max(samples.slice(0, half)),
    secondHalfMiB: max(samples.slice(half)),
    seconds: (Date.now() - t0) / 1000,
  };
}
