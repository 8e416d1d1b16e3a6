// From an issue to a session: the branch name, and the task and dive taken from its text.
import { slugify } from './session-name.js';

export function sessionBranch(prefix: string, issue: number, title: string): string {
  const slug = slugify(title, 30);
  return `${prefix}${issue}${slug ? `-${slug}` : ''}`;
}

/** The issue number a session branch belongs to, or undefined for other branches. */
export function issueOfBranch(prefix: string, branch: string): number | undefined {
  if (!branch.startsWith(prefix)) return undefined;
  const match = /^(\d+)(?:-|$)/.exec(branch.slice(prefix.length));
  return match ? Number(match[1]) : undefined;
}

/**
 * The task is the issue's title and body; `task:` and `dive:` sections (a line starting with the
 * word, or a heading) narrow them, as the original tool's --task and --dive did.
 */
export function taskFromIssue(title: string, body: string): { task: string; dive?: string } {
  const sections = splitSections(body);
  const task = sections.task ?? [title.trim(), sections.rest.trim()].filter(Boolean).join('\n\n');
  return {
    task: sections.task ? `${title.trim()}\n\n${sections.task}` : task,
    ...(sections.dive ? { dive: sections.dive } : {}),
  };
}

function splitSections(body: string): { task?: string; dive?: string; rest: string } {
  const lines = body.replace(/\r\n/g, '\n').split('\n');
  const found: { task?: string[]; dive?: string[] } = {};
  const rest: string[] = [];
  let current: string[] = rest;
  for (const line of lines) {
    const header = /^\s*(?:#{1,6}\s*)?\**(task|dive)\**\s*:?\**\s*(.*)$/i.exec(line);
    const isHeader = header && (/:/.test(line) || /^\s*#/.test(line));
    if (header && isHeader) {
      const key = (header[1] as string).toLowerCase() as 'task' | 'dive';
      current = found[key] = [];
      if (header[2]?.trim()) current.push(header[2].trim());
    } else if (/^\s*#{1,6}\s/.test(line) && current !== rest) {
      current = rest;
      rest.push(line);
    } else {
      current.push(line);
    }
  }
  const text = (l?: string[]) => l?.join('\n').trim() || undefined;
  const task = text(found.task);
  const dive = text(found.dive);
  return { ...(task ? { task } : {}), ...(dive ? { dive } : {}), rest: rest.join('\n') };
}
