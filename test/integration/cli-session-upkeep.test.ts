// The session's upkeep through the built CLI: a failing run leaves nothing behind; a phase that
// `_overview.md` and `_state.json` disagree on stops every command until a person settles it;
// a finished session is reopened with a new task, and archived.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { CLI, cliProject } from '../support/cli-project.js';
import { gitEnv, sh } from '../support/temp.js';
import { finishingSteps } from '../support/scenario.js';

function branches(repo: string): string[] {
  return sh(repo, 'git', ['branch', '--list', '--format=%(refname:short)'])
    .split('\n')
    .filter(Boolean)
    .sort();
}

function entries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

describe('a run that fails leaves nothing behind', () => {
  it('creates no session folder, branch or worktree for bad flags, task, config, agent or worktree', async () => {
    const p = cliProject([]);
    const worktreesRoot = join(p.root, 'project-samocode', 'worktrees');
    const before = branches(p.repo);
    const nothingLeft = () => {
      expect(entries(p.sessionsRoot)).toEqual([]);
      expect(entries(worktreesRoot)).toEqual([]);
      expect(branches(p.repo)).toEqual(before);
    };

    const badFlag = await p.cli('run', '--task', 'x', '--max-iterations', '0');
    expect(badFlag.exitCode).toBe(2);
    nothingLeft();

    const badTask = await p.cli('run', '--task', '!!!');
    expect(badTask.exitCode).toBe(1);
    expect(badTask.stderr).toContain('cannot make a session name');
    nothingLeft();

    writeFileSync(join(p.repo, '.samocode'), 'SESSIONZ=../elsewhere\n');
    const badConfig = await p.cli('run', '--task', 'x');
    expect(badConfig.exitCode).toBe(1);
    expect(badConfig.stderr).toContain('unknown key SESSIONZ');
    nothingLeft();
    writeFileSync(join(p.repo, '.samocode'), 'GIT_BRANCH_PREFIX=bad..prefix\n');
    const badPrefix = await p.cli('run', '--task', 'x');
    expect(badPrefix.exitCode).toBe(1);
    expect(badPrefix.stderr).toContain('GIT_BRANCH_PREFIX');
    nothingLeft();
    writeFileSync(join(p.repo, '.samocode'), '');
    const noAgent = await execa(process.execPath, [CLI, 'run', '--task', 'x'], {
      cwd: p.repo,
      env: { ...gitEnv, HOME: join(p.root, 'home'), CLAUDE_PATH: '/nowhere/claude' },
      extendEnv: false,
      reject: false,
    });
    expect(noAgent.exitCode).toBe(1);
    expect(noAgent.stderr).toContain('"/nowhere/claude" (CLAUDE_PATH) was not found');
    nothingLeft();

    // The session's branch is checked out in the project itself: its worktree cannot be made.
    sh(p.repo, 'git', ['checkout', '--quiet', '-b', 'samocode/busy']);
    const busy = await p.cli('run', '--task', 'Busy branch', '--session', 'busy');
    expect(busy.exitCode).toBe(1);
    expect(busy.stderr).toContain('branch "samocode/busy" is checked out at');
    sh(p.repo, 'git', ['checkout', '--quiet', '-']);
    sh(p.repo, 'git', ['branch', '--quiet', '-D', 'samocode/busy']);
    nothingLeft();
  });

  it('refuses a folder that is no session of this engine before making its worktree', async () => {
    const p = cliProject([]);
    const worktreesRoot = join(p.root, 'project-samocode', 'worktrees');
    const folder = join(p.sessionsRoot, '26-01-15-old-task');
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, '_overview.md'),
      '# Session: old-task\n\n## Status\nPhase: planning\n',
    );
    const before = branches(p.repo);
    const run = await p.cli('run', '--session', 'old-task');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`${folder}/_state.json is missing`);
    expect(entries(worktreesRoot)).toEqual([]);
    expect(branches(p.repo)).toEqual(before);
    expect(entries(folder)).toEqual(['_overview.md']);
  });
});

describe('when _overview.md and _state.json name different phases', () => {
  it('every command refuses with both values and the command that settles it', async () => {
    const p = cliProject([
      { phase: 'init', signal: { status: 'blocked', reason: 'stop here' } },
      { phase: 'investigation', signal: { status: 'blocked', reason: 'moved on' } },
    ]);
    expect((await p.cli('run', '--task', 'Disagree', '--session', 'split')).exitCode).toBe(3);
    const [name = ''] = entries(p.sessionsRoot);
    const dir = join(p.sessionsRoot, name);
    const overviewFile = join(dir, '_overview.md');
    const stateFile = join(dir, '_state.json');
    writeFileSync(
      overviewFile,
      readFileSync(overviewFile, 'utf8').replace('Phase: init', 'Phase: investigation'),
    );
    const stateBefore = readFileSync(stateFile, 'utf8');
    for (const args of [
      ['status', 'split'],
      ['resume', 'split'],
      ['answer', 'split', '--reply', 'Q1: A'],
      ['approve', 'split'],
      ['skip', 'split', '--no-run'],
      ['run', '--session', 'split'],
    ]) {
      const run = await p.cli(...args);
      expect(run.exitCode, args.join(' ')).toBe(1);
      expect(run.stderr).toContain(
        `_overview.md says "Phase: investigation" but ${stateFile} says "init"`,
      );
      expect(run.stderr).toContain(`samocode sync-phase ${name} init`);
      expect(run.stderr).toContain(`samocode sync-phase ${name} investigation`);
    }
    expect(readFileSync(stateFile, 'utf8')).toBe(stateBefore);
    expect(p.calls()).toHaveLength(1);

    const wrong = await p.cli('sync-phase', 'split', 'testing');
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain('pick init (_state.json) or investigation (_overview.md)');
    // Taking the overview's phase moves the session there, and it runs again.
    const settled = await p.cli('sync-phase', 'split', 'investigation');
    expect(settled.exitCode).toBe(0);
    expect(settled.stdout).toContain('phase set from init to investigation');
    const run = await p.cli('run', '--session', 'split');
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain('Blocked: moved on');
    expect(p.calls().map((c) => c.phase)).toEqual(['init', 'investigation']);
  });

  it('keeping the state phase rewrites only the overview line', async () => {
    const p = cliProject([{ phase: 'init', signal: { status: 'blocked', reason: 'stop here' } }]);
    await p.cli('run', '--task', 'Disagree', '--session', 'keep');
    const [name = ''] = entries(p.sessionsRoot);
    const overviewFile = join(p.sessionsRoot, name, '_overview.md');
    writeFileSync(
      overviewFile,
      readFileSync(overviewFile, 'utf8').replace('Phase: init', 'Phase: quality'),
    );
    const kept = await p.cli('sync-phase', 'keep', 'init');
    expect(kept.exitCode).toBe(0);
    expect(readFileSync(overviewFile, 'utf8')).toContain('Phase: init');
    const status = await p.cli('status', 'keep');
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toMatch(/person +init +sync-phase/);
  });
});

describe('reopen and archive', () => {
  it('takes a done session back to implementation with a new task, then archives it', async () => {
    const p = cliProject([
      { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
      { phase: 'investigation', signal: { status: 'blocked', reason: 'skip ahead' } },
      ...finishingSteps('first round'),
      ...finishingSteps('second round', {
        expect: [{ file: '_overview.md', contains: 'Also greet in French' }],
      }),
    ]);
    expect((await p.cli('run', '--task', 'Greet', '--session', 'greet')).exitCode).toBe(3);
    for (let i = 0; i < 3; i++) await p.cli('skip', 'greet', '--no-run');
    expect((await p.cli('run', '--session', 'greet')).exitCode).toBe(0);

    const unfinishedTask = await p.cli('reopen', 'greet');
    expect(unfinishedTask.exitCode).toBe(2);
    const reopened = await p.cli('reopen', 'greet', '--task', 'Also greet in French');
    expect(reopened.exitCode).toBe(0);
    expect(reopened.stdout).toContain('reopened in implementation');
    const again = await p.cli('reopen', 'greet', '--task', 'more');
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('only a finished session is reopened');
    const running = await p.cli('archive');
    expect(running.stdout).toContain('No finished sessions to archive');
    const notDone = await p.cli('archive', 'greet');
    expect(notDone.exitCode).toBe(1);
    expect(notDone.stderr).toContain('is not finished (running in implementation)');

    const second = await p.cli('run', '--session', 'greet', '--json');
    expect(second.exitCode).toBe(0);
    const [name = ''] = entries(p.sessionsRoot);
    const state = JSON.parse(readFileSync(join(p.sessionsRoot, name, '_state.json'), 'utf8')) as {
      status: string;
      summary: string;
      task: string;
    };
    expect(state).toMatchObject({ status: 'done', summary: 'second round' });
    expect(state.task).toContain('Also greet in French');
    expect(p.calls().map((c) => c.phase)).toEqual([
      'init',
      'investigation',
      'implementation',
      'testing',
      'done',
      'implementation',
      'testing',
      'done',
    ]);

    const archived = await p.cli('archive');
    expect(archived.exitCode).toBe(0);
    expect(archived.stdout).toContain(
      `Archived ${name} to ${join(p.sessionsRoot, '_archive', name)}`,
    );
    expect(entries(p.sessionsRoot)).toEqual(['_archive']);
    expect(entries(join(p.sessionsRoot, '_archive', name))).toContain('_state.json');
    const status = await p.cli('status');
    expect(status.stdout).toContain('No sessions in');
  });

  it('archives an unfinished session only when forced', async () => {
    const p = cliProject([{ phase: 'init', signal: { status: 'blocked', reason: 'halt' } }]);
    await p.cli('run', '--task', 'Halt', '--session', 'halt');
    expect((await p.cli('archive')).stdout).toContain('No finished sessions to archive');
    expect((await p.cli('archive', 'halt')).exitCode).toBe(1);
    const forced = await p.cli('archive', 'halt', '--force');
    expect(forced.exitCode).toBe(0);
    expect(entries(p.sessionsRoot)).toEqual(['_archive']);
  });
});
