// Processes a killed run left running. The agent runs in its own process group, so when the
// action's process is killed outright (SIGKILL, a cancelled job) the agent and what it started live
// on, and would keep writing into the workspace the post step is cleaning. Each carries an
// environment variable only this run set (the agent's TMPDIR, inherited by its children), which is
// how they are found: the runner finds a job's orphans the same way (RUNNER_TRACKING_ID), but only
// after the post steps.
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Linux only (it reads /proc); elsewhere it finds nothing and the runner's own cleanup remains. */
export function processesWithEnv(entry: string): number[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      // Another user's processes are unreadable, which is as well: they are not ours.
      if (`\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(`\0${entry}\0`))
        found.push(Number(pid));
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

/** SIGKILLs them (the run is over: there is nothing to finish) and waits up to 2 s until gone. */
export async function stopProcessesWithEnv(entry: string): Promise<number> {
  const pids = processesWithEnv(entry);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (let waited = 0; waited < 2_000 && processesWithEnv(entry).length > 0; waited += 50)
    await sleep(50);
  return pids.length;
}
