// Reads a project's prompt overrides: the Markdown files of one folder, which may not exist.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function readPromptFiles(folder: string): Promise<Record<string, string>> {
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read the prompts folder ${folder}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const files: Record<string, string> = {};
  for (const name of entries.filter((n) => n.endsWith('.md')).sort()) {
    files[name] = await readFile(join(folder, name), 'utf8');
  }
  return files;
}
