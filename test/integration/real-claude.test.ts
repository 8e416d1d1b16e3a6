// The engine driving the real Claude Code CLI, offline: the CLI talks to a fake Messages API on
// 127.0.0.1 whose scripted answers are tool calls (Write, Bash) that the CLI really executes.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic } from '../support/fake-anthropic.js';
import type { FakeAnthropic, Script } from '../support/fake-anthropic.js';
import {
  bash,
  claudeBinary,
  claudeEnv,
  contextOf,
  phaseScript,
  processesMentioning,
  signalCall,
  write,
} from '../support/claude-cli.js';
import { gitEnv, repoWithOrigin, sh, tempDir } from '../support/temp.js';

const CLI = resolve('dist/cli.js');
let fake: FakeAnthropic;

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake.close();
});

function project(script: Script, extraEnv: Record<string, string> = {}) {
  fake.setScript(script);
  fake.requests.length = 0;
  const root = tempDir('samocode-real-');
  const { repo } = repoWithOrigin(root);
  const env = {
    ...gitEnv,
    ...claudeEnv(fake.url, join(root, 'home')),
    PATH: process.env.PATH ?? '',
    CLAUDE_PATH: claudeBinary(),
    CLAUDE_MODEL: 'claude-scripted-1',
    SAMOCODE_RETRY_DELAY: '0',
    CLAUDE_CODE_MAX_RETRIES: '0',
    ...extraEnv,
  };
  const cli = (...args: string[]) =>
    execa(process.execPath, [CLI, ...args], { cwd: repo, env, extendEnv: false, reject: false });
  const sessions = join(root, 'project-samocode', 'sessions');
  const session = () => {
    const [name] = readdirSync(sessions);
    if (!name) throw new Error('no session');
    const dir = join(sessions, name);
    return {
      name,
      dir,
      state: () =>
        JSON.parse(readFileSync(join(dir, '_state.json'), 'utf8')) as Record<string, unknown> & {
          blocked?: { reason: string };
        },
      history: () =>
        readFileSync(join(dir, '_signal_history.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>),
    };
  };
  return { root, repo, cli, session };
}

const overviewUpdate = (dir: string, action: string, next: string) =>
  bash(
    `cd '${dir}' && sed -i 's/^Last Action:.*/Last Action: ${action}/; s/^Next:.*/Next: ${next}/' _overview.md && ` +
      `printf -- '- [agent] ${action}\\n' >> _overview.md`,
  );

const QA = '## Q1: Greeting style?\n- A) formal\n- B) casual\nSuggestion: B\n\nAnswer:\n';

describe('the real Claude Code CLI', () => {
  it('runs a whole session init → done, both gates answered, the code change committed', async () => {
    const p = project(
      phaseScript({
        init: [
          (c) => [
            overviewUpdate(c.sessionDir, 'checked the worktree', 'investigate'),
            signalCall(c.sessionDir, { status: 'continue', phase: 'investigation' }),
          ],
        ],
        investigation: [
          (c) => [
            write(join(c.sessionDir, '11-25-10:00-dive-greeting.md'), '# Dive\nNo greeting yet.\n'),
            signalCall(c.sessionDir, { status: 'continue', phase: 'requirements' }),
          ],
        ],
        requirements: [
          (c) => [
            write(join(c.sessionDir, '_qa.md'), QA),
            signalCall(c.sessionDir, {
              status: 'waiting',
              for: 'qa_answers',
              phase: 'requirements',
            }),
          ],
          (c) => [signalCall(c.sessionDir, { status: 'continue', phase: 'planning' })],
        ],
        planning: [
          (c) => [
            write(
              join(c.sessionDir, '11-25-11:00-plan-greeting.md'),
              '# Plan\n- [ ] add greeting.txt\n',
            ),
            signalCall(c.sessionDir, {
              status: 'waiting',
              for: 'plan_approval',
              phase: 'planning',
            }),
          ],
        ],
        implementation: [
          (c) => [
            write(join(c.workDir, 'greeting.txt'), 'hey there\n'),
            // In the sandbox the agent's own commit is refused; its Last Action is the message.
            bash(
              `cd '${c.workDir}' && (git add greeting.txt && git commit -q -m 'mine' || echo refused > '${c.sessionDir}/commit.txt'); ` +
                `sed -i 's/^Last Action:.*/Last Action: Add a casual greeting/' '${c.sessionDir}/_overview.md'`,
            ),
            signalCall(c.sessionDir, { status: 'continue', phase: 'testing' }),
          ],
        ],
        testing: [
          (c) => [
            bash(`grep -q hey '${c.workDir}/greeting.txt'`),
            signalCall(c.sessionDir, { status: 'continue', phase: 'quality' }),
          ],
        ],
        quality: [(c) => [signalCall(c.sessionDir, { status: 'continue', phase: 'done' })]],
        done: [
          (c) => [
            signalCall(c.sessionDir, {
              status: 'done',
              summary: 'Casual greeting added',
              phase: 'done',
            }),
          ],
        ],
      }),
    );

    const start = await p.cli('run', '--task', 'Add a greeting', '--session', 'greeting');
    expect(start.stderr).toBe('');
    expect(start.exitCode).toBe(0);
    expect(start.stdout).toContain('Waiting for answers');
    expect(start.stdout).toContain('· Write'); // the real CLI's tool calls, summarised from its stream

    const answered = await p.cli('answer', 'greeting', '--reply', 'B');
    expect(answered.exitCode).toBe(0);
    expect(answered.stdout).toContain('Waiting for approval of the plan');

    const approved = await p.cli('approve', 'greeting');
    expect(approved.stderr).toBe('');
    expect(approved.exitCode).toBe(0);
    expect(approved.stdout).toContain('Done: Casual greeting added');

    const s = p.session();
    expect(s.state()).toMatchObject({ status: 'done', phase: 'done', iteration: 9 });
    const overview = readFileSync(join(s.dir, '_overview.md'), 'utf8');
    expect(overview).toContain('Phase: done\nTotal Iterations: 9');
    expect(overview).toContain('- [agent] checked the worktree');
    expect(overview).toContain('Last Action: Add a casual greeting');
    expect(readFileSync(join(s.dir, '_qa.md'), 'utf8')).toContain('Answer: B) casual');

    // What the CLI sent: our model, our session context at the end of the system prompt, real tools.
    const first = fake.requests[0];
    expect(first?.model).toBe('claude-scripted-1');
    expect(first?.stream).toBe(true);
    expect(first?.tools).toEqual(expect.arrayContaining(['Bash', 'Write', 'Read', 'Edit']));
    expect(first?.system).toContain(`Session folder: ${s.dir}`);
    expect(first?.system).toContain('## Task\nAdd a greeting');
    expect(JSON.stringify(first?.messages)).toContain('# Phase: init');
    expect(
      fake.requests.map((r) => contextOf(r)?.phase).filter((x, i, a) => x !== a[i - 1]),
    ).toEqual([
      'init',
      'investigation',
      'requirements',
      'planning',
      'implementation',
      'testing',
      'quality',
      'done',
    ]);

    // Cost, turns, tokens and the CLI's session id, from its result line.
    const iterations = s.history().filter((r) => r.kind === 'iteration');
    expect(iterations).toHaveLength(9);
    for (const record of iterations) {
      expect(record).toMatchObject({
        turns: expect.any(Number),
        costUsd: expect.any(Number),
        inputTokens: expect.any(Number),
        outputTokens: expect.any(Number),
      });
      expect(record.agentSessionId).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect((s.state().totals as { inputTokens: number }).inputTokens).toBeGreaterThan(0);

    // The engine's save points carry the change, with what the agent said it did.
    expect(sh(p.repo, 'git', ['show', 'samocode/greeting:greeting.txt'])).toBe('hey there');
    expect(readFileSync(join(s.dir, 'commit.txt'), 'utf8')).toBe('refused\n');
    const log = sh(p.repo, 'git', ['log', '--format=%B', 'main..samocode/greeting']);
    expect(log).toMatch(/#6 implementation → continue\n\nAdd a casual greeting\n/);
    expect(fake.others.filter((o) => o.method !== 'HEAD')).toEqual([]);
  });

  it('takes CLAUDE_ARGS, and a phase’s own args= instead of them', async () => {
    const script = phaseScript({
      init: [
        (c) => [signalCall(c.sessionDir, { status: 'blocked', reason: 'looked at my tools' })],
      ],
    });
    const toolsOfFirstRequest = async (env: Record<string, string>, session: string) => {
      const p = project(script, env);
      const run = await p.cli('run', '--task', 'Show your tools', '--session', session);
      expect(run.stdout, run.stderr).toContain('Blocked: looked at my tools');
      return fake.requests[0]?.tools ?? [];
    };
    expect(await toolsOfFirstRequest({}, 'plain')).toContain('Bash');
    const withArgs = await toolsOfFirstRequest(
      { CLAUDE_ARGS: '--disallowedTools "Bash WebFetch"' },
      'args',
    );
    expect(withArgs).toContain('Write');
    expect(withArgs).not.toContain('Bash');
    expect(withArgs).not.toContain('WebFetch');
    const byPhase = await toolsOfFirstRequest(
      {
        CLAUDE_ARGS: '--disallowedTools Bash',
        SAMOCODE_AGENTS: 'init: claude args=--disallowedTools Glob',
      },
      'phase',
    );
    expect(byPhase).toContain('Bash');
    expect(byPhase).not.toContain('Glob');
  });

  it('gets through a 529 that clears after two tries', async () => {
    let overloaded = 0;
    const script = phaseScript({
      init: [
        (c) => [
          signalCall(c.sessionDir, { status: 'blocked', reason: 'made it past the overload' }),
        ],
      ],
    });
    const p = project(
      (request) => (overloaded++ < 2 ? { status: 529, message: 'Overloaded' } : script(request)),
      { SAMOCODE_MAX_RETRIES: '2' },
    );
    const run = await p.cli('run', '--task', 'Survive overload', '--session', 'overload');
    expect(run.stdout).toContain('API error 529');
    expect(run.stdout).toContain('Blocked: made it past the overload');
    const [record] = p.session().history();
    expect(record).toMatchObject({ attempts: 3, signal: 'blocked' });
  });

  it('retries a 529 that never clears, then blocks with the API status in the reason', async () => {
    const p = project(() => ({ status: 529, message: 'Overloaded' }), {
      SAMOCODE_MAX_RETRIES: '1',
    });
    const run = await p.cli('run', '--task', 'Always overloaded', '--session', 'always');
    expect(run.exitCode).toBe(3);
    const state = p.session().state();
    expect(state.status).toBe('blocked');
    expect(state.blocked?.reason).toMatch(/^agent failed: API error 529/);
    expect(p.session().history()[0]).toMatchObject({ attempts: 2, outcome: 'blocked' });
  });

  it('blocks without retrying when --max-turns is used up', async () => {
    const p = project(
      (request) => {
        const ctx = contextOf(request);
        return {
          tools: [bash(`echo turn ${request.step} >> '${ctx?.workDir ?? '/tmp'}/turns.log'`)],
        };
      },
      { CLAUDE_MAX_TURNS: '1', SAMOCODE_MAX_RETRIES: '2' },
    );
    const run = await p.cli('run', '--task', 'Never stop', '--session', 'turns');
    expect(run.exitCode).toBe(3);
    const s = p.session();
    expect(s.state().blocked?.reason).toMatch(
      /^agent failed: the agent used all 1 turns \(--max-turns\)/,
    );
    expect(s.history()[0]).toMatchObject({ attempts: 1 });
    const log = readdirSync(join(s.dir, '_logs'));
    expect(log).toHaveLength(1);
    expect(readFileSync(join(s.dir, '_logs', log[0] ?? ''), 'utf8')).toContain(
      '"subtype":"error_max_turns"',
    );
  });

  it('kills a CLI stuck on a hung API at our timeout, leaves no process behind and loses nothing', async () => {
    const p = project(
      (request) => {
        const ctx = contextOf(request);
        if (request.step === 0 && ctx)
          return {
            tools: [
              write(join(ctx.sessionDir, 'notes-before-hang.md'), 'written before the hang\n'),
            ],
          };
        return { hang: true };
      },
      { CLAUDE_TIMEOUT: '4' },
    );
    const started = Date.now();
    const run = await p.cli('run', '--task', 'Hang', '--session', 'hang');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.exitCode).toBe(3);
    const s = p.session();
    expect(s.state().blocked?.reason).toBe(
      'agent failed: no result within the iteration time limit of 4s; the agent was stopped',
    );
    expect(readFileSync(join(s.dir, 'notes-before-hang.md'), 'utf8')).toBe(
      'written before the hang\n',
    );
    expect(readFileSync(join(s.dir, '_overview.md'), 'utf8')).toContain('Phase: init');
    expect(processesMentioning(s.dir)).toEqual([]);
    expect(existsSync(join(s.dir, '_signal.json'))).toBe(false);
  });

  it('finds claude on PATH, records its cost, and blocks at the budget before the next iteration', async () => {
    const script = phaseScript({
      init: [(c) => [signalCall(c.sessionDir, { status: 'continue', phase: 'investigation' })]],
      investigation: [(c) => [signalCall(c.sessionDir, { status: 'continue' })]],
    });
    const p = project(script, {
      CLAUDE_PATH: '',
      PATH: `${resolve('node_modules/.bin')}:${process.env.PATH ?? ''}`,
      CLAUDE_MODEL: 'claude-sonnet-4-5',
    });
    const run = await p.cli(
      'run',
      '--task',
      'Spend money',
      '--session',
      'budget',
      '--max-cost-usd',
      '0.0001',
    );
    expect(run.exitCode).toBe(3);
    const s = p.session();
    const cost = (s.state().totals as { costUsd: number }).costUsd;
    expect(cost).toBeGreaterThan(0.0001);
    // Cents everywhere: a cost or limit under half a cent reads "<$0.01", not "$0.00".
    expect(s.state().blocked?.reason).toContain(
      `session cost ${cost < 0.005 ? '<$0.01' : `$${cost.toFixed(2)}`} reached the budget of <$0.01`,
    );
    expect(s.history().filter((r) => r.kind === 'iteration')).toHaveLength(1);
    expect(fake.requests.every((r) => r.model === 'claude-sonnet-4-5')).toBe(true);
  });
});
