// Temporary folders and real git repositories for integration tests.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'samocode-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Git with a fixed identity and no user or system config, so tests behave the same everywhere. */
export const gitEnv = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function sh(cwd: string, command: string, args: string[]): string {
  return execFileSync(command, args, {
    cwd,
    env: { ...process.env, ...gitEnv },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** A repository with one commit on `main`, cloned from a bare `origin`. */
export function repoWithOrigin(root = tempDir()): { repo: string; origin: string } {
  const origin = join(root, 'origin.git');
  const repo = join(root, 'project');
  sh(root, 'git', ['init', '-q', '--bare', '-b', 'main', origin]);
  // The remote stands for GitHub, whose housekeeping does not run on the runner's CPU.
  sh(origin, 'git', ['config', 'receive.autogc', 'false']);
  sh(root, 'git', ['clone', '-q', origin, repo]);
  writeFileSync(join(repo, 'README.md'), '# project\n');
  sh(repo, 'git', ['add', '.']);
  sh(repo, 'git', ['commit', '-q', '-m', 'initial']);
  sh(repo, 'git', ['push', '-q', 'origin', 'HEAD:main']);
  sh(repo, 'git', ['remote', 'set-head', 'origin', 'main']);
  return { repo, origin };
}

/**
 * Where a scripted agent's scenario goes: a folder of its own, which the tests declare writable for
 * the sandbox (SAMOCODE_SANDBOX_WRITABLE_PATHS), since the agent counts its steps beside it.
 */
export function scenarioPath(root: string): string {
  mkdirSync(join(root, 'agent'), { recursive: true });
  return join(root, 'agent', 'scenario.json');
}

/**
 * Someone else pushes to `branch` of `origin` meanwhile: a clone of their own commits `files`
 * (as the fixed test identity) and pushes; returns their commit.
 */
export function pushFromOtherClone(
  origin: string,
  branch: string,
  files: Record<string, string>,
  message = 'theirs',
): string {
  const other = join(tempDir(), 'other');
  sh(tempDir(), 'git', ['clone', '-q', '--branch', branch, origin, other]);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(other, file), text);
  sh(other, 'git', ['add', '.']);
  sh(other, 'git', ['commit', '-q', '-m', message]);
  sh(other, 'git', ['push', '-q', 'origin', branch]);
  return sh(other, 'git', ['rev-parse', 'HEAD']);
}
