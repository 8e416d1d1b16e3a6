// The live progress view of `samocode run`: on a terminal (a real pseudo-terminal from `script`),
// a line redrawn in place with phase, iteration, elapsed time and the agent's current tool; plain
// lines when stdout is a pipe.
import { writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { liveProgress, liveText } from '../../src/entrypoints/cli-output.js';
import { gitEnv, repoWithOrigin, tempDir, scenarioPath } from '../support/temp.js';

describe('live line', () => {
  it('says phase, iteration, elapsed time and the current tool', () => {
    expect(
      liveText({
        iteration: 3,
        phase: 'implementation',
        phaseIteration: 2,
        elapsedMs: 65_400,
        activity: 'Edit src/x.ts',
        frame: 2,
      }),
    ).toBe('⠹ #3 implementation (2 in phase) · 1m05s · Edit src/x.ts');
    const long = liveText({
      iteration: 1,
      phase: 'init',
      phaseIteration: 1,
      elapsedMs: 1_000,
      activity: 'Write /tmp/a/very/long/path/to/the/worktree/notes.txt',
      frame: 0,
      width: 60,
    });
    expect(long).toBe('⠋ #1 init (1 in phase) · 1s · Write …the/worktree/notes.txt');
    expect(long.length).toBe(59);
    expect(
      liveText({ iteration: 1, phase: 'init', phaseIteration: 1, elapsedMs: 0, frame: 0 }),
    ).toBe('⠋ #1 init (1 in phase) · 0s · starting the agent');
  });

  it('clears itself before each event line and is gone after the iteration', () => {
    const screen: string[] = [];
    let now = 1_000;
    const view = liveProgress(
      {
        show: (t) => screen.push(`live:${t}`),
        clear: () => screen.push('clear'),
        width: () => 200,
      },
      (line) => screen.push(`line:${line.trim()}`),
      () => now,
    );
    view.event({
      type: 'iteration-start',
      iteration: 1,
      phase: 'init',
      phaseIteration: 1,
      attempt: 1,
    });
    now += 2_000;
    view.event({ type: 'agent-activity', text: 'Bash npm test' });
    view.stop();
    expect(screen).toEqual([
      'clear',
      expect.stringMatching(/^line:\[\d\d:\d\d:\d\d\] #1 init \(phase iteration 1\)$/),
      'live:⠋ #1 init (1 in phase) · 0s · starting the agent',
      'clear',
      'line:· Bash npm test',
      'live:⠙ #1 init (1 in phase) · 2s · Bash npm test',
      'clear',
    ]);
  });
});

describe('samocode run on a terminal', () => {
  const setup = () => {
    const root = tempDir('samocode-live-');
    const { repo } = repoWithOrigin(root);
    const scenario = scenarioPath(root);
    writeFileSync(
      scenario,
      JSON.stringify({
        steps: [
          {
            phase: 'init',
            work: { 'notes.txt': 'x\n' },
            hangMs: 2_500,
            signal: { status: 'blocked', reason: 'seen live' },
          },
        ],
      }),
    );
    const env = {
      ...gitEnv,
      HOME: join(root, 'home'),
      PATH: process.env.PATH ?? '',
      TERM: 'xterm',
      CLAUDE_PATH: resolve('test/fixtures/scripted-agent.mjs'),
      SCRIPTED_AGENT_SCENARIO: scenario,
      SAMOCODE_SANDBOX_WRITABLE_PATHS: dirname(scenario),
    };
    return { repo, env };
  };

  it('redraws one live line in place while the agent works', async () => {
    const { repo, env } = setup();
    const command = `${process.execPath} ${resolve('dist/cli.js')} run --task Live --session live`;
    // `script` gives the CLI a real pseudo-terminal; its output is what a person would see.
    const run = await execa('script', ['-qfec', command, '/dev/null'], {
      cwd: repo,
      env,
      extendEnv: false,
      reject: false,
    });
    expect(run.exitCode).toBe(3);
    const screen = run.stdout;
    expect(screen).toContain('\r\x1b[2K⠋ #1 init (1 in phase) · 0s · ');
    // Redrawn by the timer while the agent is quiet, with the tool it last started.
    const redraws = screen
      .split('\r\x1b[2K')
      .filter((part) => / #1 init \(1 in phase\) · [12]s · Write /.test(part));
    expect(redraws.length).toBeGreaterThan(0);
    expect(redraws[0]).toMatch(/Write \S*notes\.txt$/);
    expect(screen).toContain('Blocked: seen live');
  });

  it('prints plain lines, without terminal codes, when stdout is a pipe', async () => {
    const { repo, env } = setup();
    const run = await execa(
      process.execPath,
      [resolve('dist/cli.js'), 'run', '--task', 'Plain', '--session', 'plain'],
      { cwd: repo, env, extendEnv: false, reject: false },
    );
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain('Blocked: seen live');
    expect(run.stdout).not.toContain('\x1b');
    expect(run.stdout).not.toContain('\r');
  });
});
