// Configuring the contained agent through the bundled action: the variables agent-env names reach
// it (and a credentials file one of them points to is readable), other credential-like variables
// do not; claude-args and friends are checked against the loop's own flags.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionRig } from '../support/action-rig.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { tempDir } from '../support/temp.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
});

interface Probe {
  names: string[];
  files: Record<string, string>;
}

let issue = 0;
async function probe(inputs: Record<string, string>, env: Record<string, string>) {
  const rig = actionRig(fake, { env });
  rig.setScenario([]);
  issue += 1;
  rig.openIssue(issue, 'Cloud', 'use the cloud');
  const run = await rig.run('issues', rig.labeled(issue, 'samocode', { login: 'octo' }), {
    agent: 'command',
    'agent-command': `node ${resolve('test/fixtures/env-probe.mjs')}`,
    ...inputs,
  });
  return { run, rig };
}

describe('agent-env', () => {
  const creds = tempDir('samocode-creds-');
  const keyFile = join(creds, 'gha-creds.json');
  const otherFile = join(creds, 'other.json');
  writeFileSync(keyFile, '{"type":"external_account"}');
  writeFileSync(otherFile, '{"private":"not named"}');
  const cloud = {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEYID0001',
    AWS_SECRET_ACCESS_KEY: 'secret-access-key-value-0001',
    AWS_SESSION_TOKEN: 'session-token-value-0001',
    GOOGLE_APPLICATION_CREDENTIALS: keyFile,
    DEPLOY_TOKEN: 'deploy-token-value-0001',
    CLAUDE_CODE_USE_BEDROCK: '1',
    PROBE_FILES: `${keyFile},${otherFile}`,
  };

  it('passes the variables it names and a credentials file one points to; no other credential', async () => {
    const { run, rig } = await probe(
      {
        'agent-env':
          'AWS_REGION, AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY\nGOOGLE_APPLICATION_CREDENTIALS',
      },
      cloud,
    );
    expect(run.outputs.status, run.stdout + run.stderr).toBe('blocked');
    const report = JSON.parse(
      rig.show(run.outputs.branch ?? '', `_sessions/${run.outputs.session ?? ''}/probe.json`),
    ) as Probe;
    expect(report.names).toEqual(
      expect.arrayContaining([
        'AWS_REGION',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'GOOGLE_APPLICATION_CREDENTIALS',
        'CLAUDE_CODE_USE_BEDROCK',
      ]),
    );
    expect(report.names).not.toContain('AWS_SESSION_TOKEN');
    expect(report.names).not.toContain('DEPLOY_TOKEN');
    expect(report.files[keyFile]).toBe('{"type":"external_account"}');
    expect(report.files[otherFile]).toMatch(/^unreadable/);
    expect(run.stdout).toContain(
      'Kept from the agent (credential-like; name them in agent-env to pass them): AWS_SESSION_TOKEN, DEPLOY_TOKEN',
    );
  });

  it('passes no cloud credential when it names none', async () => {
    const { run, rig } = await probe({}, cloud);
    expect(run.outputs.status, run.stdout + run.stderr).toBe('blocked');
    const report = JSON.parse(
      rig.show(run.outputs.branch ?? '', `_sessions/${run.outputs.session ?? ''}/probe.json`),
    ) as Probe;
    const leaked = report.names.filter((n) => /^(AWS_|GOOGLE_APPLICATION|DEPLOY_TOKEN)/.test(n));
    expect(leaked).toEqual(['AWS_REGION']); // a setting, not a credential
    expect(report.files[keyFile]).toMatch(/^unreadable/);
  });

  it('refuses a name that is the job’s own, before any session', async () => {
    const before = fake.state.comments.length;
    const { run } = await probe({ 'agent-env': 'ACTIONS_RUNTIME_TOKEN' }, {});
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout + run.stderr).toContain(
      'input "agent-env": ACTIONS_RUNTIME_TOKEN is the job\'s own credential or setting and never reaches the agent',
    );
    expect(fake.state.comments.length).toBe(before);
  });
});

describe('claude-args', () => {
  it('refuses a flag the loop owns, naming the input', async () => {
    const { run } = await probe(
      { 'claude-args': '--mcp-config .mcp.json --output-format text' },
      {},
    );
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout + run.stderr).toContain(
      'input "claude-args": "--output-format" cannot be given to claude (the loop reads stream-json)',
    );
  });
});

describe('fallback-agents and the outputs for later steps', () => {
  it('runs the iteration with the next agent when the first crashes before any output, and says so', async () => {
    const rig = actionRig(fake);
    rig.setScenario([
      { phase: 'init', signal: { status: 'blocked', reason: 'ran on the fallback', needs: 'x' } },
    ]);
    issue += 1;
    rig.openIssue(issue, 'Outage', 'survive it');
    const run = await rig.run('issues', rig.labeled(issue, 'samocode', { login: 'octo' }), {
      agent: 'command',
      'agent-command': 'node -e process.exit(3)',
      'fallback-agents': 'claude model=claude-fallback-1',
    });
    expect(run.outputs.status, run.stdout + run.stderr).toBe('blocked');
    expect(run.stdout).toMatch(/⇄ command failed \(.*\); running this iteration with claude/);
    expect(run.outputs['agent-session-ids']).toBe('scripted-0');
    const status = fake.state.comments.find(
      (c) => c.issue === issue && c.body.includes('### Samocode'),
    );
    expect(status?.body).toMatch(/\| Fallback agent \| claude after command failed: /);
    expect(run.summary).toMatch(/claude \(claude-fallback-1\) — after command failed: /);
    const summary = JSON.parse(readFileSync(run.outputs['summary-file'] ?? '', 'utf8')) as {
      session: string;
      status: string;
      thisRun: Array<Record<string, unknown>>;
    };
    expect(summary).toMatchObject({
      session: run.outputs.session,
      status: 'blocked',
      iterations: 1,
      phases: ['init'],
      thisRun: [
        {
          agent: 'claude',
          model: 'claude-fallback-1',
          agentSessionId: 'scripted-0',
          failover: [{ agent: 'command' }],
        },
      ],
    });
  });

  it('refuses a fallback that is not an agent, naming the input', async () => {
    const { run } = await probe({ 'fallback-agents': 'codex, copilot' }, {});
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout + run.stderr).toContain(
      'input "fallback-agents": "copilot" is not an agent (agents: claude, codex, gemini, command)',
    );
  });
});
