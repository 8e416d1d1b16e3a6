// A project's own prompts without a fork: files in .github/samocode/prompts replace or extend the
// bundled ones, for the CLI (and the Action, which reads the same folder).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { bundledPrompts, iterationPrompt, withOverrides } from '../../src/app/prompts.js';
import { gitEnv, repoWithOrigin, tempDir } from '../support/temp.js';

describe('withOverrides', () => {
  it('replaces with <name>.md and extends with <name>.append.md', () => {
    const { prompts, applied } = withOverrides(
      bundledPrompts,
      {
        'quality.md': '# Quality\nRun `make lint` and nothing else.\n',
        'workflow.append.md': 'Write commit messages in German.\n',
      },
      'p',
    );
    expect(applied).toEqual(['quality.md', 'workflow.append.md']);
    expect(prompts.phases.quality).toBe('# Quality\nRun `make lint` and nothing else.');
    expect(prompts.phases.testing).toBe(bundledPrompts.phases.testing.trim());
    expect(prompts.workflow).toBe(
      `${bundledPrompts.workflow.trim()}\n\n## Project instructions\nWrite commit messages in German.`,
    );
    expect(iterationPrompt(prompts, 'quality', [])).toContain('Run `make lint` and nothing else.');
  });

  it.each([
    ['review.md', /p\/review\.md is not a prompt: name files workflow\.md, init\.md/],
    ['quality.prepend.md', /p\/quality\.prepend\.md is not a prompt/],
    ['Quality.md', /p\/Quality\.md is not a prompt/],
  ])('refuses %s, naming the files it takes', (file, error) => {
    expect(() => withOverrides(bundledPrompts, { [file]: 'x' }, 'p')).toThrow(error);
  });

  it('refuses an empty file rather than running a phase without instructions', () => {
    expect(() => withOverrides(bundledPrompts, { 'init.md': ' \n' }, 'p')).toThrow(
      'p/init.md is empty',
    );
  });
});

describe('samocode run with project prompts', () => {
  function project() {
    const root = tempDir('samocode-prompts-');
    const { repo } = repoWithOrigin(root);
    const scenario = join(root, 'scenario.json');
    writeFileSync(
      scenario,
      JSON.stringify({ steps: [{ phase: 'init', signal: { status: 'blocked', reason: 'read' } }] }),
    );
    const folder = join(repo, '.github', 'samocode', 'prompts');
    mkdirSync(folder, { recursive: true });
    const cli = () =>
      execa(process.execPath, [resolve('dist/cli.js'), 'run', '--task', 'Prompts'], {
        cwd: repo,
        env: {
          ...gitEnv,
          HOME: join(root, 'home'),
          PATH: process.env.PATH ?? '',
          CLAUDE_PATH: resolve('test/fixtures/scripted-agent.mjs'),
          SCRIPTED_AGENT_SCENARIO: scenario,
        },
        extendEnv: false,
        reject: false,
      });
    return { folder, cli, scenario };
  }

  it('gives the agent the project instructions', async () => {
    const p = project();
    writeFileSync(join(p.folder, 'init.append.md'), 'Our services live under services/.\n');
    const run = await p.cli();
    expect(run.stdout).toContain(`Project prompts from ${p.folder}: init.append.md`);
    expect(run.exitCode).toBe(3);
    const call = JSON.parse(readFileSync(`${p.scenario}.calls.jsonl`, 'utf8').trim()) as {
      prompt: string;
    };
    expect(call.prompt).toContain('## Project instructions\nOur services live under services/.');
  });

  it('stops before starting when a file is not a prompt', async () => {
    const p = project();
    writeFileSync(join(p.folder, 'review.md'), 'x');
    const run = await p.cli();
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`samocode: ${p.folder}/review.md is not a prompt`);
  });
});
