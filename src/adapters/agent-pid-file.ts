// The agent a run left behind. A run writes its agent's pid and start time into the session folder
// while the agent works; if the run dies without stopping it (killed outright, its terminal gone),
// the next run of the session finds the file and ends that agent (its whole process group) before
// it starts another in the same worktree. The start time tells the agent from an unrelated process
// that was given the same pid since: that one is left alone.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from '../app/ports.js';
import { signalGroup } from './process-group.js';

export const AGENT_PID_FILE = '.samocode-agent.pid';

/** When the process started (clock ticks since boot on Linux, `ps` elsewhere); undefined if gone. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is [0],
    // the start time is field 22 of the line, [19] here.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : fields[19];
  } catch {
    // no /proc (macOS), or the process is gone
  }
  try {
    const start = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return start || undefined;
  } catch {
    return undefined;
  }
}

/** Whether any process of the group is still running (zombies, already dead, do not count). */
function groupRunning(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return entries.some((entry) => {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[0] !== 'Z' && Number(fields[2]) === pgid;
    } catch {
      return false;
    }
  });
}

/** Writes the pid file while each agent process of `agent` runs, and removes it after. */
export function withAgentPidFile(agent: Agent, dir: string): Agent {
  const path = join(dir, AGENT_PID_FILE);
  return {
    name: agent.name,
    ...(agent.timeoutFor ? { timeoutFor: agent.timeoutFor.bind(agent) } : {}),
    async run(run) {
      try {
        return await agent.run({
          ...run,
          onStart: (pid) => {
            const start = processStart(pid);
            if (start !== undefined) writeFileSync(path, `${JSON.stringify({ pid, start })}\n`);
            run.onStart?.(pid);
          },
        });
      } finally {
        rmSync(path, { force: true });
      }
    },
  };
}

export type OrphanOutcome =
  { kind: 'none' } | { kind: 'stale'; pid: number } | { kind: 'stopped'; pid: number };

/**
 * Ends the agent a dead run left in `dir`'s session: SIGTERM to its group, SIGKILL after `graceMs`,
 * then waits until the group is gone. A pid file whose process is gone, or is another process now,
 * is only removed. Call it holding the session's run lock.
 */
export async function stopOrphanedAgent(dir: string, graceMs = 5_000): Promise<OrphanOutcome> {
  const path = join(dir, AGENT_PID_FILE);
  let recorded: { pid?: unknown; start?: unknown };
  try {
    recorded = JSON.parse(readFileSync(path, 'utf8')) as typeof recorded;
  } catch {
    rmSync(path, { force: true });
    return { kind: 'none' };
  }
  const pid = recorded.pid;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 1) {
    rmSync(path, { force: true });
    return { kind: 'none' };
  }
  if (pid === process.pid || processStart(pid) !== recorded.start) {
    rmSync(path, { force: true });
    return { kind: 'stale', pid };
  }
  signalGroup(pid, 'SIGTERM');
  for (let waited = 0; groupRunning(pid); waited += 50) {
    if (waited === graceMs) signalGroup(pid, 'SIGKILL');
    if (waited > graceMs + 5_000) break;
    await sleep(50);
  }
  rmSync(path, { force: true });
  return { kind: 'stopped', pid };
}
