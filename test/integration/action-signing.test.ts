// Signed session commits, through the bundled action as the runner runs it: with `signing-key`,
// every commit the action pushes carries an SSH signature that git verifies against the key, by
// the `committer`; the key is written nowhere the agent or a later step would find it, never shown
// unmasked, and refused in a commit. A key git could not sign with stops the run before anything.
// With `commit-signing: github-api`, GitHub makes every session commit through its Git Database
// API (the fake does it on the bare origin), and the next run builds on those commits.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRig } from '../support/action-rig.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { gitEnv, tempDir } from '../support/temp.js';

const owner = { login: 'octo' };
const COMMITTER = 'Jane Doe <jane@example.com>';
let fake: FakeGitHub;
const keyDir = tempDir('samocode-signing-test-');
const keyFile = (name: string, passphrase = '') => {
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    passphrase,
    '-C',
    name,
    '-f',
    join(keyDir, name),
  ]);
  return {
    key: readFileSync(join(keyDir, name), 'utf8'),
    pub: readFileSync(join(keyDir, `${name}.pub`), 'utf8').trim(),
  };
};

beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
});

/** git in the bare origin, with no config of the machine's. */
const inOrigin = (origin: string, args: string[]) =>
  execFileSync('git', ['--git-dir', origin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...gitEnv },
  }).trim();

describe('signed session commits', () => {
  it('signs every commit it pushes with signing-key, as committer, and leaves the key nowhere', async () => {
    const { key, pub } = keyFile('jane');
    const rig = actionRig(fake);
    rig.setScenario([
      { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
      {
        phase: 'investigation',
        work: { 'src/widget.txt': 'a widget\n' },
        files: { '11-28-10:00-dive-widgets.md': '# Dive\n' },
        signal: { status: 'continue', phase: 'requirements' },
      },
      {
        phase: 'requirements',
        files: { '_qa.md': '## Q1: Colour?\n- A) red\n- B) blue\n\nAnswer:\n' },
        signal: { status: 'waiting', for: 'qa_answers', phase: 'requirements' },
      },
    ]);
    rig.openIssue(81, 'Add widgets', 'Widgets, please.');
    const run = await rig.run('issues', rig.labeled(81, 'samocode', owner), {
      'signing-key': key,
      committer: COMMITTER,
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('waiting');
    const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', join(keyDir, 'jane.pub')], {
      encoding: 'utf8',
    }).split(' ')[1];
    expect(run.stdout).toContain(`Session commits are signed with the SSH key ${fingerprint}`);
    expect(run.stdout).not.toContain('::warning::signing-key is set but committer is not');

    // Every commit of the session branch: a good signature by the key, committed by Jane.
    const signers = join(keyDir, 'allowed_signers');
    writeFileSync(signers, `jane@example.com namespaces="git" ${pub}\n`);
    const branch = run.outputs.branch ?? '';
    const commits = inOrigin(rig.origin, ['rev-list', `main..${branch}`]).split('\n');
    expect(commits.length).toBeGreaterThanOrEqual(3);
    for (const sha of commits) {
      const verified = execFileSync(
        'git',
        [
          '--git-dir',
          rig.origin,
          '-c',
          `gpg.ssh.allowedSignersFile=${signers}`,
          'verify-commit',
          sha,
        ],
        { encoding: 'utf8', env: { ...process.env, ...gitEnv }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      expect(verified).toBe('');
    }
    const shown = inOrigin(rig.origin, [
      '-c',
      `gpg.ssh.allowedSignersFile=${signers}`,
      'log',
      '--format=%G? %cn <%ce> | %an <%ae>',
      `main..${branch}`,
    ]).split('\n');
    expect(new Set(shown)).toEqual(new Set([`G ${COMMITTER} | ${COMMITTER}`]));
    expect(inOrigin(rig.origin, ['log', '--format=%G?', '-1', 'main'])).toBe('N');

    // The key was in the runner's temp only while the run lived, and in no git config after.
    const runnerTemp = dirname(run.workspace);
    expect(readdirSync(runnerTemp).filter((name) => name.startsWith('samocode-signing-'))).toEqual(
      [],
    );
    const config = readFileSync(join(run.workspace, '.git', 'config'), 'utf8');
    expect(config).not.toMatch(/gpgsign|signingkey|gpg/i);
    // Shown only in the commands that mask it, whole and line by line.
    const body = key.trim().split('\n').slice(1, -1);
    for (const line of body) {
      expect(run.stdout).toContain(`::add-mask::${line}`);
      const unmasked = run.stdout
        .split('\n')
        .filter((l) => l.includes(line) && !l.startsWith('::add-mask::'));
      expect(unmasked).toEqual([]);
    }
  });

  it('warns that commits by github-actions[bot] show as Unverified without committer', async () => {
    const { key, pub } = keyFile('bot');
    const rig = actionRig(fake);
    rig.setScenario([{ phase: 'init', signal: { status: 'blocked', reason: 'enough' } }]);
    rig.openIssue(82, 'Unverified', 'x');
    const run = await rig.run('issues', rig.labeled(82, 'samocode', owner), { 'signing-key': key });
    expect(run.stdout).toContain('::warning::signing-key is set but committer is not');
    // Signed all the same: git verifies it against the key, whoever the committer is.
    const signers = join(keyDir, 'any_signer');
    writeFileSync(signers, `* namespaces="git" ${pub}\n`);
    const branch = run.outputs.branch ?? '';
    expect(
      inOrigin(rig.origin, [
        '-c',
        `gpg.ssh.allowedSignersFile=${signers}`,
        'log',
        '--format=%G? %ce',
        '-1',
        branch,
      ]),
    ).toBe('G 41898282+github-actions[bot]@users.noreply.github.com');
  });

  it('refuses a key it cannot sign with before anything is touched, naming signing-key', async () => {
    const { key } = keyFile('locked', 'a passphrase');
    const rig = actionRig(fake);
    rig.setScenario([{ phase: 'init', signal: { status: 'blocked', reason: 'must not run' } }]);
    rig.openIssue(83, 'Locked', 'x');
    const before = fake.state.comments.length;
    const run = await rig.run('issues', rig.labeled(83, 'samocode', owner), {
      'signing-key': key,
      committer: COMMITTER,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      '::error::input "signing-key" must be an unencrypted OpenSSH private key',
    );
    expect(run.stdout).toContain('encrypted with a passphrase');
    expect(rig.branches()).toEqual(['main']);
    expect(fake.state.comments.length).toBe(before);
    expect(() => rig.calls()).toThrow();

    const pub = readFileSync(join(keyDir, 'locked.pub'), 'utf8');
    const wrong = await rig.run('issues', rig.labeled(83, 'samocode', owner), {
      'signing-key': pub,
    });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stdout).toContain(
      'got something else (a public key, a path, or an empty secret?)',
    );

    // Well-formed on the outside, cut short inside: ssh-keygen is the judge, still before anything.
    const lines = keyFile('cut').key.trim().split('\n');
    const cut = [...lines.slice(0, 3), lines.at(-1)].join('\n');
    const damaged = await rig.run('issues', rig.labeled(83, 'samocode', owner), {
      'signing-key': cut,
    });
    expect(damaged.exitCode).toBe(1);
    expect(damaged.stdout).toContain(
      '::error::input "signing-key": ssh-keygen cannot read the key',
    );
    const left = readdirSync(dirname(damaged.workspace)).filter((n) => n.startsWith('samocode-'));
    expect(left).toEqual([]);
    expect(rig.branches()).toEqual(['main']);
    expect(fake.state.comments.length).toBe(before);
  });

  it('refuses to commit the key itself, and blocks without pushing it', async () => {
    const { key } = keyFile('leaked');
    const rig = actionRig(fake);
    rig.setScenario([
      {
        phase: 'init',
        work: { 'deploy/id_ed25519': key },
        signal: { status: 'continue', phase: 'investigation' },
      },
    ]);
    rig.openIssue(84, 'Leaky key', 'x');
    const run = await rig.run('issues', rig.labeled(84, 'samocode', owner), {
      'signing-key': key,
      committer: COMMITTER,
    });
    expect(run.outputs.status).toBe('blocked');
    const status =
      fake.state.comments.find(
        (c) => c.issue === 84 && c.body.startsWith('<!-- samocode:status -->'),
      )?.body ?? '';
    expect(status).toContain('deploy/id_ed25519 (signing-key)');
    expect(() => rig.show(run.outputs.branch ?? '', 'deploy/id_ed25519')).toThrow();
  });
});

describe('commits GitHub makes (commit-signing: github-api)', () => {
  it('makes every session commit through the Git Database API, and the next run builds on them', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
      {
        phase: 'investigation',
        work: { 'src/widget.txt': 'a widget\n', 'bin/run.bin': '\u0000\u0001binary' },
        files: { '11-28-10:00-dive-widgets.md': '# Dive\n' },
        signal: { status: 'continue', phase: 'requirements' },
      },
      {
        phase: 'requirements',
        files: { '_qa.md': '## Q1: Colour?\n- A) red\n- B) blue\n\nAnswer:\n' },
        signal: { status: 'waiting', for: 'qa_answers', phase: 'requirements' },
      },
      {
        phase: 'requirements',
        work: { 'src/widget.txt': 'a blue widget\n' },
        signal: { status: 'waiting', for: 'qa_answers', phase: 'requirements' },
      },
    ]);
    rig.openIssue(85, 'API widgets', 'Widgets, please.');
    const inputs = { 'commit-signing': 'github-api' };
    const run = await rig.run('issues', rig.labeled(85, 'samocode', owner), inputs);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('waiting');
    const branch = run.outputs.branch ?? '';
    const made = () => inOrigin(rig.origin, ['rev-list', `main..${branch}`]).split('\n');
    expect(made().length).toBeGreaterThanOrEqual(3);
    for (const sha of made()) expect(fake.state.apiCommits.has(sha)).toBe(true);
    // One commit on GitHub per save point: none made twice.
    const subjects = rig.log(branch);
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(rig.show(branch, 'src/widget.txt')).toBe('a widget');
    expect(inOrigin(rig.origin, ['log', '-1', '--format=%cn <%ce>', branch])).toBe(
      'GitHub <noreply@github.com>',
    );

    // The next run starts from the commits GitHub made and adds its own on top.
    const before = made().length;
    const next = await rig.run('issue_comment', rig.comment(85, 'Answer: B', owner), inputs);
    expect(next.exitCode, next.stdout).toBe(0);
    expect(made().length).toBeGreaterThan(before);
    for (const sha of made()) expect(fake.state.apiCommits.has(sha)).toBe(true);
    expect(rig.show(branch, 'src/widget.txt')).toBe('a blue widget');
  });

  it('refuses signing-key with commit-signing: github-api before anything is touched', async () => {
    const { key } = keyFile('both');
    const rig = actionRig(fake);
    rig.setScenario([]);
    rig.openIssue(86, 'Both', 'x');
    const run = await rig.run('issues', rig.labeled(86, 'samocode', owner), {
      'signing-key': key,
      'commit-signing': 'github-api',
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      '::error::input "signing-key" is set, but input "commit-signing" is github-api',
    );
    expect(rig.branches()).toEqual(['main']);
  });
});
