// What the action does before it can spawn the agent, recorded from a real run in the same
// benchmark run: the GitHub requests (from the fake server's log) and the git commands (through a
// `git` on PATH that logs its arguments, then runs the real one). The floors replay them.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FakeGitHub } from '../test/support/fake-github.js';
import type { ActionRun } from './support.js';
import { INSTANT, firstStart, runAction, temp } from './support.js';

export interface FloorPlan {
  requests: { method: string; path: string; body?: unknown }[];
  /**
   * `{ws}` stands for the workspace, `{home}` for the run's home folder, `{issue}` for the issue's
   * number; `objects` are the object names a command printed, which the replay maps to its own.
   */
  git: {
    cwd: string;
    args: string[];
    input: string;
    objects: string[];
    /** Files the action wrote before this command (`git add`), which the replay writes too. */
    files: { path: string; content: string }[];
  }[];
  agent: string;
}

const SHA = /\b[0-9a-f]{40}\b/g;
const REAL_GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

/** A folder holding a `git` that appends its start time, folder and arguments to `logFile`. */
function gitShim(logFile: string): string {
  const dir = join(temp(), 'shim');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'git'),
    [
      '#!/bin/sh',
      `at=$(date +%s%N); out='${logFile}'.o.$$`,
      // What a command reads from stdin is kept beside the log, to be fed to its replay, and what it
      // prints, so that the replay can map the objects it names to those the replay makes.
      `input=/dev/null; case " $* " in *" --stdin "*|*" --batch"*) input='${logFile}'.i.$$; cat > "$input";; esac`,
      // And before `git add`, the files it is about to add: the replay writes them at that point.
      `files=/dev/null; if [ "$1" = add ]; then files='${logFile}'.f.$$; mkdir -p "$files"; '${REAL_GIT}' ls-files -z -m -o --exclude-standard | xargs -0 -r cp --parents -t "$files"; fi`,
      `'${REAL_GIT}' "$@" < "$input" > "$out"; code=$?`,
      `{ printf '%s\\0%s\\0%s\\0%s\\0%s\\0' "$at" "$PWD" "$input" "$out" "$files"; for a in "$@"; do printf '%s\\0' "$a"; done; printf '\\036\\0'; } >> '${logFile}'`,
      'cat "$out"; exit $code',
      '',
    ].join('\n'),
  );
  chmodSync(join(dir, 'git'), 0o755);
  return dir;
}

interface LoggedGit {
  at: number;
  cwd: string;
  input: string;
  output: string;
  files: { path: string; content: string }[];
  args: string[];
}

function filesUnder(dir: string): { path: string; content: string }[] {
  if (dir === '/dev/null') return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const full = join(e.parentPath, e.name);
      return { path: relative(dir, full), content: readFileSync(full, 'utf8') };
    });
}

function parseGitLog(text: string): LoggedGit[] {
  const out: LoggedGit[] = [];
  let fields: string[] = [];
  for (const field of text.split('\0')) {
    if (field !== '\x1e') {
      fields.push(field);
      continue;
    }
    const [at = '0', cwd = '', input = '/dev/null', output = '/dev/null', files = '', ...args] =
      fields;
    out.push({
      at: Number(at) / 1e6,
      cwd,
      input: readFileSync(input, 'utf8'),
      output: readFileSync(output, 'utf8'),
      files: filesUnder(files),
      args,
    });
    fields = [];
  }
  return out;
}

/**
 * Runs the action once (`run` must set BENCH_MARKS) with the logging git, and returns what it did
 * between its start and the agent's first start, with paths made relative to the run.
 */
export async function recordActionStart(
  fake: FakeGitHub,
  run: ActionRun,
  marks: string,
  issue: number,
): Promise<FloorPlan> {
  const gitLog = join(temp(), 'git.log');
  writeFileSync(gitLog, '');
  const before = fake.requests.length;
  const t0 = Date.now();
  const code = await runAction({
    cwd: run.cwd,
    env: { ...run.env, PATH: `${gitShim(gitLog)}:${run.env.PATH ?? ''}` },
  });
  if (code !== 0) throw new Error(`recording the action's start: the action exited ${code}`);
  const spawned = firstStart(marks);
  const home = run.env.HOME ?? '';
  const number = new RegExp(`(?<![0-9a-f])${issue}(?![0-9a-f])`, 'g');
  const rel = (text: string) =>
    text.replaceAll(run.cwd, '{ws}').replaceAll(home, '{home}').replace(number, '{issue}');
  return {
    requests: fake.requests
      .slice(before)
      .filter((r) => r.at >= t0 && r.at <= spawned)
      .map((r) => ({
        method: r.method,
        path: rel(r.path),
        ...(r.body !== undefined
          ? { body: JSON.parse(rel(JSON.stringify(r.body))) as unknown }
          : {}),
      })),
    git: parseGitLog(readFileSync(gitLog, 'utf8'))
      .filter((c) => c.at <= spawned)
      .map((c) => ({
        cwd: rel(c.cwd),
        args: c.args.map(rel),
        input: rel(c.input),
        objects: c.output.match(SHA) ?? [],
        files: c.files.map((f) => ({ path: rel(f.path), content: rel(f.content) })),
      })),
    agent: INSTANT,
  };
}
