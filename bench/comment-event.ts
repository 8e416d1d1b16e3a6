// Comment event → agent: a session waits at the questions gate; a permitted person answers in a
// comment, and the action runs on that event until the agent is spawned again. Beside it, its floor:
// the same requests and git commands, replayed by a bare Node process on a session in the same
// state, then the same agent. Also the GitHub requests per iteration and at the gate.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FakeGitHub } from '../test/support/fake-github.js';
import { recordActionStart } from './record.js';
import {
  actionEnv,
  firstStart,
  labeled,
  marksFile,
  repo,
  runAction,
  runNode,
  temp,
} from './support.js';

const FLOOR = resolve('bench/floors/action-floor.mjs');

export interface CommentEvents {
  action: number[];
  floor: number[];
  perIteration: number;
  perGate: number;
}

/** A session at the questions gate (after `stay` iterations), and the answer's event. */
async function waitingSession(fake: FakeGitHub, issue: number, stay: number) {
  const { root, origin } = repo(1);
  const marks = marksFile(root);
  const before = fake.requests.length;
  const start = actionEnv({ origin, fake, dir: root }, 'issues', labeled(fake, issue), {
    BENCH_MARKS: marks,
    BENCH_STAY: String(stay),
    INPUT_SANDBOX: 'false',
  });
  if ((await runAction(start)) !== 0) throw new Error('the start run before a comment failed');
  // API calls while iterations ran (between the first agent start and the last agent end), and
  // what the gate itself cost (after the last agent end).
  const stamps = readFileSync(marks, 'utf8')
    .trim()
    .split('\n')
    .map((l) => Number(l.split(' ')[1]) / 1e6);
  const first = Math.min(...stamps);
  const last = Math.max(...stamps);
  const calls = fake.requests.slice(before);
  const perIteration =
    calls.filter((r) => r.at >= first && r.at <= last).length / (stamps.length / 2);
  const perGate = calls.filter((r) => r.at > last).length;
  writeFileSync(marks, '');
  const created = fake.addComment(issue, 'Q1: A', { login: 'octo' });
  const payload = {
    action: 'created',
    issue: { number: issue, title: `Bench ${issue}` },
    comment: {
      id: created.id,
      body: 'Q1: A',
      user: { login: 'octo', type: 'User' },
      created_at: created.created_at,
    },
    repository: { full_name: `${fake.owner}/${fake.repo}`, default_branch: 'main' },
  };
  const answer = actionEnv({ origin, fake, dir: root }, 'issue_comment', payload, {
    BENCH_MARKS: marks,
    BENCH_ANSWERED: '1',
    INPUT_SANDBOX: 'false',
  });
  return { answer, marks, perIteration, perGate };
}

/** `stay`: iterations of the recorded session, over which the requests per iteration are counted. */
export async function commentEvents(
  fake: FakeGitHub,
  runs: number,
  stay: number,
): Promise<CommentEvents> {
  let issue = 2100;
  const recorded = issue++;
  const recording = await waitingSession(fake, recorded, stay);
  const plan = await recordActionStart(fake, recording.answer, recording.marks, recorded);
  const planFile = join(temp(), 'comment-plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const out: CommentEvents = {
    action: [],
    floor: [],
    perIteration: recording.perIteration,
    perGate: recording.perGate,
  };
  for (let i = 0; i < runs; i++) {
    for (const floor of [true, false]) {
      const number = issue++;
      const { answer, marks } = await waitingSession(fake, number, 1);
      const env = { ...answer.env, BENCH_FLOOR_PLAN: planFile, BENCH_ISSUE: String(number) };
      const t0 = Date.now();
      const code = floor ? await runNode(FLOOR, { cwd: answer.cwd, env }) : await runAction(answer);
      if (code !== 0) throw new Error(`a comment event run exited ${code}`);
      (floor ? out.floor : out.action).push(firstStart(marks) - t0);
    }
  }
  return out;
}
