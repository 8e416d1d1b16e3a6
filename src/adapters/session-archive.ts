// Finished sessions moved out of the way: `<sessions>/_archive/<name>`, as the original tool does.
// The store lists no folder whose name starts with `_`, so archived sessions leave every list.
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';

export const ARCHIVE_DIR = '_archive';

/** Moves the session folder into the archive; returns where it went. */
export async function archiveSessionFolder(sessionsRoot: string, name: string): Promise<string> {
  const target = join(sessionsRoot, ARCHIVE_DIR, name);
  if (existsSync(target))
    throw new Error(`${target} exists already: move it away first, then archive again`);
  await mkdir(join(sessionsRoot, ARCHIVE_DIR), { recursive: true });
  await rename(join(sessionsRoot, name), target);
  return target;
}
