// The least a loop in Node can spend per iteration: it only starts the agent (node:child_process,
// output piped and read to its end, as the CLI starts it) and waits for it. No session state, no
// log, no commit. Usage: node bare-loop.mjs <session-dir> <agent> <iterations>
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const [session, agent, count] = process.argv.slice(2);
mkdirSync(session, { recursive: true });
const env = { ...process.env, SAMOCODE_SESSION_DIR: session, SAMOCODE_PHASE: 'investigation' };
for (let iteration = 1; iteration <= Number(count); iteration++) {
  process.stdout.write(`iteration ${iteration}\n`);
  const code = await new Promise((resolve, reject) => {
    const child = spawn(agent, ['-p', 'Start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`the agent exited ${code}`);
}
