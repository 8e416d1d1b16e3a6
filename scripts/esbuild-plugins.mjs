// esbuild plugins shared by the build and the benchmark.
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';

/** `import text from './x.md?raw'`: the file's text, as Vite (and so Vitest) does it. */
export const rawText = {
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
