// One `samocode run` per session on this machine: a pid file in the session folder. Steering a
// session that another terminal's loop holds would be overwritten by that loop's state, so the
// CLI refuses it; a file left by a process that is gone counts for nothing.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = '.samocode-run.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of another live process running the session in `dir`, if any. */
export function runLockHolder(dir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, FILE), 'utf8').trim());
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : undefined;
}

/** Takes the session for this process; undefined (and nothing written) when another holds it. */
export function takeRunLock(dir: string): { release(): void } | undefined {
  if (runLockHolder(dir) !== undefined) return undefined;
  const path = join(dir, FILE);
  writeFileSync(path, `${process.pid}\n`);
  return {
    release() {
      if (runLockHolder(dir) === undefined) rmSync(path, { force: true });
    },
  };
}
