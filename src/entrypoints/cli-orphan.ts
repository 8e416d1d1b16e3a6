// Before a run works on a session: the agent of an earlier run that died without stopping it (its
// terminal closed, it was killed) is ended first, so two agents never share the worktree.
import { AGENT_PID_FILE, stopOrphanedAgent } from '../adapters/agent-pid-file.js';
import type { CliIo } from './cli.js';

export async function stopOrphan(dir: string, io: CliIo, json: boolean): Promise<void> {
  const outcome = await stopOrphanedAgent(dir);
  if (outcome.kind !== 'stopped') return;
  const text =
    `stopped the agent (pid ${outcome.pid}) that an earlier run of this session left running ` +
    `(found through ${AGENT_PID_FILE}); this run starts a fresh one`;
  if (json) io.out(JSON.stringify({ warning: text }));
  else io.err(`samocode: ${text}`);
}
