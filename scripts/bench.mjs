// Builds bench/bench.ts (dependencies stay in node_modules) and runs it with the given arguments.
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { rawText } from './esbuild-plugins.mjs';

console.log('building the benchmark…');
await build({
  entryPoints: ['bench/bench.ts'],
  outfile: '.tmp/bench.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  plugins: [rawText],
  logLevel: 'warning',
});
console.log('building dist/ so the bundles measured are current…');
spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
const run = spawnSync(process.execPath, ['.tmp/bench.mjs', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
