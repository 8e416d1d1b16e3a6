// `npm run demo`: a whole Samocode session on a throw-away repository, offline. The built CLI
// drives a scripted agent (test/fixtures/scripted-agent.mjs) through every phase and both gates,
// answering them the way a person would. Use it to see what a session looks like.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = mkdtempSync(join(tmpdir(), 'samocode-demo-'));
const repo = join(root, 'project');
// The scripted agent counts its steps beside its scenario: a folder the sandbox lets it write.
const agentDir = join(root, 'agent');
mkdirSync(agentDir);
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Demo',
  GIT_AUTHOR_EMAIL: 'demo@example.com',
  GIT_COMMITTER_NAME: 'Demo',
  GIT_COMMITTER_EMAIL: 'demo@example.com',
  CLAUDE_PATH: resolve('test/fixtures/scripted-agent.mjs'),
  SCRIPTED_AGENT_SCENARIO: join(agentDir, 'scenario.json'),
  SAMOCODE_SANDBOX_WRITABLE_PATHS: agentDir,
};
const git = (...args) =>
  execFileSync('git', args, { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] })
    .toString()
    .trimEnd();

execFileSync('git', ['init', '-q', '-b', 'main', repo]);
writeFileSync(join(repo, 'README.md'), '# demo project\n');
git('add', '.');
git('commit', '-q', '-m', 'initial');
writeFileSync(env.SCRIPTED_AGENT_SCENARIO, readFileSync(resolve('scripts/demo-scenario.json')));

const cli = (...args) => {
  console.log(`\n$ samocode ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  const result = spawnSync(process.execPath, [resolve('dist/cli.js'), ...args], {
    cwd: repo,
    env,
    stdio: 'inherit',
  });
  return result.status;
};

console.log(`Demo repository: ${repo}`);
const steps = [
  ['run', '--task', 'Add a greeting to the CLI', '--session', 'greeting'],
  ['answer', 'greeting', '--reply', 'Q1: B\nQ2: A — keep it simple'],
  ['approve', 'greeting'],
  ['status', 'greeting'],
];
for (const args of steps) {
  const code = cli(...args);
  if (code !== 0) {
    console.error(`\nsamocode ${args[0]} exited with ${code}; the demo stops here.`);
    process.exit(1);
  }
}
const sessions = join(root, 'project-samocode', 'sessions');
console.log(`\nSession folder: ${join(sessions, readdirSync(sessions)[0])}`);
console.log(
  `Commits on samocode/greeting:\n${git('log', '--format=  %h %s', 'main..samocode/greeting')}`,
);
