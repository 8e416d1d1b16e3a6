// Session records (refs/samocode/sessions/<session>) against git's own HTTP server demanding a
// token, as GitHub does: a ref outside refs/heads is pushed with the action's push credentials,
// kept only when it changes, checked like every push, and read back and restored elsewhere.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteAccess } from '../../src/adapters/git-auth.js';
import { createGit } from '../../src/adapters/git-cli.js';
import { PushRefusedError } from '../../src/adapters/push-check.js';
import { createRecordRefs } from '../../src/adapters/record-refs.js';
import { startGitHttp } from '../support/git-http.js';
import type { GitHttp } from '../support/git-http.js';
import { sh, tempDir } from '../support/temp.js';

let root: string;
let server: GitHttp;
beforeAll(async () => {
  root = tempDir('samocode-records-');
  sh(root, 'git', ['init', '-q', '--bare', '-b', 'main', join(root, 'repo.git')]);
  server = await startGitHttp(root);
});
afterAll(async () => {
  await server.close();
});

const FOLDER = '_sessions/26-11-28-5-x';
const REF = 'refs/samocode/sessions/26-11-28-5-x';
const bare = (...args: string[]) => sh(root, 'git', ['--git-dir', join(root, 'repo.git'), ...args]);

describe('session records on origin', () => {
  it('keeps, skips an unchanged record, refuses a secret, removes the folder, restores it', async () => {
    const remote = remoteAccess(server.url, 'job-token', 'push-token');
    const work = join(root, 'work');
    sh(root, 'git', ['init', '-q', '-b', 'samocode/5-x', work]);
    sh(work, 'git', ['remote', 'add', 'origin', `${server.url}/repo.git`]);
    mkdirSync(join(work, FOLDER), { recursive: true });
    writeFileSync(join(work, 'code.txt'), 'code\n');
    writeFileSync(join(work, FOLDER, '_state.json'), '{"status":"done"}\n');
    sh(work, 'git', ['add', '.']);
    sh(work, 'git', ['commit', '-q', '-m', 'session']);
    await createGit({ remote }).push(work, 'samocode/5-x');
    const records = createRecordRefs({
      remote,
      policy: { secrets: { TOKEN: 'sekrit-value-123456' }, allowWorkflowChanges: false },
    });

    // HEAD holds the folder as it is on disk: HEAD itself is the record, pushed with push-token.
    server.requests.length = 0;
    expect(await records.keep(work, '26-11-28-5-x', FOLDER)).toEqual({ pushed: true });
    expect(bare('rev-parse', REF)).toBe(sh(work, 'git', ['rev-parse', 'HEAD']));
    const pushes = server.requests.filter((r) => r.service === 'git-receive-pack');
    expect(pushes.length).toBeGreaterThan(0);
    expect(pushes.every((r) => r.token === 'push-token')).toBe(true);
    expect(await records.keep(work, '26-11-28-5-x', FOLDER)).toEqual({ pushed: false });
    expect(await records.list(work)).toEqual([REF]);

    // A secret in the folder never leaves: the record stays as it was.
    writeFileSync(join(work, FOLDER, 'leak.md'), 'sekrit-value-123456\n');
    await expect(records.keep(work, '26-11-28-5-x', FOLDER)).rejects.toBeInstanceOf(
      PushRefusedError,
    );
    expect(bare('rev-parse', REF)).toBe(sh(work, 'git', ['rev-parse', 'HEAD']));
    sh(work, 'rm', [join(work, FOLDER, 'leak.md')]);

    // Removed from the branch: one commit, files left on disk; a second removal commits nothing.
    expect(await records.untrack(work, FOLDER, 'remove session folder')).toEqual({
      committed: true,
    });
    expect(sh(work, 'git', ['ls-files', '_sessions'])).toBe('');
    expect(sh(work, 'git', ['ls-files'])).toBe('code.txt');
    expect(existsSync(join(work, FOLDER, '_state.json'))).toBe(true);
    expect(await records.untrack(work, FOLDER, 'again')).toEqual({ committed: false });

    // A change made while the branch no longer has the folder: a commit on top of HEAD, on no branch.
    writeFileSync(join(work, FOLDER, '_github.json'), '{"issue":5}\n');
    expect(await records.keep(work, '26-11-28-5-x', FOLDER)).toEqual({ pushed: true });
    expect(bare('rev-parse', `${REF}^`)).toBe(sh(work, 'git', ['rev-parse', 'HEAD']));
    expect(bare('ls-tree', '-r', '--name-only', REF)).toBe(
      [
        '_sessions/26-11-28-5-x/_github.json',
        '_sessions/26-11-28-5-x/_state.json',
        'code.txt',
      ].join('\n'),
    );
    expect(sh(work, 'git', ['status', '--porcelain'])).toBe('?? _sessions/');

    // Read and restored in another checkout that has never seen it.
    const other = join(root, 'other');
    sh(root, 'git', ['init', '-q', other]);
    sh(other, 'git', ['remote', 'add', 'origin', `${server.url}/repo.git`]);
    expect(await records.read(other, '26-11-28-5-x', `${FOLDER}/_github.json`)).toBe('{"issue":5}');
    expect(await records.read(other, 'nope', `${FOLDER}/_github.json`)).toBeNull();
    await records.restore(other, '26-11-28-5-x', FOLDER);
    expect(readFileSync(join(other, FOLDER, '_state.json'), 'utf8')).toBe('{"status":"done"}\n');
  });
});
