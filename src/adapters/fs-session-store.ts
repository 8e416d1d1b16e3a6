// Sessions as folders on disk under one root.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { SessionStore } from '../app/ports.js';

export function fsSessionStore(root: string): SessionStore {
  const base = resolve(root);
  const dir = (name: string) => join(base, name);
  const file = (name: string, relative: string) => {
    const path = resolve(dir(name), relative);
    if (!path.startsWith(dir(name)))
      throw new Error(`refusing to touch ${relative}: outside the session folder`);
    return path;
  };
  return {
    async list() {
      try {
        const entries = await readdir(base, { withFileTypes: true });
        // `_archive` (and any `_`/`.` folder) holds no live session.
        return entries
          .filter((e) => e.isDirectory() && !/^[_.]/.test(e.name))
          .map((e) => e.name)
          .sort();
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
    },
    dir,
    async create(name, files) {
      await mkdir(base, { recursive: true });
      // mkdir without `recursive` fails if the folder exists: two starts never share a folder.
      await mkdir(dir(name));
      for (const [relative, content] of Object.entries(files))
        await writeAtomic(file(name, relative), content);
    },
    async read(name, relative) {
      try {
        return await readFile(file(name, relative), 'utf8');
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async write(name, relative, content) {
      await writeAtomic(file(name, relative), content);
    },
    async writeBytes(name, relative, bytes) {
      await writeAtomic(file(name, relative), bytes);
    },
    async remove(name, relative) {
      await rm(file(name, relative), { force: true });
    },
    async listFiles(name) {
      try {
        const entries = await readdir(dir(name), { withFileTypes: true });
        return entries
          .filter((e) => e.isFile())
          .map((e) => e.name)
          .sort();
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
    },
    async append(name, relative, text) {
      const path = file(name, relative);
      await mkdir(dirname(path), { recursive: true });
      await appendFile(path, text, 'utf8');
    },
  };
}

async function writeAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, content, typeof content === 'string' ? 'utf8' : null);
  await rename(temp, path);
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
