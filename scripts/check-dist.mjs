// Rebuilds dist/ and fails if it differs from what is committed: the action runs dist/, not src/.
import { execFileSync } from 'node:child_process';

execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
const diff = execFileSync('git', ['status', '--porcelain', '--', 'dist'], { encoding: 'utf8' });
if (diff.trim()) {
  console.error(
    `dist/ is not up to date with src/. Run "npm run build" and commit dist/:\n${diff}`,
  );
  process.exit(1);
}
console.log('dist/ matches a fresh build');
