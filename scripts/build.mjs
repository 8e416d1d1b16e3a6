// Bundles the action (dist/index.js) and the CLI (dist/cli.js) with esbuild. Deterministic, so
// CI can rebuild and compare with the committed dist/.
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { build } from 'esbuild';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

/** `import text from './x.md?raw'`: the file's text, as Vite (and so Vitest) does it. */
const rawText = {
  name: 'raw-text',
  setup(b) {
    // Paths stay relative to the project so the bundle holds no machine paths.
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: relative(process.cwd(), resolve(args.resolveDir, args.path.slice(0, -4))),
      namespace: 'raw-text',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw-text' }, async (args) => ({
      contents: await readFile(resolve(process.cwd(), args.path), 'utf8'),
      loader: 'text',
    }));
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
  plugins: [rawText],
  define: { SAMOCODE_VERSION: JSON.stringify(pkg.version) },
  // Some bundled CommonJS dependencies call require(); give them one in the ESM bundle.
  banner: {
    js: "import { createRequire as __samocodeRequire } from 'node:module'; const require = __samocodeRequire(import.meta.url);",
  },
};

await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: `#!/usr/bin/env node\n${common.banner.js}` },
});
console.log('built dist/index.js and dist/cli.js');
