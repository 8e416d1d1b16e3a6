// Bundles the action (dist/index.js) and the CLI (dist/cli.js) with esbuild. Deterministic, so
// CI can rebuild and compare with the committed dist/.
import { readFile, stat } from 'node:fs/promises';
import { build } from 'esbuild';
import { rawText } from './esbuild-plugins.mjs';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

/**
 * Leaves out two large parts the action never runs, so it starts faster (the bundle is compiled on
 * every run): zod's translations of its messages into other languages (ours are our own), and the
 * HTTP client @actions/core loads only for OIDC tokens, which Samocode does not request.
 */
const unusedParts = {
  name: 'unused-parts',
  setup(b) {
    b.onResolve({ filter: /locales\/index\.js$/ }, (args) =>
      args.importer.includes('/node_modules/zod/')
        ? { path: 'zod-locales', namespace: 'unused-parts', pluginData: args.resolveDir }
        : undefined,
    );
    b.onResolve({ filter: /^@actions\/http-client/ }, (args) =>
      args.importer.includes('/node_modules/@actions/core/')
        ? { path: 'http-client', namespace: 'unused-parts' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'unused-parts' }, (args) =>
      args.path === 'zod-locales'
        ? {
            contents: "export { default as en } from '../locales/en.js';",
            resolveDir: args.pluginData,
            loader: 'js',
          }
        : {
            contents:
              "export class HttpClient { constructor() { throw new Error('OIDC tokens are not available in Samocode'); } }\nexport class BearerCredentialHandler {}",
            loader: 'js',
          },
    );
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  charset: 'utf8',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [rawText, unusedParts],
  define: { SAMOCODE_VERSION: JSON.stringify(pkg.version) },
  // Some bundled CommonJS dependencies call require(); give them one in the ESM bundle.
  banner: {
    js: "import { createRequire as __samocodeRequire } from 'node:module'; const require = __samocodeRequire(import.meta.url);",
  },
};

// dist/index.js is a small loader; the action is dist/action.js, loaded after the compile cache is on.
const actionMain = {
  name: 'action-main',
  setup(b) {
    b.onResolve({ filter: /^\.\/action-main\.js$/ }, () => ({
      path: './action.js',
      external: true,
    }));
  },
};
await build({
  ...common,
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  banner: {},
  plugins: [actionMain],
});
// Minified: Node reads a module of 0xFBEE9 bytes (1,031,913) or more into a string kept outside
// V8's heap, and then V8 sizes the old generation lower and runs a major GC during the start,
// before the agent is spawned (~40 ms of cold start on 2 cores). With identifiers minified too
// (names kept, for errors and stack traces) it is ~745 KB against ~1,028 KB with whitespace
// removed alone, and the cold start's ratio to its floor (npm run bench) fell from 1.64× to 1.47×.
const EXTERNAL_STRING_BYTES = 0xfbee9;
await build({
  ...common,
  entryPoints: ['src/action-main.ts'],
  outfile: 'dist/action.js',
  minify: true,
  keepNames: true,
});
const actionBytes = (await stat('dist/action.js')).size;
if (actionBytes >= EXTERNAL_STRING_BYTES)
  console.warn(
    `dist/action.js is ${actionBytes} bytes, over ${EXTERNAL_STRING_BYTES}: the action starts slower`,
  );
// The post step: restores the workspace after a run that was killed (see src/post.ts).
await build({ ...common, entryPoints: ['src/post.ts'], outfile: 'dist/post.js' });
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: `#!/usr/bin/env node\n${common.banner.js}` },
});
console.log('built dist/index.js (loader), dist/action.js, dist/post.js and dist/cli.js');
