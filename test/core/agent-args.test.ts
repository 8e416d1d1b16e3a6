import { describe, expect, it } from 'vitest';
import { parseAgentArgs, splitWords } from '../../src/core/agent-args.js';
import { parsePhaseAgents } from '../../src/core/phase-agents.js';

describe('extra agent arguments', () => {
  it('are split like shell words, quotes kept whole, nothing expanded', () => {
    expect(
      splitWords(`--mcp-config ".mcp servers.json" --allowedTools 'Bash(npm test)' $HOME`),
    ).toEqual(['--mcp-config', '.mcp servers.json', '--allowedTools', 'Bash(npm test)', '$HOME']);
  });

  it('take what the CLI offers beyond the loop', () => {
    expect(
      parseAgentArgs('claude', '--permission-mode acceptEdits --settings ci.json', 'CLAUDE_ARGS'),
    ).toEqual({
      ok: true,
      args: ['--permission-mode', 'acceptEdits', '--settings', 'ci.json'],
    });
    expect(parseAgentArgs('codex', '-c model_reasoning_effort=high', 'CODEX_ARGS').ok).toBe(true);
  });

  it.each([
    ['claude', '-p', 'the loop sets it'],
    ['claude', '--output-format=text', 'the loop reads stream-json'],
    ['claude', '--resume abc', 'each iteration starts a fresh conversation'],
    ['claude', '--model opus', 'use the model setting'],
    ['codex', '--json', 'the loop reads its JSON events'],
    ['codex', '-c developer_instructions=x', 'the loop gives the session context'],
    ['codex', 'resume --last', 'each iteration starts a fresh conversation'],
    ['gemini', '--yolo', 'use the gemini-approval-mode setting'],
    ['gemini', '-o json', 'the loop reads stream-json'],
  ] as const)('refuse %s %s, saying why and naming the setting', (agent, text, why) => {
    const parsed = parseAgentArgs(agent, text, 'the-setting');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error).toMatch(/^the-setting: "/);
      expect(parsed.error).toContain(why);
    }
  });

  it('go per phase in the agent map as args=, the rest of the entry', () => {
    const parsed = parsePhaseAgents(
      'quality: claude model=opus args=--allowedTools "Read Grep" --permission-mode plan\nimplementation: codex',
    );
    expect(parsed).toEqual({
      ok: true,
      agents: {
        quality: {
          kind: 'claude',
          model: 'opus',
          args: ['--allowedTools', 'Read Grep', '--permission-mode', 'plan'],
        },
        implementation: { kind: 'codex' },
      },
    });
    const refused = parsePhaseAgents('testing: gemini args=--yolo');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toContain('args for phase testing: "--yolo"');
    const command = parsePhaseAgents('testing: command args=-x');
    expect(command.ok).toBe(false);
  });
});
