// Notifications as HTTP POSTs: a Slack incoming webhook, or any endpoint that takes JSON.
import type { Notification, Notifier } from '../app/ports.js';
import { formatNotification } from './telegram-notifier.js';

async function post(url: string, body: unknown, what: string, timeoutMs: number): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) {
    // Webhook URLs are secrets: report the status, never the URL.
    const text = (await response.text().catch(() => '')).slice(0, 200);
    throw new Error(`${what} answered ${response.status}${text ? `: ${text}` : ''}`);
  }
}

/** Slack incoming webhook: `{"text": ...}`. */
export function slackNotifier(url: string, timeoutMs = 10_000): Notifier {
  return { notify: (n) => post(url, { text: formatNotification(n) }, 'Slack', timeoutMs) };
}

/** Any endpoint: the notification as JSON, with a readable `text` for chat-like receivers. */
export function webhookNotifier(url: string, timeoutMs = 10_000): Notifier {
  return {
    notify: (n: Notification) =>
      post(url, { ...n, text: formatNotification(n) }, 'the webhook', timeoutMs),
  };
}
