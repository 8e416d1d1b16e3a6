// Text the agent wrote (a `done` summary, a `blocked` reason) is kept whole in the session folder;
// only copies sent where there are limits (comments, job summaries, notifications) are cut, and
// each cut copy says so and where the whole text is.

/** Where the whole summary or reason of a session is kept. */
export const FULL_TEXT_FILE = '_state.json';

export const TEXT_LIMITS = {
  /** GitHub rejects comment and pull request bodies over 65,536 characters. */
  body: 60_000,
  /** A reason or summary shown inside a status comment or job summary. */
  inline: 4_000,
  /** Telegram messages stop at 4,096 characters; Slack and webhooks share the same text. */
  notification: 3_500,
} as const;

/** The text, or its first `limit` characters and a line saying it was cut and where it is whole. */
export function clip(text: string, limit: number, fullTextIn: string = FULL_TEXT_FILE): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}\n… truncated (${text.length - limit} more characters); full text in ${fullTextIn}`;
}
