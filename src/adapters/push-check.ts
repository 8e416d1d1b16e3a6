// The last look before anything leaves the runner: every commit a push would send (those reachable
// from the pushed commit and on no branch of origin, the agent's own commits included) is searched
// for the secrets' values in every form (core/secret-forms.ts) — in each file it adds or changes and
// in the commit itself — and, unless allowed, for changes to CI definitions. Three git processes
// whatever the number of commits: rev-list, diff-tree --stdin, cat-file --batch.
// Built on node:child_process, not execa, so the post step's bundle can use it too.
import { spawn } from 'node:child_process';
import { changeOf, describeRefusal, isCiDefinition } from '../core/push-findings.js';
import type { PushFinding } from '../core/push-findings.js';
import { findSecrets, secretNeedles } from '../core/secret-forms.js';
import { runGit } from './run-git.js';

/** A commit refused because staged files hold the value of a secret. */
export class SecretLeakError extends Error {
  override name = 'SecretLeakError';
}

/** A push refused because a commit it would send holds a secret or changes CI definitions. */
export class PushRefusedError extends SecretLeakError {
  override name = 'PushRefusedError';
  constructor(
    readonly branch: string,
    readonly findings: readonly PushFinding[],
  ) {
    super(describeRefusal(branch, findings));
  }
}

export interface PushPolicy {
  /** Values (by name) that must never leave; the names appear in refusals, the values never. */
  secrets: Readonly<Record<string, string>>;
  /** Whether session commits may add, change or delete CI definitions. */
  allowWorkflowChanges: boolean;
}

interface Change {
  commit: string;
  path: string;
  /** The file's new object, or undefined when there is none to read (deleted, a submodule). */
  blob?: string;
  status: string;
}

const ZERO = /^0+$/;

async function gitOut(cwd: string, args: readonly string[], input?: string): Promise<string> {
  const result = await runGit(cwd, args, input);
  if (result.code !== 0)
    throw new Error(
      `checking the commits to push: git ${args[0] ?? ''} failed: ${result.stderr.trim()}`,
    );
  return result.stdout;
}

/**
 * The files each commit adds, changes or deletes (`diff-tree -z` output). A merge is compared with
 * all its parents at once (-c): only what differs from every parent is its own.
 */
function parseChanges(out: string): Change[] {
  const changes: Change[] = [];
  const fields = out.split('\0');
  let commit = '';
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] ?? '';
    if (!field.startsWith(':')) {
      if (field) commit = field.trim();
      continue;
    }
    const path = fields[++i] ?? '';
    const parents = /^:+/.exec(field)?.[0].length ?? 1;
    const parts = field.slice(parents).split(' ');
    const mode = parts[parents] ?? '';
    const sha = parts[2 * parents + 1] ?? '';
    const status = parts[2 * parents + 2] ?? '';
    const readable = !ZERO.test(sha) && mode !== '160000';
    changes.push({ commit, path, status, ...(readable ? { blob: sha } : {}) });
  }
  return changes;
}

/** Streams `git cat-file --batch` for `objects`, handing each one's bytes to `onObject`. */
function readObjects(
  cwd: string,
  objects: readonly string[],
  onObject: (sha: string, data: Buffer) => void,
): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let head: Buffer = Buffer.alloc(0);
    let want: { sha: string; size: number } | undefined;
    let body: Buffer[] = [];
    let bodyLength = 0;
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdout.on('data', (chunk: Buffer) => {
      try {
        let rest = chunk;
        while (rest.length > 0) {
          if (want) {
            // The object's bytes and the newline after them.
            const take = Math.min(rest.length, want.size + 1 - bodyLength);
            body.push(rest.subarray(0, take));
            bodyLength += take;
            rest = rest.subarray(take);
            if (bodyLength === want.size + 1) {
              onObject(want.sha, Buffer.concat(body, bodyLength).subarray(0, want.size));
              want = undefined;
              body = [];
              bodyLength = 0;
            }
            continue;
          }
          const newline = rest.indexOf(10);
          if (newline === -1) {
            head = Buffer.concat([head, rest]);
            break;
          }
          const line = Buffer.concat([head, rest.subarray(0, newline)]).toString('utf8');
          head = Buffer.alloc(0);
          rest = rest.subarray(newline + 1);
          const [sha = '', type = '', size] = line.split(' ');
          // "<sha> missing": nothing of it can be pushed from here either.
          if (type !== 'missing' && size !== undefined) want = { sha, size: Number(size) };
        }
      } catch (error) {
        child.kill();
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0) done();
      else fail(new Error(`checking the commits to push: git cat-file failed: ${stderr.trim()}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(objects.map((o) => `${o}\n`).join(''));
  });
}

/**
 * What pushing `tip` would send that must not leave, oldest commit first: [] when it may be pushed.
 * `exclude` adds commits known to be on origin already (branch tips it reported) to its
 * remote-tracking branches; those this clone does not have are skipped.
 */
export async function checkPush(
  cwd: string,
  tip: string,
  policy: PushPolicy,
  exclude: readonly string[] = [],
): Promise<PushFinding[]> {
  const commits = (
    await gitOut(cwd, [
      'rev-list',
      '--reverse',
      '--ignore-missing',
      tip,
      '--not',
      '--remotes=origin',
      ...exclude,
    ])
  )
    .split('\n')
    .filter(Boolean);
  if (commits.length === 0) return [];
  const changes = parseChanges(
    await gitOut(
      cwd,
      ['diff-tree', '--stdin', '-r', '--root', '-c', '--no-renames', '-z'],
      `${commits.join('\n')}\n`,
    ),
  );
  const findings: PushFinding[] = [];
  if (!policy.allowWorkflowChanges) {
    for (const c of changes) {
      if (isCiDefinition(c.path))
        findings.push({ kind: 'ci', commit: c.commit, path: c.path, change: changeOf(c.status) });
    }
  }
  const needles = secretNeedles(policy.secrets);
  if (needles.length > 0) {
    // Each object once, where it first appears: the commit objects (message, author) and the files.
    const firstSeen = new Map<string, { commit: string; path?: string }>();
    for (const commit of commits) firstSeen.set(commit, { commit });
    for (const c of changes) {
      if (c.blob && !firstSeen.has(c.blob))
        firstSeen.set(c.blob, { commit: c.commit, path: c.path });
    }
    await readObjects(cwd, [...firstSeen.keys()], (sha, data) => {
      const where = firstSeen.get(sha);
      if (!where) return;
      for (const hit of findSecrets(data.toString('utf8'), needles))
        findings.push({ kind: 'secret', ...where, secret: hit.name, form: hit.form });
    });
  }
  const order = new Map(commits.map((c, i) => [c, i]));
  return findings.sort((a, b) => (order.get(a.commit) ?? 0) - (order.get(b.commit) ?? 0));
}
