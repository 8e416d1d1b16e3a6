// `samocode` executable: runs the CLI, turning Ctrl-C into a clean stop at the next boundary.
import { spawnSync } from 'node:child_process';
import { main } from './entrypoints/cli.js';

const controller = new AbortController();
let interrupts = 0;
const onSignal = (signal: NodeJS.Signals) => {
  interrupts += 1;
  if (interrupts > 1) process.exit(130);
  process.stderr.write(
    `\nsamocode: ${signal} received; stopping the agent and saving the session (again to force)\n`,
  );
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  // On a terminal, a live line under the event lines; `\r` + erase-line redraws it in place.
  ...(process.stdout.isTTY && process.env.TERM !== 'dumb'
    ? {
        live: {
          show: (text: string) =>
            process.stdout.write(`\r\x1b[2K${text.slice(0, (process.stdout.columns || 80) - 1)}`),
          clear: () => process.stdout.write('\r\x1b[2K'),
          width: () => process.stdout.columns || 80,
        },
      }
    : {}),
  signal: controller.signal,
  // `samocode answer` without --reply opens _qa.md in $VISUAL / $EDITOR when a person is at a terminal.
  ...(process.stdin.isTTY && process.stdout.isTTY && (process.env.VISUAL || process.env.EDITOR)
    ? {
        edit: (path: string) => {
          spawnSync(`${process.env.VISUAL || process.env.EDITOR} "$0"`, [path], {
            stdio: 'inherit',
            shell: true,
          });
        },
      }
    : {}),
});
process.exitCode = code;
