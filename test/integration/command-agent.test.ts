// Any CLI as the agent, through a command template: the same session engine, a different program.
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, vi } from 'vitest';
import { commandAgent, commandArgs, splitTemplate } from '../../src/adapters/command-agent.js';
import { gitEnv, repoWithOrigin, tempDir } from '../support/temp.js';

describe('command templates', () => {
  it('split on whitespace with quotes, fill placeholders, and append the prompt when it has no place', () => {
    expect(splitTemplate(`tool exec --system "{context} here" '{prompt}'`)).toEqual([
      'tool',
      'exec',
      '--system',
      '{context} here',
      '{prompt}',
    ]);
    expect(
      commandArgs('tool --ctx {context} -p {prompt}', { prompt: 'P q', context: 'C' }),
    ).toEqual({ command: 'tool', args: ['--ctx', 'C', '-p', 'P q'] });
    expect(commandArgs('tool run', { prompt: 'P', context: 'C' })).toEqual({
      command: 'tool',
      args: ['run', 'P'],
    });
    expect(() => commandArgs('  ', { prompt: 'P', context: 'C' })).toThrow(
      /the agent command is empty/,
    );
  });
});

describe('the command adapter', () => {
  it("logs all of a chatty tool's output but shows at most a line a second as activity", async () => {
    const root = tempDir();
    const logFile = join(root, 'session', '_logs', 'one.jsonl');
    const activities: string[] = [];
    const result = await commandAgent({
      template: `node -e "for(let i=0;i<20000;i++)console.log('line '+i)"`,
      baseEnv: { PATH: process.env.PATH ?? '' },
    }).run({
      prompt: 'p',
      context: 'c',
      cwd: root,
      env: {},
      timeoutMs: 30_000,
      logFile,
      onActivity: (a) => activities.push(a),
    });
    expect(result).toMatchObject({ ok: true });
    expect(readFileSync(logFile, 'utf8').trim().split('\n')).toHaveLength(20_000);
    expect(activities[0]).toBe('line 0');
    expect(activities.length).toBeLessThan(20);
  });

  it('ends with the agent: what it left running in its group is stopped, even holding its output', async () => {
    const root = tempDir();
    const pidFile = join(root, 'sleeper.pid');
    // The background sleep keeps the agent's stdout open; waiting for it would stall the run.
    const result = await commandAgent({
      template: `sh -c 'sleep 120 & echo $! > ${pidFile}; echo finished'`,
      baseEnv: { PATH: process.env.PATH ?? '' },
    }).run({
      prompt: 'p',
      context: 'c',
      cwd: root,
      env: {},
      timeoutMs: 120_000,
      stallMs: 30_000,
      logFile: join(root, 'session', '_logs', 'one.jsonl'),
    });
    expect(result).toMatchObject({ ok: true });
    expect(readFileSync(join(root, 'session', '_logs', 'one.jsonl'), 'utf8')).toContain('finished');
    // Killed: gone, or a zombie until whoever inherited it reaps it.
    const state = () => {
      try {
        return readFileSync(`/proc/${Number(readFileSync(pidFile, 'utf8'))}/stat`, 'utf8')
          .split(') ')[1]
          ?.charAt(0);
      } catch {
        return 'gone';
      }
    };
    // The kill is delivered when the kernel next runs it: on a busy machine, a moment later.
    await vi.waitFor(() => expect(['gone', 'Z']).toContain(state()), { timeout: 10_000 });
  });
});

describe('samocode with --agent command', () => {
  it('runs any CLI as the agent, with the session context, and retries a failing exit', async () => {
    const root = tempDir();
    const { repo } = repoWithOrigin(root);
    const tool = join(root, 'tool.sh');
    // The tool counts its runs in a folder the sandbox lets it write.
    const agentDir = join(root, 'agent');
    mkdirSync(agentDir);
    const count = join(agentDir, 'count');
    writeFileSync(
      tool,
      `#!/bin/sh
# A minimal agent CLI: fails the first time, then writes a signal from the context it was given.
n=$(( $(cat "${count}" 2>/dev/null || echo 0) + 1 )); echo "$n" > "${count}"
if [ "$n" = 1 ]; then echo "flaky start" >&2; exit 5; fi
echo "working on phase $SAMOCODE_PHASE"
case "$1" in *"Session folder: $SAMOCODE_SESSION_DIR"*) ;; *) echo "no context" >&2; exit 9 ;; esac
printf '{"status":"blocked","reason":"tool saw %s"}' "$SAMOCODE_PHASE" > "$SAMOCODE_SESSION_DIR/_signal.json"
`,
    );
    chmodSync(tool, 0o755);
    const run = await execa(
      process.execPath,
      [
        resolve('dist/cli.js'),
        'run',
        '--task',
        'Use another agent',
        '--session',
        'other',
        '--agent',
        'command',
      ],
      {
        cwd: repo,
        env: {
          ...gitEnv,
          HOME: join(root, 'home'),
          PATH: process.env.PATH ?? '',
          SAMOCODE_AGENT_COMMAND: `${tool} {context}`,
          SAMOCODE_RETRY_DELAY: '0',
          SAMOCODE_SANDBOX_WRITABLE_PATHS: agentDir,
        },
        extendEnv: false,
        reject: false,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain('↻ the agent exited with code 5: flaky start; retrying');
    expect(run.stdout).toContain('· working on phase init');
    expect(run.stdout).toContain('Blocked: tool saw init');
    const sessions = join(root, 'project-samocode', 'sessions');
    const [name] = readdirSync(sessions);
    const history = readFileSync(join(sessions, name ?? '', '_signal_history.jsonl'), 'utf8');
    expect(history).toContain('"attempts":2');
  });

  it('says what is missing when the command is not set or not found', async () => {
    const { repo } = repoWithOrigin();
    const cli = (env: Record<string, string>) =>
      execa(
        process.execPath,
        [resolve('dist/cli.js'), 'run', '--task', 'x', '--agent', 'command'],
        {
          cwd: repo,
          env: { ...gitEnv, PATH: process.env.PATH ?? '', ...env },
          extendEnv: false,
          reject: false,
        },
      );
    expect((await cli({})).stderr).toBe(
      'samocode: the command agent needs SAMOCODE_AGENT_COMMAND, e.g. "mytool run --system {context} {prompt}"',
    );
    expect((await cli({ SAMOCODE_AGENT_COMMAND: 'no-such-tool {prompt}' })).stderr).toBe(
      'samocode: the command agent program "no-such-tool" (SAMOCODE_AGENT_COMMAND) was not found on PATH: install it or fix SAMOCODE_AGENT_COMMAND',
    );
  });
});

describe('a phase time limit', () => {
  it("stops that phase's agent at its own timeout, not the run's", async () => {
    const root = tempDir();
    const { repo } = repoWithOrigin(root);
    const tool = join(root, 'slow.sh');
    writeFileSync(
      tool,
      `#!/bin/sh\nprintf '%s' "$1" > "$SAMOCODE_SESSION_DIR/context.txt"\necho "thinking"\nsleep 30\n`,
    );
    chmodSync(tool, 0o755);
    const run = await execa(
      process.execPath,
      [resolve('dist/cli.js'), 'run', '--task', 'Slow', '--timeout', '600'],
      {
        cwd: repo,
        env: {
          ...gitEnv,
          HOME: join(root, 'home'),
          PATH: process.env.PATH ?? '',
          CLAUDE_PATH: resolve('test/fixtures/scripted-agent.mjs'),
          SAMOCODE_AGENTS: 'init: command timeout=1',
          SAMOCODE_AGENT_COMMAND: `${tool} {context}`,
        },
        extendEnv: false,
        reject: false,
      },
    );
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain(
      'no result within the iteration time limit of 1s; the agent was stopped',
    );
    // The agent is told the limit it really has.
    const sessions = join(root, 'project-samocode', 'sessions');
    const told = join(sessions, readdirSync(sessions)[0] ?? '', 'context.txt');
    expect(readFileSync(told, 'utf8')).toContain('Time limit for this iteration: 1 seconds');
  });
});
