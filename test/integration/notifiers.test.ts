// Slack and generic webhook notifiers against a local HTTP server, and through the action.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackNotifier, webhookNotifier } from '../../src/adapters/webhook-notifier.js';
import { actionRig } from '../support/action-rig.js';
import { startFakeGitHub } from '../support/fake-github.js';
import type { FakeGitHub } from '../support/fake-github.js';

const received: Array<{ path: string; body: Record<string, unknown> }> = [];
let status = 200;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    received.push({ path: req.url ?? '', body: JSON.parse(body) as Record<string, unknown> });
    res.writeHead(status).end(status === 200 ? 'ok' : 'no_team');
  });
});
let base = '';
let fake: FakeGitHub;
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake = await startFakeGitHub();
});
afterAll(async () => {
  server.close();
  await fake.close();
});

const note = {
  kind: 'blocked',
  session: '26-11-25-x',
  phase: 'testing',
  status: 'blocked',
  message: 'blocked: tests fail',
} as const;

describe('webhook notifiers', () => {
  it('post Slack text and generic JSON, and report a refusal without the URL', async () => {
    received.length = 0;
    status = 200;
    await slackNotifier(`${base}/slack/T000/secret`).notify(note);
    await webhookNotifier(`${base}/hook`).notify(note);
    expect(received).toEqual([
      {
        path: '/slack/T000/secret',
        body: { text: '⛔ samocode · 26-11-25-x\nphase: testing · blocked\nblocked: tests fail' },
      },
      {
        path: '/hook',
        body: {
          ...note,
          text: '⛔ samocode · 26-11-25-x\nphase: testing · blocked\nblocked: tests fail',
        },
      },
    ]);
    status = 404;
    const error = await slackNotifier(`${base}/slack/T000/secret`)
      .notify(note)
      .catch((e: Error) => e);
    expect(String(error)).toBe('Error: Slack answered 404: no_team');
  });

  it('are told by the action when a session blocks', async () => {
    received.length = 0;
    status = 200;
    const rig = actionRig(fake);
    rig.setScenario([{ phase: 'init', signal: { status: 'blocked', reason: 'needs a key' } }]);
    rig.openIssue(95, 'Notify', 'x');
    const run = await rig.run('issues', rig.labeled(95, 'samocode', { login: 'octo' }), {
      'webhook-url': `${base}/hook`,
    });
    expect(run.outputs.status).toBe('blocked');
    expect(received.map((r) => r.body.kind)).toEqual(['blocked']);
    expect(received[0]?.body.message).toBe('blocked: needs a key');
  });
});
