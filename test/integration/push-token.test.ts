// push-token: session pushes authenticate with it instead of the checkout's job token (whose pushes
// start no workflows), over real HTTP against git's own server, without the token on a command line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGit, pushAuthEnv } from '../../src/adapters/git-cli.js';
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
    await createGit({ pushAuth: { serverUrl: server.url, token: 'push-token' } }).push(
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
    const env = pushAuthEnv({ serverUrl: 'https://github.com/', token: 'tok' });
    expect(env).toEqual({
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_0: '',
      GIT_CONFIG_KEY_1: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${Buffer.from('x-access-token:tok').toString('base64')}`,
    });
  });
});
