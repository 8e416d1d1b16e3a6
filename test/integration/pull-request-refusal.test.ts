import { describe, expect, it } from 'vitest';
import { explainPullRequestRefusal } from '../../src/adapters/octokit-github.js';

describe("GitHub's refusal to open the plan's pull request", () => {
  it('names the repository setting that allows it', () => {
    const text = explainPullRequestRefusal(
      'GitHub Actions is not permitted to create or approve pull requests. - https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
    );
    expect(text).toContain('"Allow GitHub Actions to create and approve pull requests"');
    expect(text).toContain('Settings → Actions → General → Workflow permissions');
    expect(explainPullRequestRefusal('Validation Failed')).toBe('Validation Failed');
  });
});
