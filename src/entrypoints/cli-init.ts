// `samocode init`: a .samocode file for the project and, on request, the Action workflow.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import exampleWorkflow from '../../examples/samocode.yml?raw';

export const SAMOCODE_FILE = `# Samocode settings for this project (all optional; paths are relative to this file).
# MAIN_REPO=.
# WORKTREES=../<repo>-samocode/worktrees
# SESSIONS=../<repo>-samocode/sessions
# CLAUDE_MODEL=opus
# CLAUDE_TIMEOUT=1800
# SAMOCODE_MAX_COST_USD=25
`;

export async function init(
  root: string,
  options: { workflow: boolean; force: boolean },
): Promise<string[]> {
  const written: string[] = [];
  const files: Array<[string, string]> = [[join(root, '.samocode'), SAMOCODE_FILE]];
  if (options.workflow)
    files.push([join(root, '.github', 'workflows', 'samocode.yml'), exampleWorkflow]);
  for (const [path] of files) {
    if (existsSync(path) && !options.force)
      throw new Error(`${path} exists; pass --force to replace it`);
  }
  for (const [path, text] of files) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    written.push(path);
  }
  return written;
}
