// Resolving a program the way a shell would, so a missing agent is reported before a session starts.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export function findProgram(
  command: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): string | undefined {
  const executable = (path: string) => {
    try {
      accessSync(path, constants.X_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(cwd, command);
    return executable(path) ? path : undefined;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, command);
    if (executable(path)) return path;
  }
  return undefined;
}
