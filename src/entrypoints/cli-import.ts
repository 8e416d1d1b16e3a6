// `samocode import <folder>`: a session folder of the original Python tool, in the sessions folder
// `.samocode` names (the original reads the same MAIN_REPO, WORKTREES and SESSIONS keys), made
// into one this engine runs, on the branch and worktree the original made for it.
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isSessionName, sessionBranch, slugOf } from '../core/session-name.js';
import type { CliSettings } from '../adapters/cli-settings.js';
import { fsSessionStore } from '../adapters/fs-session-store.js';
import { git } from '../adapters/git-cli.js';
import { systemClock } from '../adapters/system-clock.js';
import { importSession } from '../app/import-session.js';
import { SessionError } from '../app/session-files.js';
import type { Write } from './cli-output.js';

export const IMPORT_USAGE = `  samocode import <folder>                 make a session folder of the original tool one samocode runs`;

export async function importCommand(input: {
  folder: string | undefined;
  cwd: string;
  settings: () => CliSettings;
  out: Write;
}): Promise<number> {
  if (!input.folder) throw new SessionError('import needs the session folder (a path or its name)');
  const settings = input.settings();
  const given = input.folder.includes('/') ? resolve(input.cwd, input.folder) : undefined;
  const name = given ? basename(given) : input.folder;
  if (given && resolve(dirname(given)) !== resolve(settings.sessions))
    throw new SessionError(
      `${given} is not in the sessions folder ${settings.sessions}: move it there, or set SESSIONS in .samocode to ${dirname(given)} (as the original's .samocode does)`,
    );
  const store = fsSessionStore(settings.sessions);
  if (!existsSync(store.dir(name)))
    throw new SessionError(`no folder ${store.dir(name)} to import`);
  if (!isSessionName(name))
    throw new SessionError(
      `"${name}" is not a session name this engine reads (YY-MM-DD-<lowercase letters, digits, dashes>): rename the folder (and its worktree), then import it`,
    );
  const branch = await originalBranch(settings, name);
  const result = await importSession(
    {
      store,
      clock: systemClock,
      rename: (session, from, to) =>
        rename(join(store.dir(session), from), join(store.dir(session), to)),
    },
    name,
    branch === sessionBranch(name, settings.branchPrefix) ? undefined : branch,
  );
  input.out(
    `Imported ${name}: ${result.state.status} in phase ${result.state.phase}, on branch ${branch}.`,
  );
  for (const note of result.notes) input.out(`  ${note}`);
  for (const [from, to] of result.renamed) input.out(`  renamed ${from} → ${to}`);
  input.out(`Continue with:  ${nextCommand(name, result.state)}`);
  return 0;
}

/**
 * The branch the original made: the one its worktree (WORKTREES/<name>) has checked out; else an
 * existing `<GIT_BRANCH_PREFIX>/<slug>`, or `<slug>` (the original without a prefix); else the
 * branch this engine will make.
 */
async function originalBranch(settings: CliSettings, name: string): Promise<string> {
  const workDir = join(settings.worktrees, name);
  if (existsSync(workDir)) {
    const branch = await git(workDir, ['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(
      () => '',
    );
    if (!branch)
      throw new SessionError(
        `${workDir} is not a git worktree on a branch: check out the session's branch there, then import again`,
      );
    return branch;
  }
  for (const candidate of [sessionBranch(name, settings.branchPrefix), slugOf(name)]) {
    const found = await git(settings.repo, [
      'rev-parse',
      '--verify',
      '--quiet',
      `refs/heads/${candidate}`,
    ]).catch(() => '');
    if (found) return candidate;
  }
  return sessionBranch(name, settings.branchPrefix);
}

function nextCommand(name: string, state: { status: string; waitingFor?: string }): string {
  if (state.waitingFor === 'qa_answers') return `samocode answer ${name}`;
  if (state.waitingFor === 'plan_approval') return `samocode approve ${name}`;
  if (state.status === 'blocked' || state.status === 'waiting') return `samocode resume ${name}`;
  if (state.status === 'done')
    return `samocode reopen ${name} --task "…" (or samocode archive ${name})`;
  return `samocode run --session ${name}`;
}
