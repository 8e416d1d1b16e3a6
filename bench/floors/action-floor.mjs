// The floor of an action run: a bare Node process, under the action's Node, that makes the same
// GitHub requests and runs the same git commands the action ran before it spawned the agent
// (recorded in the same benchmark run, bench/record.ts), then spawns the same agent. The requests
// go out all at once and the git commands run one after another alongside them: the least time
// those steps can take. Plain JavaScript with no dependencies, so nothing but Node is loaded.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const plan = JSON.parse(readFileSync(process.env.BENCH_FLOOR_PLAN ?? '', 'utf8'));
const home = process.env.HOME ?? '';
const ws = process.cwd();
const issue = process.env.BENCH_ISSUE ?? '';
// Objects the recorded run made (commits, blobs) stand for those this run makes in their place.
const objects = new Map();
const fill = (text) =>
  text
    .replaceAll('{ws}', ws)
    .replaceAll('{home}', home)
    .replaceAll('{issue}', issue)
    .replace(/\b[0-9a-f]{40}\b/g, (sha) => objects.get(sha) ?? sha);
const api = process.env.GITHUB_API_URL;
const token = process.env['INPUT_GITHUB-TOKEN'];

const requests = Promise.all(
  plan.requests.map(async (r) => {
    const response = await fetch(`${api}${fill(r.path)}`, {
      method: r.method,
      headers: {
        authorization: `token ${token}`,
        accept: 'application/vnd.github+json',
        ...(r.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(r.body === undefined ? {} : { body: fill(JSON.stringify(r.body)) }),
    });
    await response.arrayBuffer();
  }),
);
const commands = (async () => {
  for (const command of plan.git) {
    for (const file of command.files) {
      const path = join(fill(command.cwd), fill(file.path));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, fill(file.content));
    }
    await new Promise((done) => {
      const child = execFile(
        'git',
        command.args.map(fill),
        { cwd: fill(command.cwd) },
        (error, stdout) => {
          if (error && process.env.BENCH_FLOOR_DEBUG) process.stderr.write(`${error.message}\n`);
          const made = stdout.match(/\b[0-9a-f]{40}\b/g) ?? [];
          command.objects.forEach((sha, i) => made[i] && objects.set(sha, made[i]));
          done();
        },
      );
      // A command that reads nothing may exit before its input is written.
      child.stdin.on('error', () => {});
      child.stdin.end(fill(command.input));
    });
  }
})();
await Promise.all([requests, commands]);
const agent = spawn(plan.agent, [], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, SAMOCODE_SESSION_DIR: home, SAMOCODE_PHASE: 'init' },
});
await new Promise((done) => agent.on('exit', done));
