// The action's git credentials, over real HTTP against git's own server, never on a command line:
// push-token replaces the checkout's job token for pushes (whose pushes start no workflows), and
// the action's own token serves a checkout that keeps none (persist-credentials: false).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitAuthEnv, hasPersistedCredentials, remoteAccess } from '../../src/adapters/git-auth.js';
import { createGit } from '../../src/adapters/git-cli.js';
import { startGitHttp } from '../support/git-http.js';
import type { GitHttp } from '../support/git-http.js';
import { sh, tempDir } from '../support/temp.js';

let root: string;
let server: GitHttp;
beforeAll(async () => {
  root = tempDir('samocode-http-');
  sh(root, 'git', ['init', '-q', '--bare', '-b', 'main', join(root, 'repo.git')]);
  server = await startGitHttp(root);
});
afterAll(async () => {
  await server.close();
});

/** A checkout the way actions/checkout leaves it: the job token as an extra header in .git/config. */
function checkout(name: string): string {
  const work = join(root, name);
  sh(root, 'git', ['init', '-q', '-b', 'main', work]);
  sh(work, 'git', ['remote', 'add', 'origin', `${server.url}/repo.git`]);
  const jobHeader = Buffer.from('x-access-token:job-token').toString('base64');
  sh(work, 'git', [
    'config',
    `http.${server.url}/.extraheader`,
    `AUTHORIZATION: basic ${jobHeader}`,
  ]);
  writeFileSync(join(work, 'a.txt'), `${name}\n`);
  sh(work, 'git', ['add', '.']);
  sh(work, 'git', ['commit', '-q', '-m', name]);
  return work;
}

describe('push-token', () => {
  it('pushes with the checkout token when none is given', async () => {
    const work = checkout('plain');
    server.requests.length = 0;
    await createGit().push(work, 'samocode/1-plain');
    expect(server.requests.map((r) => r.token)).toEqual(server.requests.map(() => 'job-token'));
    expect(server.requests.some((r) => r.service === 'git-receive-pack')).toBe(true);
  });

  it('replaces the checkout token for pushes, leaving .git/config as it was', async () => {
    const work = checkout('token');
    const config = sh(work, 'git', ['config', '--list', '--local']);
    server.requests.length = 0;
    await createGit({ remote: remoteAccess(server.url, 'job-token', 'push-token') }).push(
      work,
      'samocode/2-token',
    );
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every((r) => r.token === 'push-token')).toBe(true);
    expect(sh(work, 'git', ['config', '--list', '--local'])).toBe(config);
    expect(sh(root, 'git', ['--git-dir', join(root, 'repo.git'), 'branch', '--list'])).toContain(
      'samocode/2-token',
    );
  });

  it('keeps the token out of arguments: it travels in GIT_CONFIG_* variables', () => {
    const env = gitAuthEnv({ serverUrl: 'https://github.com/', token: 'tok' }, {});
    expect(env).toEqual({
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_0: '',
      GIT_CONFIG_KEY_1: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${Buffer.from('x-access-token:tok').toString('base64')}`,
    });
    // After the configuration the parent process already passes the same way, not over it.
    const after = gitAuthEnv(
      { serverUrl: 'https://github.com', token: 'tok' },
      {
        GIT_CONFIG_COUNT: '1',
      },
    );
    expect(after.GIT_CONFIG_COUNT).toBe('3');
    expect(after.GIT_CONFIG_KEY_1).toBe('http.https://github.com/.extraheader');
    expect(after.GIT_CONFIG_KEY_0).toBeUndefined();
  });

  it('reads and pushes with the action token alone when the checkout keeps none', async () => {
    const work = checkout('bare');
    sh(work, 'git', ['config', '--unset-all', `http.${server.url}/.extraheader`]);
    await expect(createGit().push(work, 'samocode/3-bare')).rejects.toThrow('git push to');
    server.requests.length = 0;
    const git = createGit({ remote: remoteAccess(server.url, 'job-token') });
    await git.push(work, 'samocode/3-bare');
    expect(await git.remoteBranches(work, 'samocode/3-')).toEqual(['samocode/3-bare']);
    expect(await git.readRemoteFile(work, 'samocode/3-bare', 'a.txt')).toBe('bare');
    expect(server.requests.length).toBeGreaterThan(2);
    expect(server.requests.every((r) => r.token === 'job-token')).toBe(true);
    expect(sh(work, 'git', ['config', '--list', '--local'])).not.toContain('extraheader');
  });

  it('tells a checkout that keeps a token, in .git/config or in a file it includes (checkout v6)', async () => {
    const work = checkout('kept');
    expect(await hasPersistedCredentials(work)).toBe(true);
    sh(work, 'git', ['config', '--unset-all', `http.${server.url}/.extraheader`]);
    expect(await hasPersistedCredentials(work)).toBe(false);
    const included = join(root, 'credentials.config');
    writeFileSync(included, `[http "${server.url}/"]\n\textraheader = AUTHORIZATION: basic eA==\n`);
    sh(work, 'git', ['config', `includeIf.gitdir:${work}/.git.path`, included]);
    expect(await hasPersistedCredentials(work)).toBe(true);
    // An emptied header (what the action itself passes first) is no credential.
    writeFileSync(included, `[http "${server.url}/"]\n\textraheader =\n`);
    expect(await hasPersistedCredentials(work)).toBe(false);
  });
});
