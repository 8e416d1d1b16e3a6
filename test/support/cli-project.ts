// A project for the built CLI: a repository with an origin, the scripted agent as Claude Code with
// its scenario in a folder the sandbox lets it write, and `cli(...)` to run `samocode` there.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { gitEnv, repoWithOrigin, scenarioPath, tempDir } from './temp.js';

export const CLI = resolve('dist/cli.js');
const AGENT = resolve('test/fixtures/scripted-agent.mjs');

export function cliProject(steps: object[]) {
  const root = tempDir();
  const { repo } = repoWithOrigin(root);
  const scenario = scenarioPath(root);
  writeFileSync(scenario, JSON.stringify({ steps }));
  const env = {
    ...gitEnv,
    HOME: join(root, 'home'),
    CLAUDE_PATH: AGENT,
    SCRIPTED_AGENT_SCENARIO: scenario,
    SAMOCODE_SANDBOX_WRITABLE_PATHS: dirname(scenario),
    SAMOCODE_RETRY_DELAY: '0',
    PATH: process.env.PATH ?? '',
  };
  const cli = (...args: string[]) =>
    execa(process.execPath, [CLI, ...args], { cwd: repo, env, extendEnv: false, reject: false });
  const sessionsRoot = join(root, 'project-samocode', 'sessions');
  const calls = () =>
    readFileSync(`${scenario}.calls.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { root, repo, cli, sessionsRoot, calls, agentDir: dirname(scenario), env };
}
