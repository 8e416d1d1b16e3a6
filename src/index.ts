// The action's entry: everything happens in run().
import { run } from './entrypoints/action.js';

await run();
