// Telegram messages for waiting / blocked / done / error, through the Bot API.
import type { Notification, Notifier } from '../app/ports.js';
import { TEXT_LIMITS, clip } from '../core/clip.js';

export interface TelegramSettings {
  token: string;
  chatId: string;
  /** Bot API base; overridable for tests and proxies. */
  apiUrl?: string;
  timeoutMs?: number;
}

const ICONS: Record<Notification['kind'], string> = {
  waiting: '⏸',
  blocked: '⛔',
  done: '✅',
  error: '❗',
};

export function formatNotification(n: Notification): string {
  const message = clip(n.message, TEXT_LIMITS.notification, `_state.json of ${n.session}`);
  return `${ICONS[n.kind]} samocode · ${n.session}\nphase: ${n.phase} · ${n.status}\n${message}`;
}

export function telegramNotifier(settings: TelegramSettings): Notifier {
  const base = (settings.apiUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
  return {
    async notify(notification) {
      const response = await fetch(`${base}/bot${settings.token}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: settings.chatId, text: formatNotification(notification) }),
        signal: AbortSignal.timeout(settings.timeoutMs ?? 10_000),
      });
      if (!response.ok) {
        // The token is part of the URL: never echo the URL, only the status.
        const body = (await response.text().catch(() => '')).slice(0, 200);
        throw new Error(`Telegram answered ${response.status}${body ? `: ${body}` : ''}`);
      }
    },
  };
}

/** Sends to every notifier; one failing does not stop the others, and all failures are reported. */
export function fanOut(notifiers: readonly Notifier[]): Notifier {
  return {
    async notify(notification) {
      const results = await Promise.allSettled(notifiers.map((n) => n.notify(notification)));
      const errors = results.flatMap((r) =>
        r.status === 'rejected' ? [String((r.reason as Error)?.message ?? r.reason)] : [],
      );
      if (errors.length > 0) throw new Error(errors.join('; '));
    },
  };
}
