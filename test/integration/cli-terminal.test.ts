// The CLI at a terminal's edges: a reader that goes away, a terminal that closes, and --json that
// is JSON on every line.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { processesMentioning } from '../support/claude-cli.js';
import { gitEnv, tempDir } from '../support/temp.js';
import { until } from '../support/wait.js';
import { CLI, cliProject } from '../support/cli-project.js';

const project = cliProject;

describe('samocode at a terminal', () => {
  it('prints only JSON lines under --json, the first one included', async () => {
    const p = project([{ phase: 'init', signal: { status: 'blocked', reason: 'one step' } }]);
    const run = await p.cli('run', '--task', 'Json', '--session', 'json', '--json');
    expect(run.exitCode).toBe(3);
    const lines = run.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      started: { session: expect.stringMatching(/-json$/) },
    });
  });

  it('ends quietly when its reader goes away, as `samocode status | head -1` does', async () => {
    const p = project([{ phase: 'init', signal: { status: 'blocked', reason: 'one step' } }]);
    await p.cli('run', '--task', 'Piped', '--session', 'piped');
    const status = p.cli('status', 'piped');
    // The reader closes before the first line is written: every write meets a closed pipe.
    status.stdout?.destroy();
    const done = await status;
    expect(done.exitCode).toBe(0);
    expect(done.stderr).toBe('');
  });

  it('treats a closed terminal (SIGHUP) like Ctrl-C: the agent stops, the session can resume', async () => {
    const p = project([
      { phase: 'init', markFile: '', hangMs: 60_000, signal: { status: 'continue' } },
      { phase: 'init', signal: { status: 'blocked', reason: 'resumed after the hangup' } },
    ]);
    const mark = join(p.agentDir, 'agent-running');
    const scenario = join(p.agentDir, 'scenario.json');
    const steps = JSON.parse(readFileSync(scenario, 'utf8')) as { steps: object[] };
    (steps.steps[0] as Record<string, unknown>).markFile = mark;
    writeFileSync(scenario, JSON.stringify(steps));
    const running = p.cli('run', '--task', 'Hang up', '--session', 'hangup');
    await until(() => existsSync(mark), 'the agent to start', 30_000);
    running.kill('SIGHUP');
    const stopped = await running;
    expect(stopped.stderr).toContain('SIGHUP received; stopping the agent and saving the session');
    expect(processesMentioning(p.agentDir)).toEqual([]);
    const resumed = await p.cli('resume', 'hangup');
    expect(resumed.stdout).toContain('Blocked: resumed after the hangup');
  });

  it('checks flags and the repository before it creates anything', async () => {
    const p = project([]);
    const bad = await p.cli('run', '--task', 'Nope', '--max-iterations', 'abc');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain(
      '--max-iterations must be a whole number of at least 1 (got "abc")',
    );
    expect(existsSync(join(p.root, 'project-samocode'))).toBe(false);

    const empty = join(tempDir(), 'empty');
    await execa('git', ['init', '-q', empty]);
    const fresh = await execa(process.execPath, [CLI, 'run', '--task', 'First'], {
      cwd: empty,
      env: { ...gitEnv, PATH: process.env.PATH ?? '', HOME: join(p.root, 'home') },
      extendEnv: false,
      reject: false,
    });
    expect(fresh.exitCode).toBe(1);
    expect(fresh.stderr).toContain('has no commits yet');
    expect(fresh.stderr).not.toContain('    at ');
    expect(existsSync(`${empty}-samocode`)).toBe(false);
  });

  it('restores a corrupt _state.json from the copy its last save kept', async () => {
    const p = project([
      { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
      { phase: 'investigation', signal: { status: 'blocked', reason: 'two steps' } },
    ]);
    await p.cli('run', '--task', 'Corrupt', '--session', 'corrupt');
    const sessions = join(p.root, 'project-samocode', 'sessions');
    const dir = join(sessions, readdirSync(sessions)[0] ?? '');
    writeFileSync(join(dir, '_state.json'), '{"half a fi');
    const status = await p.cli('status', 'corrupt');
    expect(status.stderr).toBe('');
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain('init');
    expect(
      () => JSON.parse(readFileSync(join(dir, '_state.json'), 'utf8')) as unknown,
    ).not.toThrow();
  });

  it('warns at run that uncommitted changes of the checkout stay out of the session', async () => {
    const p = project([{ phase: 'init', signal: { status: 'blocked', reason: 'one step' } }]);
    writeFileSync(join(p.repo, 'README.md'), 'changed but not committed\n');
    const run = await p.cli('run', '--task', 'Dirty', '--session', 'dirty');
    expect(run.stderr).toContain(
      'has 1 uncommitted change; the session works in a worktree of the last commit and will not see them',
    );
    const clean = cliProject([{ phase: 'init', signal: { status: 'blocked', reason: 'x' } }]);
    expect((await clean.cli('run', '--task', 'Clean', '--session', 'clean')).stderr).toBe('');
  });
});
