// Builds the dashboard: copies src/ and Chart.js (from node_modules, as
// package-lock.json pins it) into one directory that handin-gateway serves
// with --static_dir. No bundler: the app is plain ES modules.
//
//   node build.mjs --out DIR [--modules NODE_MODULES_DIR]
import {cpSync, mkdirSync, rmSync, existsSync, writeFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const out = resolve(option('--out', join(here, 'dist')));
const modules = resolve(option('--modules', join(here, 'node_modules')));
const chart = join(modules, 'chart.js', 'dist', 'chart.umd.js');
if (!existsSync(chart)) {
  console.error(`build.mjs: ${chart} is missing; run npm ci first (clients/dashboard/package-lock.json)`);
  process.exit(1);
}
rmSync(out, {recursive: true, force: true});
mkdirSync(join(out, 'vendor'), {recursive: true});
cpSync(join(here, 'src'), out, {recursive: true});
cpSync(chart, join(out, 'vendor', 'chart.umd.js'));
cpSync(join(modules, 'chart.js', 'LICENSE.md'), join(out, 'vendor', 'chart.js-LICENSE.md'));
writeFileSync(join(out, '.built'), new Date().toISOString() + '\n');
console.log(`dashboard built in ${out}`);
