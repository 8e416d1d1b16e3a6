// The CLI telling a person the truth and getting them unstuck: the editor only when it is needed,
// `status` in the CLI's own words, a lost overview rebuilt, an orphaned agent stopped, and at the
// end the exact commands to merge and clean up.
import {
  chmodSync,
  existsSync,
  rmSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, cliProject } from '../support/cli-project.js';
import { claudeBinary, claudeEnv } from '../support/claude-cli.js';
import { startFakeAnthropic } from '../support/fake-anthropic.js';
import { until } from '../support/wait.js';

const qa = `## Q1: Greeting style?
- A) formal
- B) casual

Answer:

## Q2: Where to print it?
- A) stdout
- B) a log file

Answer:
`;

const askThenBlock = [
  { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
  { phase: 'investigation', signal: { status: 'continue', phase: 'requirements' } },
  {
    phase: 'requirements',
    files: { '_qa.md': qa },
    signal: { status: 'waiting', for: 'qa_answers', phase: 'requirements' },
  },
  {
    phase: 'requirements',
    expect: [{ file: '_qa.md', contains: 'Answer: B' }],
    signal: { status: 'blocked', reason: 'answers read' },
  },
];

/** An editor that notes it was opened and fills every empty answer with "B". */
function recordingEditor(root: string): { editor: string; opened: () => boolean } {
  const marker = join(root, 'editor-opened');
  const editor = join(root, 'editor.sh');
  writeFileSync(
    editor,
    `#!/bin/sh\necho "$1" >> '${marker}'\nsed -i 's/^Answer:$/Answer: B/' "$1"\n`,
  );
  chmodSync(editor, 0o755);
  return { editor, opened: () => existsSync(marker) };
}

/** Runs the built CLI on a real pseudo-terminal (`script`), as a person at a terminal does. */
async function atTerminal(
  p: ReturnType<typeof cliProject>,
  env: Record<string, string>,
  ...args: string[]
) {
  const command = [process.execPath, CLI, ...args].join(' ');
  return execa('script', ['-qfec', command, '/dev/null'], {
    cwd: p.repo,
    env: { ...p.env, TERM: 'xterm', ...env },
    extendEnv: false,
    reject: false,
  });
}

describe('samocode answer at a terminal', () => {
  it('records answers already written in _qa.md without opening the editor', async () => {
    const p = cliProject(askThenBlock);
    await p.cli('run', '--task', 'Greet', '--session', 'edited');
    const [name = ''] = readdirSync(p.sessionsRoot);
    const file = join(p.sessionsRoot, name, '_qa.md');
    // The README's flow: edit the file first, then run `answer`.
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll(/^Answer:$/gm, 'Answer: B'));
    const { editor, opened } = recordingEditor(p.root);
    const answered = await atTerminal(p, { EDITOR: editor }, 'answer', 'edited');
    expect(opened()).toBe(false);
    expect(answered.stdout).toContain(`Answers recorded for ${name}.`);
    expect(answered.stdout).toContain('Blocked: answers read');
  });

  it('opens the editor on _qa.md when its questions are still unanswered', async () => {
    const p = cliProject(askThenBlock);
    await p.cli('run', '--task', 'Greet', '--session', 'untouched');
    const [name = ''] = readdirSync(p.sessionsRoot);
    const { editor, opened } = recordingEditor(p.root);
    const answered = await atTerminal(p, { EDITOR: editor }, 'answer', 'untouched');
    expect(opened()).toBe(true);
    expect(readFileSync(join(p.root, 'editor-opened'), 'utf8').trim()).toBe(
      join(p.sessionsRoot, name, '_qa.md'),
    );
    expect(answered.stdout).toContain('Blocked: answers read');
  });
});

describe('samocode status in its own words', () => {
  it('calls a session no process runs idle and gives the command that continues it', async () => {
    const p = cliProject([{ phase: 'init', signal: { status: 'continue' } }]);
    const run = await p.cli(
      'run',
      '--task',
      'Pause',
      '--session',
      'paused',
      '--max-iterations',
      '1',
    );
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Paused after 1 iteration this run.');
    const [name = ''] = readdirSync(p.sessionsRoot);
    const status = await p.cli('status', 'paused');
    expect(status.stdout).toContain('Status:      idle\n');
    expect(status.stdout).toContain('Phase:       init (1 iteration in phase, 1 in all)');
    expect(status.stdout).toContain(`Next:        continue it:  samocode run --session ${name}`);
    expect(status.stdout).toContain('Totals:      1 agent run, 2 turns, 135 tokens, $0.01');
    const list = await p.cli('status');
    expect(list.stdout).toMatch(new RegExp(`^${name} +idle +init +#1  \\$0\\.01$`, 'm'));
  });

  it('gives the exact command at the questions gate', async () => {
    const p = cliProject(askThenBlock);
    await p.cli('run', '--task', 'Greet', '--session', 'gate');
    const [name = ''] = readdirSync(p.sessionsRoot);
    const status = await p.cli('status', 'gate');
    expect(status.stdout).toContain('Status:      waiting (for qa_answers)');
    expect(status.stdout).toContain(
      `Next:        answer the questions in _qa.md, then:  samocode answer ${name}`,
    );
  });
});

describe('a finished session', () => {
  it('says how to merge its branch and clean its worktree, and both commands work', async () => {
    const p = cliProject([
      { phase: 'init', signal: { status: 'blocked', reason: 'skip ahead' } },
      {
        phase: 'done',
        work: { 'hello.txt': 'hello\n' },
        signal: { status: 'done', summary: 'Said hello', phase: 'done' },
      },
    ]);
    await p.cli('run', '--task', 'Say hello', '--session', 'hello');
    const [name = ''] = readdirSync(p.sessionsRoot);
    for (let i = 0; i < 7; i++) expect((await p.cli('skip', 'hello', '--no-run')).exitCode).toBe(0);
    const done = await p.cli('run', '--session', 'hello');
    expect(done.exitCode).toBe(0);
    expect(done.stdout).toContain('Done: Said hello');
    const merge = done.stdout.split('\n').find((l) => l.includes('Merge it into your checkout:'));
    expect(merge).toBe(`  Merge it into your checkout:  git -C ${p.repo} merge samocode/hello`);
    expect(done.stdout).toContain(`  Then remove its worktree:     samocode clean ${name}`);

    // What status says of it is the person's next move, not the agent's first plan.
    const status = await p.cli('status', 'hello');
    expect(status.stdout).toContain(`Next:        merge its branch, then:  samocode clean ${name}`);
    const rewind = await p.cli('rewind', 'hello', 'init', '--no-run');
    expect(rewind.stderr).toContain('is done; start a new session for more work');
    expect(rewind.stderr).not.toContain('pull request');

    // The printed command, run as printed.
    await execa('sh', ['-c', (merge ?? '').split(':  ')[1] ?? ''], {
      env: p.env,
      extendEnv: false,
    });
    expect(readFileSync(join(p.repo, 'hello.txt'), 'utf8')).toBe('hello\n');
    const worktree = join(p.root, 'project-samocode', 'worktrees', name);
    expect(existsSync(worktree)).toBe(true);
    const clean = await p.cli('clean', 'hello');
    expect(clean.stderr).toBe('');
    expect(clean.exitCode).toBe(0);
    expect(clean.stdout).toContain(`Removed the worktree ${worktree}.`);
    expect(existsSync(worktree)).toBe(false);
    const branches = await execa('git', ['branch', '--list', 'samocode/hello'], { cwd: p.repo });
    expect(branches.stdout).toContain('samocode/hello');
    expect((await p.cli('clean', 'hello')).stdout).toContain('No worktree to remove');
  });

  it('keeps a worktree with changes never committed unless told to drop them', async () => {
    const p = cliProject([{ phase: 'init', signal: { status: 'blocked', reason: 'stop here' } }]);
    await p.cli('run', '--task', 'Keep', '--session', 'keep');
    const [name = ''] = readdirSync(p.sessionsRoot);
    const worktree = join(p.root, 'project-samocode', 'worktrees', name);
    writeFileSync(join(worktree, 'scratch.txt'), 'mine\n');
    const refused = await p.cli('clean', 'keep');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('has 1 change(s) that were never committed (?? scratch.txt)');
    expect(existsSync(worktree)).toBe(true);
    expect((await p.cli('clean', 'keep', '--force')).exitCode).toBe(0);
    expect(existsSync(worktree)).toBe(false);
  });
});

describe('checked before a session is created', () => {
  it('finds a relative CLAUDE_PATH of .samocode beside that file, run from a subfolder', async () => {
    const p = cliProject([{ phase: 'init', signal: { status: 'blocked', reason: 'agent found' } }]);
    mkdirSync(join(p.repo, 'tools'));
    symlinkSync(resolve('test/fixtures/scripted-agent.mjs'), join(p.repo, 'tools', 'agent'));
    writeFileSync(join(p.repo, '.samocode'), 'CLAUDE_PATH=./tools/agent\n');
    const sub = join(p.repo, 'docs');
    mkdirSync(sub);
    const { CLAUDE_PATH: _unset, ...env } = p.env;
    const run = await execa(
      process.execPath,
      [CLI, 'run', '--task', 'Find me', '--session', 'rel'],
      {
        cwd: sub,
        env,
        extendEnv: false,
        reject: false,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Blocked: agent found');
  });

  it.each([
    [
      'an API answering 500',
      'fake',
      /· API error 500 \([^)]*\), retrying \(attempt 1 of 2\) in \d+s/,
    ],
    [
      'an API nobody answers',
      'http://127.0.0.1:9',
      // Outside the sandbox the connection is refused; inside, its egress proxy answers 502.
      /· API (unreachable|error 502 \(server_error\)), retrying \(attempt 1 of 2\) in \d+s/,
    ],
  ])('shows the real Claude CLI retrying %s as it happens', async (_what, where, line) => {
    const fake = await startFakeAnthropic(() => ({ status: 500, message: 'scripted outage' }));
    try {
      const p = cliProject([]);
      const env = {
        ...p.env,
        ...claudeEnv(where === 'fake' ? fake.url : where, join(p.root, 'home')),
        CLAUDE_PATH: claudeBinary(),
        CLAUDE_CODE_MAX_RETRIES: '2',
        SAMOCODE_MAX_RETRIES: '0',
      };
      const run = await execa(
        process.execPath,
        [CLI, 'run', '--task', 'Offline', '--session', 'off'],
        {
          cwd: p.repo,
          env,
          extendEnv: false,
          reject: false,
        },
      );
      expect(run.exitCode).toBe(3);
      expect(run.stdout).toMatch(line);
      expect(run.stdout).toMatch(/retrying \(attempt 2 of 2\)/);
    } finally {
      await fake.close();
    }
  });
});

describe('recovery', () => {
  it('rebuilds a lost _overview.md from _state.json on resume, before the agent runs', async () => {
    const p = cliProject([
      {
        phase: 'init',
        files: { 'notes.md': '# Notes\n' },
        signal: { status: 'continue', phase: 'investigation' },
      },
      { phase: 'investigation', signal: { status: 'blocked', reason: 'stop for a moment' } },
      {
        phase: 'investigation',
        expect: [
          { file: '_overview.md', contains: 'Phase: investigation' },
          { file: '_overview.md', contains: '- notes.md' },
        ],
        signal: { status: 'blocked', reason: 'found my way back' },
      },
    ]);
    await p.cli('run', '--task', 'Lose the overview', '--session', 'lost');
    const [name = ''] = readdirSync(p.sessionsRoot);
    const overview = join(p.sessionsRoot, name, '_overview.md');
    rmSync(overview);
    const resumed = await p.cli('resume', 'lost');
    expect(resumed.stdout).toContain('Blocked: found my way back');
    expect(p.calls()).toHaveLength(3);
    const text = readFileSync(overview, 'utf8');
    expect(text).toContain('## Task\nLose the overview');
    expect(text).toContain('_overview.md was missing; rebuilt from _state.json');
  });
});

describe('an agent left running by a run that died', () => {
  const alive = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  };

  it('is stopped by resume before the session goes on', async () => {
    const p = cliProject([
      { phase: 'init', markFile: '', hangMs: 120_000, signal: { status: 'continue' } },
      { phase: 'init', signal: { status: 'blocked', reason: 'resumed alone' } },
    ]);
    const mark = join(p.agentDir, 'agent-running');
    const scenario = join(p.agentDir, 'scenario.json');
    const steps = JSON.parse(readFileSync(scenario, 'utf8')) as { steps: object[] };
    (steps.steps[0] as Record<string, unknown>).markFile = mark;
    writeFileSync(scenario, JSON.stringify(steps));
    // Outside the sandbox, whose bubblewrap dies with its parent: the agent outlives a killed run.
    const env = { ...p.env, SAMOCODE_SANDBOX: 'false' };
    const running = execa(
      process.execPath,
      [CLI, 'run', '--task', 'Orphan', '--session', 'orphan'],
      { cwd: p.repo, env, extendEnv: false, reject: false },
    );
    await until(() => existsSync(mark) && readFileSync(mark, 'utf8') !== '', 'the agent to start');
    const agent = Number(readFileSync(mark, 'utf8'));
    running.kill('SIGKILL');
    await running;
    expect(alive(agent)).toBe(true);

    const resumed = await execa(process.execPath, [CLI, 'resume', 'orphan'], {
      cwd: p.repo,
      env,
      extendEnv: false,
      reject: false,
    });
    expect(resumed.stderr).toContain(
      `samocode: stopped the agent (pid ${agent}) that an earlier run of this session left running`,
    );
    expect(alive(agent)).toBe(false);
    expect(resumed.stdout).toContain('Blocked: resumed alone');
    const [name = ''] = readdirSync(p.sessionsRoot);
    expect(existsSync(join(p.sessionsRoot, name, '.samocode-agent.pid'))).toBe(false);
  });

  it('leaves alone a process that has the recorded pid but is not that agent', async () => {
    const p = cliProject([{ phase: 'init', signal: { status: 'blocked', reason: 'ran' } }]);
    await p.cli('run', '--task', 'Reused pid', '--session', 'reused');
    const [name = ''] = readdirSync(p.sessionsRoot);
    const pidFile = join(p.sessionsRoot, name, '.samocode-agent.pid');
    const stranger = execa(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], {
      detached: true,
      reject: false,
    });
    try {
      const pid = stranger.pid ?? 0;
      // The pid file of an agent long gone, whose pid the system has since given to `stranger`.
      writeFileSync(pidFile, JSON.stringify({ pid, start: '1' }));
      const resumed = await p.cli('resume', 'reused');
      expect(resumed.stderr).not.toContain('stopped the agent');
      expect(alive(pid)).toBe(true);
      expect(existsSync(pidFile)).toBe(false);
    } finally {
      stranger.kill('SIGKILL');
      await stranger;
    }
  });
});
