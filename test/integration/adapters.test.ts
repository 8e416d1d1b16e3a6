// The small adapters against the real things: git, the file system, an HTTP server, config files.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentBaseEnv } from '../../src/adapters/agent-env.js';
import { loadCliSettings } from '../../src/adapters/cli-settings.js';
import { fsSessionStore } from '../../src/adapters/fs-session-store.js';
import { createGit, gitCli } from '../../src/adapters/git-cli.js';
import { fanOut, telegramNotifier } from '../../src/adapters/telegram-notifier.js';
import { repoWithOrigin, sh, tempDir } from '../support/temp.js';

describe('gitCli', () => {
  it('creates a worktree on a new branch from the default branch, and reuses it', async () => {
    const { repo } = repoWithOrigin();
    const path = join(tempDir(), 'wt', 'session');
    expect(await gitCli.prepareWorktree({ repo, path, branch: 'samocode/x' })).toEqual({
      created: true,
    });
    expect(sh(path, 'git', ['branch', '--show-current'])).toBe('samocode/x');
    expect(sh(path, 'git', ['log', '--format=%s'])).toBe('initial');
    expect(await gitCli.prepareWorktree({ repo, path, branch: 'samocode/x' })).toEqual({
      created: false,
    });
    await expect(gitCli.prepareWorktree({ repo, path, branch: 'samocode/y' })).rejects.toThrow(
      /is on branch "samocode\/x", expected "samocode\/y"/,
    );
  });

  it('checks out an existing branch into a new worktree', async () => {
    const { repo } = repoWithOrigin();
    sh(repo, 'git', ['branch', 'samocode/old']);
    const path = join(tempDir(), 'old');
    await gitCli.prepareWorktree({ repo, path, branch: 'samocode/old' });
    expect(sh(path, 'git', ['branch', '--show-current'])).toBe('samocode/old');
  });

  it('commits everything, and reports when there is nothing to commit', async () => {
    const { repo } = repoWithOrigin();
    writeFileSync(join(repo, 'new.txt'), 'x');
    mkdirSync(join(repo, 'dir'));
    writeFileSync(join(repo, 'dir', 'nested.txt'), 'y');
    const first = await gitCli.commitAll(repo, 'save');
    expect(first.committed).toBe(true);
    expect(sh(repo, 'git', ['show', '--name-only', '--format=%s', 'HEAD'])).toBe(
      'save\n\ndir/nested.txt\nnew.txt',
    );
    expect(await gitCli.commitAll(repo, 'again')).toEqual({ committed: false });
  });

  it('commits with two git processes, and reports a commit git refuses', async () => {
    const { repo } = repoWithOrigin();
    writeFileSync(join(repo, 'a.txt'), 'a');
    const trace = join(tempDir(), 'trace.json');
    process.env.GIT_TRACE2_EVENT = trace;
    try {
      const git = createGit({ identity: { name: 'a', email: 'a@example.com' } });
      expect((await git.commitAll(repo, 'save')).committed).toBe(true);
    } finally {
      delete process.env.GIT_TRACE2_EVENT;
    }
    // add and commit: no staged list without secrets, no auto maintenance after the commit.
    const started = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"event":"start"'));
    expect(started).toHaveLength(2);
    // A commit that fails with changes staged is an error, not "nothing to commit".
    sh(repo, 'git', ['config', 'commit.gpgsign', 'true']);
    sh(repo, 'git', ['config', 'gpg.program', 'false']);
    writeFileSync(join(repo, 'b.txt'), 'b');
    await expect(createGit().commitAll(repo, 'signed')).rejects.toThrow(/git commit failed/);
    sh(repo, 'git', ['config', 'commit.gpgsign', 'false']);
    // The message reaches git as an argument, never through the shell that runs add and commit.
    const hostile = `$(touch pwned) \`touch pwned\` "; touch pwned; '`;
    expect((await createGit().commitAll(repo, hostile)).committed).toBe(true);
    expect(sh(repo, 'git', ['log', '-1', '--format=%B']).trim()).toBe(hostile);
    expect(existsSync(join(repo, 'pwned'))).toBe(false);
    // A failing add is named as such.
    writeFileSync(join(repo, 'c.txt'), 'c');
    writeFileSync(join(repo, '.git', 'index.lock'), '');
    await expect(createGit().commitAll(repo, 'locked')).rejects.toThrow(
      /git add --all failed: .*index\.lock/,
    );
  });

  it('searches the staged files for secrets before it commits', async () => {
    const { repo } = repoWithOrigin();
    const git = createGit({ secrets: { TOKEN: 'secret-value-0123456789' } });
    writeFileSync(join(repo, 'clean.txt'), 'nothing here');
    expect((await git.commitAll(repo, 'clean')).committed).toBe(true);
    expect(await git.commitAll(repo, 'again')).toEqual({ committed: false });
    writeFileSync(join(repo, 'leak.txt'), 'token: secret-value-0123456789');
    await expect(git.commitAll(repo, 'leak')).rejects.toThrow(
      /refusing to commit: leak\.txt \(TOKEN\)/,
    );
    expect(sh(repo, 'git', ['diff', '--cached', '--name-only'])).toBe('');
  });

  it('commits where no identity is configured, and skips hooks', async () => {
    const { repo } = repoWithOrigin();
    writeFileSync(join(repo, '.git', 'hooks', 'pre-commit'), '#!/bin/sh\nexit 1\n', {
      mode: 0o755,
    });
    writeFileSync(join(repo, 'a.txt'), 'a');
    const env = { ...process.env };
    for (const key of [
      'GIT_AUTHOR_NAME',
      'GIT_AUTHOR_EMAIL',
      'GIT_COMMITTER_NAME',
      'GIT_COMMITTER_EMAIL',
    ])
      delete process.env[key];
    const savedGlobal = process.env.GIT_CONFIG_GLOBAL;
    process.env.GIT_CONFIG_GLOBAL = '/dev/null';
    try {
      expect((await gitCli.commitAll(repo, 'no identity')).committed).toBe(true);
    } finally {
      process.env = env;
      if (savedGlobal === undefined) delete process.env.GIT_CONFIG_GLOBAL;
    }
    expect(sh(repo, 'git', ['log', '-1', '--format=%an <%ae>'])).toBe(
      'samocode <samocode@users.noreply.github.com>',
    );
  });
});

describe('fsSessionStore', () => {
  it('creates, lists, reads, writes atomically, appends and removes', async () => {
    const root = join(tempDir(), 'sessions');
    const store = fsSessionStore(root);
    expect(await store.list()).toEqual([]);
    await store.create('26-11-25-a', { '_state.json': '{}', '_overview.md': '# o' });
    await expect(store.create('26-11-25-a', {})).rejects.toThrow(/EEXIST/);
    await store.write('26-11-25-a', '_logs/x.jsonl', 'line');
    await store.append('26-11-25-a', 'h.jsonl', 'a\n');
    await store.append('26-11-25-a', 'h.jsonl', 'b\n');
    expect(await store.read('26-11-25-a', 'h.jsonl')).toBe('a\nb\n');
    expect(await store.read('26-11-25-a', 'missing')).toBeNull();
    await store.remove('26-11-25-a', '_state.json');
    await store.remove('26-11-25-a', '_state.json');
    expect(readdirSync(join(root, '26-11-25-a')).sort()).toEqual([
      '_logs',
      '_overview.md',
      'h.jsonl',
    ]);
    expect(await store.list()).toEqual(['26-11-25-a']);
    await expect(store.write('26-11-25-a', '../escape.txt', 'x')).rejects.toThrow(
      /outside the session folder/,
    );
    expect(existsSync(join(root, 'escape.txt'))).toBe(false);
  });
});

describe('telegramNotifier', () => {
  it('posts to the Bot API, and reports a refusal without leaking the token', async () => {
    const received: Array<{ url: string; body: unknown }> = [];
    let status = 200;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ url: req.url ?? '', body: JSON.parse(body) });
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end('{"ok":false,"description":"chat not found"}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const notifier = telegramNotifier({ token: 'SECRET123', chatId: '42', apiUrl });
      const note = {
        kind: 'waiting',
        session: '26-11-25-x',
        phase: 'requirements',
        status: 'waiting',
        message: 'waiting for answers',
      } as const;
      await notifier.notify(note);
      expect(received[0]).toEqual({
        url: '/botSECRET123/sendMessage',
        body: {
          chat_id: '42',
          text: '⏸ samocode · 26-11-25-x\nphase: requirements · waiting\nwaiting for answers',
        },
      });
      status = 400;
      const error = await fanOut([notifier])
        .notify(note)
        .catch((e: Error) => e);
      expect(String(error)).toContain(
        'Telegram answered 400: {"ok":false,"description":"chat not found"}',
      );
      expect(String(error)).not.toContain('SECRET123');
    } finally {
      server.close();
    }
  });
});

describe('loadCliSettings', () => {
  it('defaults to folders beside the repository and the documented values', () => {
    const { repo } = repoWithOrigin();
    const settings = loadCliSettings({ cwd: repo, env: {}, flags: {} });
    expect(settings).toEqual({
      repo,
      worktrees: join(repo, '..', 'project-samocode', 'worktrees'),
      sessions: join(repo, '..', 'project-samocode', 'sessions'),
      prompts: join(repo, '.github', 'samocode', 'prompts'),
      agent: 'claude',
      agentArgs: {},
      agentEnv: [],
      branchPrefix: 'samocode',
      fallbackAgents: [],
      phaseAgents: {},
      codex: {},
      gemini: {},
      timeouts: {},
      paths: { claude: 'claude', codex: 'codex', gemini: 'gemini' },
      models: {},
      timeoutSeconds: 1800,
      maxRetries: 2,
      retryDelaySeconds: 10,
      stallSeconds: 600,
      sandbox: true,
      sandboxWritable: [],
      sandboxReadable: [],
    });
  });

  it("reads each agent's arguments and the credentials named for it, refusing what breaks the loop", () => {
    const { repo } = repoWithOrigin();
    const settings = loadCliSettings({
      cwd: repo,
      env: { CODEX_ARGS: '-c model_reasoning_effort=high', SAMOCODE_AGENT_ENV: 'AWS_REGION' },
      flags: {},
    });
    expect(settings.agentArgs).toEqual({ codex: ['-c', 'model_reasoning_effort=high'] });
    expect(settings.agentEnv).toEqual(['AWS_REGION']);
    expect(() => loadCliSettings({ cwd: repo, env: { GEMINI_ARGS: '--yolo' }, flags: {} })).toThrow(
      'GEMINI_ARGS: "--yolo" cannot be given to gemini',
    );
    expect(() =>
      loadCliSettings({ cwd: repo, env: { SAMOCODE_AGENT_ENV: 'AWS-REGION' }, flags: {} }),
    ).toThrow('SAMOCODE_AGENT_ENV: "AWS-REGION" is not a variable name');
  });

  it('reads the sandbox settings, and names the variable when one is wrong', () => {
    const { repo } = repoWithOrigin();
    const settings = loadCliSettings({
      cwd: repo,
      env: {
        SAMOCODE_SANDBOX: 'false',
        SAMOCODE_ALLOWED_DOMAINS: 'api.anthropic.com, *.npmjs.org',
        SAMOCODE_SANDBOX_WRITABLE_PATHS: '/var/cache/build',
      },
      flags: {},
    });
    expect(settings).toMatchObject({
      sandbox: false,
      egress: { kind: 'list', hosts: ['api.anthropic.com', '*.npmjs.org'] },
      sandboxWritable: ['/var/cache/build'],
    });
    expect(() =>
      loadCliSettings({ cwd: repo, env: { SAMOCODE_ALLOWED_DOMAINS: 'https://x.io' }, flags: {} }),
    ).toThrow(
      'SAMOCODE_ALLOWED_DOMAINS: "https://x.io" is not a host name like "api.example.com", "*.example.com" or "127.0.0.1:8080"',
    );
    expect(() =>
      loadCliSettings({ cwd: repo, env: { SAMOCODE_SANDBOX: 'maybe' }, flags: {} }),
    ).toThrow('SAMOCODE_SANDBOX: must be true or false (got "maybe")');
  });

  it("reads a project's .env as the project writes it, multi-line values and all, keeping only its own keys", () => {
    const { repo } = repoWithOrigin();
    writeFileSync(
      join(repo, '.env'),
      [
        "# the project's own settings",
        'PRIVATE_KEY="-----BEGIN KEY-----',
        'abc',
        '-----END KEY-----"',
        'export DATABASE_URL=postgres://x',
        'CLAUDE_TIMEOUT=90 # seconds',
        '',
      ].join('\n'),
    );
    const settings = loadCliSettings({ cwd: repo, env: {}, flags: {} });
    expect(settings.timeoutSeconds).toBe(90);
  });

  it('reads .samocode and .env, lets the environment and flags win', () => {
    const { repo } = repoWithOrigin();
    writeFileSync(
      join(repo, '.samocode'),
      'SESSIONS=~/s\nWORKTREES=../wt\nCLAUDE_MODEL=from-config\n',
    );
    writeFileSync(
      join(repo, '.env'),
      'CLAUDE_TIMEOUT=60\nTELEGRAM_BOT_TOKEN=t\nTELEGRAM_CHAT_ID=c\nCLAUDE_MAX_TURNS=9\n',
    );
    const settings = loadCliSettings({
      cwd: repo,
      env: { CLAUDE_MAX_TURNS: '12', HOME: '/h' },
      flags: { model: 'from-flag' },
    });
    expect(settings).toMatchObject({
      configFile: join(repo, '.samocode'),
      worktrees: join(repo, '..', 'wt'),
      models: { claude: 'from-flag' },
      timeoutSeconds: 60,
      maxTurns: 12,
      telegram: { token: 't', chatId: 'c' },
    });
    expect(settings.sessions.endsWith('/s')).toBe(true);
    const codex = loadCliSettings({
      cwd: repo,
      env: {
        SAMOCODE_AGENT: 'codex',
        CODEX_MODEL: 'gpt-x',
        GEMINI_MODEL: 'gem-y',
        CODEX_SANDBOX: 'read-only',
        SAMOCODE_AGENTS: 'quality: gemini',
      },
      flags: {},
    });
    expect(codex).toMatchObject({
      agent: 'codex',
      models: { claude: 'from-config', codex: 'gpt-x', gemini: 'gem-y' },
      codex: { sandbox: 'read-only' },
      phaseAgents: { quality: { kind: 'gemini' } },
    });
  });

  it.each([
    [
      { env: { SAMOCODE_MAX_COST_USD: 'lots' } },
      'SAMOCODE_MAX_COST_USD (or --max-cost-usd): must be an amount in US dollars, like 5 or 12.50 (got "lots")',
    ],
    [
      { env: { TELEGRAM_BOT_TOKEN: 'x' } },
      'Telegram needs both TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID, or neither',
    ],
    [{ flags: { config: 'nope.samocode' } }, /^--config nope\.samocode: no such file/],
    [{ flags: { repo: '/' } }, '--repo points to /, which is not a git repository'],
  ])('rejects %j', (input, message) => {
    const { repo } = repoWithOrigin();
    expect(() => loadCliSettings({ cwd: repo, env: {}, flags: {}, ...input })).toThrow(message);
  });

  it('rejects unknown keys in .samocode', () => {
    const { repo } = repoWithOrigin();
    writeFileSync(join(repo, '.samocode'), 'MAIN_REPOS=.\n');
    expect(() => loadCliSettings({ cwd: repo, env: {}, flags: {} })).toThrow(
      /\.samocode: unknown key MAIN_REPOS \(expected MAIN_REPO, WORKTREES, SESSIONS/,
    );
  });

  it('explains running outside a repository', () => {
    const dir = tempDir();
    expect(() => loadCliSettings({ cwd: dir, env: {}, flags: {} })).toThrow(
      /is not inside a git repository/,
    );
  });
});

describe('agentBaseEnv', () => {
  it('keeps what tools need and drops credentials', () => {
    const env = agentBaseEnv({
      PATH: '/bin',
      HOME: '/h',
      GITHUB_TOKEN: 'g',
      INPUT_TOKEN: 'i',
      TELEGRAM_BOT_TOKEN: 't',
      ANTHROPIC_API_KEY: 'a',
    });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', ANTHROPIC_API_KEY: 'a' });
    const cloud = { AWS_SECRET_ACCESS_KEY: 's', NPM_TOKEN: 'n', CLAUDE_CODE_USE_BEDROCK: '1' };
    expect(agentBaseEnv(cloud)).toEqual({ CLAUDE_CODE_USE_BEDROCK: '1' });
    expect(agentBaseEnv(cloud, ['AWS_SECRET_ACCESS_KEY'])).toEqual({
      AWS_SECRET_ACCESS_KEY: 's',
      CLAUDE_CODE_USE_BEDROCK: '1',
    });
    expect(agentBaseEnv({ GITHUB_TOKEN: 'g' }, ['GITHUB_TOKEN'])).toEqual({ GITHUB_TOKEN: 'g' });
  });
});
