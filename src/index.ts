// The action's entry. It only turns on Node's compile cache (Node 22+; a self-hosted runner keeps
// it between jobs, so the bundle is compiled once, not on every event) and loads the action.
import * as nodeModule from 'node:module';

try {
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
} catch {
  // No cache: the action still runs, only its start is slower.
}
const { run } = await import('./action-main.js');
await run();
