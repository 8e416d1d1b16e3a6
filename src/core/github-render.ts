// The text Samocode shows on GitHub: the status comment, the questions, the pull request body.
// Every body starts with a hidden marker so the action recognises its own comments.
import { FULL_TEXT_FILE, TEXT_LIMITS, clip } from './clip.js';
import type { Question } from './qa.js';
import { formatUsd } from './money.js';
import { PHASES } from './phases.js';
import type { SessionState } from './session-state.js';

export const MARKERS = {
  status: '<!-- samocode:status -->',
  questions: '<!-- samocode:questions -->',
  reply: '<!-- samocode:reply -->',
  pr: '<!-- samocode:pr -->',
} as const;

export function isOwnComment(body: string): boolean {
  return Object.values(MARKERS).some((marker) => body.startsWith(marker));
}

/** GitHub rejects bodies over 65,536 characters. */
export function fitBody(text: string, limit: number = TEXT_LIMITS.body): string {
  return clip(text, limit, 'the session folder');
}

/** Where a finished session's folder is kept when its branch no longer carries it. */
export interface SessionRecordLink {
  ref: string;
  /** The commands that bring the folder back into a checkout. */
  restore: string;
}

export interface Links {
  run?: string;
  branch?: string;
  sessionFolder?: string;
  sessionRecord?: SessionRecordLink;
  pr?: { number: number; url: string };
}

export function pipeline(state: SessionState): string {
  const current = PHASES.indexOf(state.phase);
  return PHASES.map((phase, i) => {
    if (state.status === 'done' || i < current) return `✅ ${phase}`;
    if (i === current) return `${state.status === 'blocked' ? '⛔' : '⏳'} **${phase}**`;
    return `⬜ ${phase}`;
  }).join(' → ');
}

export function whatToDo(state: SessionState): string {
  if (state.status === 'waiting' && state.waitingFor === 'qa_answers') {
    return 'Waiting for your answers: reply to the questions with one line each, e.g. `Q1: A` or `2. B — because …`.';
  }
  if (state.status === 'waiting' && state.waitingFor === 'plan_approval') {
    return 'Waiting for plan approval: review the draft pull request and approve it (or comment `/samocode approve`); request changes to have the plan revised.';
  }
  if (state.status === 'waiting' && state.waitingFor === 'ci_checks')
    return 'Waiting for CI: the session continues when the checks of its latest commit finish.';
  if (state.status === 'waiting')
    return 'Waiting for you: see **Next** below, then comment `/samocode resume`.';
  if (state.status === 'blocked') {
    const needs = state.blocked?.needs ? ` Needs: ${state.blocked.needs}.` : '';
    const reason = clip(state.blocked?.reason ?? 'no reason given', TEXT_LIMITS.inline);
    return `Blocked: ${reason}.${needs} Fix it, then comment \`/samocode resume\`.`;
  }
  if (state.status === 'done')
    return `Done: ${clip(state.summary || 'no summary', TEXT_LIMITS.inline)}`;
  return 'Working…';
}

export function statusComment(
  state: SessionState,
  overview: {
    lastAction?: string;
    next?: string;
    lastCommand?: string;
    planVersion?: string;
    /** The last iteration ran on a fallback agent: which, and why it switched. */
    failover?: string;
  },
  links: Links,
  now?: string,
): string {
  const t = state.totals;
  const phaseCount = state.phaseIterations[state.phase] ?? 0;
  const elapsed = now ? duration(Date.parse(now) - Date.parse(state.createdAt)) : undefined;
  const linkLine = [
    links.run ? `[this run](${links.run})` : '',
    links.branch ? `[branch](${links.branch})` : '',
    links.sessionFolder ? `[session folder](${links.sessionFolder})` : '',
    links.sessionRecord ? `session record: \`${links.sessionRecord.ref}\`` : '',
    links.pr ? `[PR #${links.pr.number}](${links.pr.url})` : '',
  ].filter(Boolean);
  return [
    MARKERS.status,
    `### Samocode · \`${state.name}\``,
    '',
    pipeline(state),
    '',
    `**${whatToDo(state)}**`,
    '',
    '| | |',
    '| --- | --- |',
    `| Iteration | ${state.iteration} (${phaseCount} in ${state.phase}) |`,
    ...(elapsed ? [`| Elapsed | ${elapsed} (agent ${duration(t.agentMs)}) |`] : []),
    `| Last action | ${cell(overview.lastAction)} |`,
    `| Next | ${cell(overview.next)} |`,
    ...(overview.planVersion && state.status === 'waiting' && state.waitingFor === 'plan_approval'
      ? [
          `| Plan under review | version \`${overview.planVersion.slice(0, 7)}\`: approvals of other versions do not count |`,
        ]
      : []),
    ...(overview.lastCommand ? [`| Last command | ${cell(overview.lastCommand)} ✓ |`] : []),
    ...(overview.failover ? [`| Fallback agent | ${cell(overview.failover)} |`] : []),
    `| Cost | ${formatUsd(t.costUsd)} · ${(t.inputTokens + t.outputTokens).toLocaleString('en-US')} tokens · ${t.turns} turns |`,
    '',
    linkLine.join(' · '),
  ].join('\n');
}

/** `3 min`, `1 h 12 min`, `2 d 3 h`: the coarse time people read in a status line. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

function cell(text: string | undefined): string {
  return (text ?? '–').replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 300);
}

export function questionsComment(sessionName: string, questions: readonly Question[]): string {
  const lines = [
    MARKERS.questions,
    `**Samocode has ${questions.length === 1 ? 'a question' : `${questions.length} questions`}** before planning \`${sessionName}\`.`,
    'Reply with one answer per line — `Q1: A`, `1. B — because …`, one letter per line in order, or your own words after `Q2:`.',
  ];
  for (const q of questions) {
    lines.push('', `**Q${q.number}: ${q.title}**`);
    for (const option of q.options) lines.push(`- **${option.letter})** ${option.text}`);
    if (q.suggestion) lines.push(`- _Suggestion: ${q.suggestion}_`);
  }
  return fitBody(lines.join('\n'));
}

export function replyComment(text: string): string {
  return `${MARKERS.reply}\n${text}`;
}

export function pullRequestBody(input: {
  issue: number;
  state: SessionState;
  plan?: { file: string; text: string };
  /** The commit the plan gate is bound to: approvals count on this version only. */
  planVersion?: string;
  sessionFolder?: string;
  sessionRecord?: SessionRecordLink;
}): string {
  const { state } = input;
  const lines = [MARKERS.pr, `Closes #${input.issue}`, ''];
  if (state.status === 'done') {
    const summary = clip(state.summary || '(no summary)', TEXT_LIMITS.body / 2, FULL_TEXT_FILE);
    lines.push('## Summary', summary, '');
  } else {
    lines.push(
      '> **Plan review.** Approve this pull request (or comment `/samocode approve` on the issue) to start the implementation. Request changes to have the plan revised.',
      ...(input.planVersion
        ? [
            `> Plan version under review: \`${input.planVersion.slice(0, 7)}\`. An approval given on an earlier version does not start the implementation.`,
          ]
        : []),
      '',
    );
  }
  if (input.plan) {
    const plan = [`## Plan (\`${input.plan.file}\`)`, '', input.plan.text.trim()];
    if (state.status === 'done')
      lines.push('<details><summary>Plan</summary>', '', ...plan, '', '</details>');
    else lines.push(...plan);
    lines.push('');
  }
  if (input.sessionFolder) lines.push(`Session folder: ${input.sessionFolder}`);
  if (input.sessionRecord)
    lines.push(
      `Session record: not part of this pull request; kept on origin at \`${input.sessionRecord.ref}\`. To get it back: \`${input.sessionRecord.restore}\``,
    );
  return fitBody(lines.join('\n'));
}
