// src/index.ts
import * as nodeModule from "node:module";
try {
  nodeModule.enableCompileCache?.();
} catch {
}
var { run } = await import("./action.js");
await run();
