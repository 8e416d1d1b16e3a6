// The CLI telling a person the truth and getting them unstuck: the editor only when it is needed,
// `status` in the CLI's own words, a lost overview rebuilt, an orphaned agent stopped, and at the
// end the exact commands to merge and clean up.
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, cliProject } from '../support/cli-project.js';

const qa = `## Q1: Greeting style?
- A) formal
- B) casual

Answer:

## Q2: Where to print it?
- A) stdout
- B) a log file

Answer:
`;

const askThenBlock = [
  { phase: 'init', signal: { status: 'continue', phase: 'investigation' } },
  { phase: 'investigation', signal: { status: 'continue', phase: 'requirements' } },
  {
    phase: 'requirements',
    files: { '_qa.md': qa },
    signal: { status: 'waiting', for: 'qa_answers', phase: 'requirements' },
  },
  {
    phase: 'requirements',
    expect: [{ file: '_qa.md', contains: 'Answer: B' }],
    signal: { status: 'blocked', reason: 'answers read' },
  },
];

/** An editor that notes it was opened and fills every empty answer with "B". */
function recordingEditor(root: string): { editor: string; opened: () => boolean } {
  const marker = join(root, 'editor-opened');
  const editor = join(root, 'editor.sh');
  writeFileSync(
    editor,
    `#!/bin/sh\necho "$1" >> '${marker}'\nsed -i 's/^Answer:$/Answer: B/' "$1"\n`,
  );
  chmodSync(editor, 0o755);
  return { editor, opened: () => existsSync(marker) };
}

/** Runs the built CLI on a real pseudo-terminal (`script`), as a person at a terminal does. */
async function atTerminal(
  p: ReturnType<typeof cliProject>,
  env: Record<string, string>,
  ...args: string[]
) {
  const command = [process.execPath, CLI, ...args].join(' ');
  return execa('script', ['-qfec', command, '/dev/null'], {
    cwd: p.repo,
    env: { ...p.env, TERM: 'xterm', ...env },
    extendEnv: false,
    reject: false,
  });
}

describe('samocode answer at a terminal', () => {
  it('records answers already written in _qa.md without opening the editor', async () => {
    const p = cliProject(askThenBlock);
    await p.cli('run', '--task', 'Greet', '--session', 'edited');
    const [name = ''] = readdirSync(p.sessionsRoot);
    const file = join(p.sessionsRoot, name, '_qa.md');
    // The README's flow: edit the file first, then run `answer`.
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll(/^Answer:$/gm, 'Answer: B'));
    const { editor, opened } = recordingEditor(p.root);
    const answered = await atTerminal(p, { EDITOR: editor }, 'answer', 'edited');
    expect(opened()).toBe(false);
    expect(answered.stdout).toContain(`Answers recorded for ${name}.`);
    expect(answered.stdout).toContain('Blocked: answers read');
  });

  it('opens the editor on _qa.md when its questions are still unanswered', async () => {
    const p = cliProject(askThenBlock);
    await p.cli('run', '--task', 'Greet', '--session', 'untouched');
    const [name = ''] = readdirSync(p.sessionsRoot);
    const { editor, opened } = recordingEditor(p.root);
    const answered = await atTerminal(p, { EDITOR: editor }, 'answer', 'untouched');
    expect(opened()).toBe(true);
    expect(readFileSync(join(p.root, 'editor-opened'), 'utf8').trim()).toBe(
      join(p.sessionsRoot, name, '_qa.md'),
    );
    expect(answered.stdout).toContain('Blocked: answers read');
  });
});
