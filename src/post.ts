// The action's post step (dist/post.js, `post-if: always()`): after a run that was killed before its
// own `finally` could clean up, put the runner's workspace back as the run found it. Quick, and a
// no-op when the run cleaned up itself. A cleanup problem is a warning, never a failed job.
import * as core from '@actions/core';
import { GUARD_STATE, restoreFromState } from './adapters/workspace-guard.js';

try {
  const log = {
    info: (line: string) => core.info(line),
    warn: (line: string) => core.warning(line),
  };
  if (await restoreFromState(core.getState(GUARD_STATE), log))
    core.info('Samocode: the workspace is back as the interrupted run found it.');
} catch (error) {
  core.warning(`Samocode could not clean the workspace: ${(error as Error).message}`);
}
process.exitCode = 0;
