// A whole session through the built CLI: real processes, real git worktree, a scripted agent
// standing in for the model, both gates answered with `samocode answer` / `revise` / `approve`.
import { existsSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gitEnv, sh } from '../support/temp.js';
import { until } from '../support/wait.js';
import { CLI, cliProject } from '../support/cli-project.js';

const project = cliProject;

const qa = `## Q1: Greeting style?
- A) formal
- B) casual
Suggestion: B — friendlier

Answer:

## Q2: Where to print it?
- A) stdout
- B) a log file
Suggestion: A

Answer:
`;

const fullSession = [
  { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
  {
    phase: 'investigation',
    files: { '11-25-10:00-dive-greeting.md': '# Dive\nThe CLI prints nothing yet.\n' },
    signal: { status: 'continue', phase: 'requirements' },
  },
  {
    phase: 'requirements',
    files: { '_qa.md': qa },
    signal: { status: 'waiting', for: 'qa_answers', phase: 'requirements' },
  },
  {
    phase: 'requirements',
    expect: [
      { file: '_qa.md', contains: 'Answer: B) casual' },
      { file: '_qa.md', contains: 'Answer: A) stdout — keep it simple' },
    ],
    signal: { status: 'continue', phase: 'planning' },
  },
  {
    phase: 'planning',
    files: { '11-25-11:00-plan-greeting.md': '# Plan\n- [ ] print hello\n' },
    signal: { status: 'waiting', for: 'plan_approval', phase: 'planning' },
  },
  {
    phase: 'planning',
    expect: [{ file: '_review.md', contains: 'Also print the date' }],
    files: { '11-25-11:00-plan-greeting.md': '# Plan\n- [ ] print hello and the date\n' },
    signal: { status: 'waiting', for: 'plan_approval', phase: 'planning' },
  },
  {
    phase: 'implementation',
    work: { 'src/greeting.txt': 'hello, and today is Wednesday\n' },
    signal: { status: 'continue', phase: 'testing' },
  },
  {
    phase: 'testing',
    expect: [{ file: 'src/greeting.txt', contains: 'hello', work: true }],
    signal: { status: 'continue', phase: 'quality' },
  },
  { phase: 'quality', signal: { status: 'continue', phase: 'done' } },
  {
    phase: 'done',
    files: { '11-25-12:00-summary-greeting.md': '# Summary\nGreeting added.\n' },
    signal: { status: 'done', summary: 'Greeting added', phase: 'done' },
  },
];

describe('samocode CLI, a whole session', () => {
  it('runs init → done through both gates, committing the work on the session branch', async () => {
    const p = project(fullSession);

    const start = await p.cli(
      'run',
      '--task',
      'Print a greeting',
      '--dive',
      'the entry point',
      '--session',
      'greeting',
    );
    expect(start.stderr).toBe('');
    expect(start.exitCode).toBe(0);
    expect(start.stdout).toMatch(/Started session \d{2}-\d{2}-\d{2}-greeting/);
    expect(start.stdout).toContain('Waiting for answers to the questions in _qa.md.');
    expect(start.stdout).toContain('samocode answer');
    const [name] = readdirSync(p.sessionsRoot);
    if (!name) throw new Error('no session folder');
    const dir = join(p.sessionsRoot, name);

    const partial = await p.cli('answer', 'greeting', '--reply', 'Q1: B');
    expect(partial.exitCode).toBe(1);
    expect(partial.stderr).toContain('Recorded answers to Q1. Still unanswered');
    expect(partial.stderr).toContain('Q2. The session keeps waiting.');

    const answered = await p.cli('answer', 'greeting', '--reply', '2) A — keep it simple');
    expect(answered.exitCode).toBe(0);
    expect(answered.stdout).toContain(`Answers recorded for ${name}.`);
    expect(answered.stdout).toContain('Waiting for approval of the plan.');

    const revised = await p.cli('revise', 'greeting', '--feedback', 'Also print the date');
    expect(revised.exitCode).toBe(0);
    expect(revised.stdout).toContain('Waiting for approval of the plan.');

    const approved = await p.cli('approve', 'greeting');
    expect(approved.stderr).toBe('');
    expect(approved.exitCode).toBe(0);
    expect(approved.stdout).toContain('Done: Greeting added');
    expect(approved.stdout).toContain('· Write'); // the agent's tool calls, summarised

    // The session folder tells the whole story.
    const state = JSON.parse(readFileSync(join(dir, '_state.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(state).toMatchObject({
      status: 'done',
      phase: 'done',
      iteration: 10,
      summary: 'Greeting added',
    });
    expect(readFileSync(join(dir, '_overview.md'), 'utf8')).toContain(
      'Phase: done\nTotal Iterations: 10',
    );
    const history = readFileSync(join(dir, '_signal_history.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(history.filter((r) => r.kind === 'iteration').map((r) => r.phase)).toEqual([
      'init',
      'investigation',
      'requirements',
      'requirements',
      'planning',
      'planning',
      'implementation',
      'testing',
      'quality',
      'done',
    ]);
    expect(history.filter((r) => r.kind === 'human').map((r) => r.action)).toEqual([
      'answers',
      'changes',
      'approve',
    ]);
    expect(history[0]).toMatchObject({
      costUsd: 0.01,
      turns: 2,
      inputTokens: 115,
      outputTokens: 20,
      agentSessionId: 'scripted-0',
    });
    const logs = readdirSync(join(dir, '_logs'));
    expect(logs).toHaveLength(10);
    expect(readFileSync(join(dir, '_logs', logs[0] ?? ''), 'utf8')).toContain('"type":"result"');

    // The agent ran in the worktree on the session branch, with the protocol's flags.
    const worktree = join(p.root, 'project-samocode', 'worktrees', name);
    const calls = p.calls();
    expect(calls).toHaveLength(10);
    expect(
      calls.every(
        (c) => c.cwd === worktree && c.skipPermissions === true && c.outputFormat === 'stream-json',
      ),
    ).toBe(true);
    expect(String(calls[0]?.context)).toContain('## Dive topic\nthe entry point');

    // Every iteration was committed on samocode/greeting; main is untouched.
    expect(sh(p.repo, 'git', ['branch', '--show-current'])).toBe('main');
    expect(sh(p.repo, 'git', ['show', 'samocode/greeting:src/greeting.txt'])).toBe(
      'hello, and today is Wednesday',
    );
    expect(sh(p.repo, 'git', ['log', '--format=%s', 'main..samocode/greeting'])).toMatch(
      /#7 implementation → continue/,
    );
    expect(existsSync(join(p.repo, 'src/greeting.txt'))).toBe(false);

    const status = await p.cli('status', 'greeting');
    expect(status.stdout).toContain('Status:      done');
    expect(status.stdout).toMatch(/#10\s+done\s+done\s+done/);
    const json = await p.cli('status', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      sessions: [{ name, status: 'done', phase: 'done', iterations: 10 }],
    });
  });

  it('keeps the questions gate closed while the slots hold only what the agent left', async () => {
    // The original tool's format: `### Qn`, bold labels, `_waiting_` (and here a guess) as slots.
    const original = `# Q&A: greeting\n\n## Questions\n\n### Q1: Greeting style?\nA) formal\nB) casual\n**Suggestion:** B - friendlier\n**Answer:** _waiting_\n\n### Q2: Where to print it?\nA) stdout\nB) a log file\n**Answer:** A\n`;
    const p = project([
      { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
      { phase: 'investigation', signal: { status: 'continue', phase: 'requirements' } },
      {
        phase: 'requirements',
        files: { '_qa.md': original },
        signal: { status: 'waiting', for: 'qa_answers', phase: 'requirements' },
      },
      {
        phase: 'requirements',
        expect: [{ file: '_qa.md', contains: '**Answer:** casual, please' }],
        signal: { status: 'blocked', reason: 'enough for this test' },
      },
    ]);
    const start = await p.cli('run', '--task', 'Print a greeting', '--session', 'greeting');
    expect(start.stdout).toContain('Waiting for answers to the questions in _qa.md.');
    const [name] = readdirSync(p.sessionsRoot);
    if (!name) throw new Error('no session folder');
    const qaFile = join(p.sessionsRoot, name, '_qa.md');

    const untouched = await p.cli('answer', 'greeting');
    expect(untouched.exitCode).toBe(1);
    expect(untouched.stderr).toContain('Still unanswered in');
    expect(untouched.stderr).toContain('_qa.md: Q1, Q2. The session keeps waiting.');
    expect(untouched.stderr).toContain('such as _waiting_');
    const state = () => JSON.parse(readFileSync(join(p.sessionsRoot, name, '_state.json'), 'utf8'));
    expect(state()).toMatchObject({ status: 'waiting', waitingFor: 'qa_answers' });

    // A person edits Q1 by hand; the agent's own "A" under Q2 still does not count.
    writeFileSync(
      qaFile,
      readFileSync(qaFile, 'utf8').replace('**Answer:** _waiting_', '**Answer:** casual, please'),
    );
    const one = await p.cli('answer', 'greeting');
    expect(one.exitCode).toBe(1);
    expect(one.stderr).toContain('_qa.md: Q2. The session keeps waiting.');

    // Agreeing with the agent's answer takes a person saying so.
    const both = await p.cli('answer', 'greeting', '--reply', 'Q2: A');
    expect(both.stdout).toContain(`Answers recorded for ${name}.`);
    expect(both.stdout).toContain('Blocked: enough for this test');
  });

  it('blocks on a bad signal with the reason, exits 3, and resumes after the fix', async () => {
    const p = project([
      { phase: 'init', signal: '{"status": "finished"}' },
      { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
      { phase: 'investigation', signal: { status: 'waiting', for: 'human_action' } },
    ]);
    const run = await p.cli('run', '--task', 'Something', '--session', 'bad');
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain(
      'Blocked: _signal.json is invalid: "status": expected one of continue, done, blocked, waiting (got "finished")',
    );
    expect(run.stdout).toContain('samocode resume');
    const resumed = await p.cli('resume', 'bad');
    expect(resumed.exitCode).toBe(3);
    expect(resumed.stdout).toContain(
      'Blocked: signal "waiting" is not allowed in phase "investigation"',
    );
  });

  it('reports a missing agent before creating anything', async () => {
    const p = project([]);
    const run = await execa(process.execPath, [CLI, 'run', '--task', 'x'], {
      cwd: p.repo,
      env: {
        ...gitEnv,
        HOME: join(p.root, 'home'),
        CLAUDE_PATH: '/nowhere/claude',
        PATH: process.env.PATH ?? '',
      },
      extendEnv: false,
      reject: false,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      'samocode: the claude agent program "/nowhere/claude" (CLAUDE_PATH) was not found: install Claude Code (npm install -g @anthropic-ai/claude-code) or set CLAUDE_PATH to its path',
    );
    expect(existsSync(p.sessionsRoot)).toBe(false);
  });

  it('names the file and line of a broken .samocode', async () => {
    const p = project([]);
    writeFileSync(join(p.repo, '.samocode'), 'MAIN_REPO=.\nWORKTREES ../wt\n');
    const run = await p.cli('run', '--task', 'x');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      `samocode: ${join(p.repo, '.samocode')}:2: expected KEY=VALUE, got "WORKTREES ../wt"`,
    );
  });

  it('uses the folders a .samocode file names', async () => {
    const p = project([{ phase: 'init', signal: { status: 'blocked', reason: 'just checking' } }]);
    writeFileSync(join(p.repo, '.samocode'), 'WORKTREES=../trees\nSESSIONS=../notes\n');
    const run = await p.cli('run', '--task', 'Check layout', '--session', 'layout');
    expect(run.exitCode).toBe(3);
    expect(readdirSync(join(p.root, 'notes'))).toEqual([expect.stringMatching(/-layout$/)]);
    expect(readdirSync(join(p.root, 'trees'))).toEqual([expect.stringMatching(/-layout$/)]);
  });

  it('refuses a malformed state file without touching it', async () => {
    const p = project([{ phase: 'init', signal: { status: 'blocked', reason: 'x' } }]);
    await p.cli('run', '--task', 'Fragile', '--session', 'fragile');
    const [name] = readdirSync(p.sessionsRoot);
    const stateFile = join(p.sessionsRoot, name ?? '', '_state.json');
    writeFileSync(stateFile, '{"version": 1, "name": ');
    // Without the copy the last save keeps (cli-terminal.test.ts restores from it).
    rmSync(join(p.sessionsRoot, name ?? '', '_state.prev.json'));
    const run = await p.cli('resume', 'fragile');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`samocode: ${stateFile} is malformed: not valid JSON`);
    expect(readFileSync(stateFile, 'utf8')).toBe('{"version": 1, "name": ');
  });

  it('init writes .samocode and the workflow, and never overwrites without --force', async () => {
    const p = project([]);
    const first = await p.cli('init', '--workflow');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain(`Wrote ${join(p.repo, '.samocode')}`);
    const workflow = readFileSync(join(p.repo, '.github', 'workflows', 'samocode.yml'), 'utf8');
    expect(workflow).toBe(readFileSync(resolve('examples/samocode.yml'), 'utf8'));
    // The checkout keeps no token the agent could push with: the action authenticates its own git.
    const steps = (
      parse(workflow) as {
        jobs: Record<string, { steps: Array<{ uses?: string; with?: object }> }>;
      }
    ).jobs.samocode?.steps;
    const checkout = steps?.find((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with).toMatchObject({ 'persist-credentials': false });
    const again = await p.cli('init');
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toBe(
      `samocode: ${join(p.repo, '.samocode')} exists; pass --force to replace it`,
    );
    expect((await p.cli('init', '--force')).exitCode).toBe(0);
    // The file it writes is one the CLI reads.
    const status = await p.cli('status');
    expect(status.exitCode).toBe(0);
  });

  it('explains bad usage', async () => {
    const p = project([]);
    const run = await p.cli('run');
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      'run needs --task "<what to do>" to start a session, or --session <name> to continue one',
    );
    const timeout = await p.cli('run', '--task', 'x', '--timeout', 'soon');
    expect(timeout.exitCode).toBe(1);
    expect(timeout.stderr).toBe(
      'samocode: CLAUDE_TIMEOUT (or --timeout): seconds must be a whole number (got "soon")',
    );
  });
});

describe('steering a session from the terminal', () => {
  it('rewinds, skips and budgets with the same rules as the issue commands', async () => {
    const p = project([
      { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
      { phase: 'investigation', signal: { status: 'blocked', reason: 'need a hand' } },
      { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
    ]);
    const first = await p.cli('run', '--task', 'Steer me', '--session', 'steer');
    expect(first.exitCode).toBe(3);

    const later = await p.cli('rewind', 'steer', 'testing', '--no-run');
    expect(later.exitCode).toBe(1);
    expect(later.stderr).toContain(
      'cannot rewind from "investigation" to "testing": rewind goes back to an earlier phase (init)',
    );
    const rewound = await p.cli('rewind', 'steer', 'init', '--no-run');
    expect(rewound.stdout).toContain('rewound to init.');
    const budgeted = await p.cli('budget', 'steer', '0.03');
    // $0.02 is spent; the budget leaves room for one $0.01 iteration: init runs, then it blocks.
    expect(budgeted.stdout).toContain('budget $0.03.');
    expect(budgeted.exitCode).toBe(3);
    expect(budgeted.stdout).toContain('reached the budget of $0.03');
    const skipped = await p.cli('skip', 'steer', '--no-run');
    expect(skipped.stdout).toContain('skipped to requirements.');
    const status = await p.cli('status', 'steer');
    expect(status.stdout).toMatch(/person +init +rewind/);
    expect(status.stdout).toMatch(/person +init +budget +budget set to \$0.03/);
    expect(p.calls()).toHaveLength(3);
  });
});

describe('one run per session', () => {
  it('refuses to steer a session that a run in another terminal is working on', async () => {
    const p = project([
      { phase: 'init', signal: { status: 'continue' } },
      { phase: 'init', markFile: '', hangMs: 60_000, signal: { status: 'continue' } },
      { phase: 'init', signal: { status: 'blocked', reason: 'steered after the run' } },
    ]);
    const mark = join(p.root, 'agent', 'agent-running');
    // The second step marks that the agent works, so the test steers while the run holds the session.
    const scenario = JSON.parse(readFileSync(join(p.root, 'agent', 'scenario.json'), 'utf8')) as {
      steps: Array<Record<string, unknown>>;
    };
    (scenario.steps[1] as Record<string, unknown>).markFile = mark;
    writeFileSync(join(p.root, 'agent', 'scenario.json'), JSON.stringify(scenario));
    const running = p.cli('run', '--task', 'Hold me', '--session', 'held');
    await until(() => existsSync(mark), 'the agent to start');
    const refused = await p.cli('budget', 'held', '5', '--no-run');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      /session \d{2}-\d{2}-\d{2}-held is being run by another samocode \(pid \d+\); stop that run \(Ctrl-C there\) first/,
    );
    const second = await p.cli('run', '--session', 'held');
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toContain('is being run by another samocode');
    running.kill('SIGINT');
    await running;
    // Gone with its run: the session can be steered and run again.
    const budgeted = await p.cli('budget', 'held', '5');
    expect(budgeted.stdout).toContain('budget $5.00.');
    expect(budgeted.stdout).toContain('Blocked: steered after the run');
  });
});
