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
// A closed terminal (SIGHUP) or a `kill` is a Ctrl-C too: the agent must not run on unsupervised.
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);

// A reader that went away (`samocode status | head -1`) ends the output, not the process with a
// stack trace; a running session stops cleanly at the next boundary, as after Ctrl-C.
let outputClosed = false;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    outputClosed = true;
    controller.abort();
  });
}
const write = (stream: NodeJS.WriteStream, text: string) => {
  if (!outputClosed) stream.write(text);
};

const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  out: (line) => write(process.stdout, `${line}\n`),
  err: (line) => write(process.stderr, `${line}\n`),
  // On a terminal, a live line under the event lines; `\r` + erase-line redraws it in place.
  ...(process.stdout.isTTY && process.env.TERM !== 'dumb'
    ? {
        live: {
          show: (text: string) =>
            write(process.stdout, `\r\x1b[2K${text.slice(0, (process.stdout.columns || 80) - 1)}`),
          clear: () => write(process.stdout, '\r\x1b[2K'),
          width: () => process.stdout.columns || 80,
        },
      }
    : {}),
  signal: controller.signal,
  // `samocode answer` without --reply opens _qa.md in $VISUAL / $EDITOR when a person is at a terminal.
  ...(process.stdin.isTTY && process.stdout.isTTY && (process.env.VISUAL || process.env.EDITOR)
    ? {
        // No shell: the editor setting is split into a program and its arguments ("code -w").
        edit: (path: string) => {
          const [program = 'vi', ...args] = (process.env.VISUAL || process.env.EDITOR || '')
            .trim()
            .split(/\s+/);
          spawnSync(program, [...args, path], { stdio: 'inherit' });
        },
      }
    : {}),
});
process.exitCode = code;
