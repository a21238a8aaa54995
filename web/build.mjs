// Builds the web editor into ../internal/webui/dist, which the terrarium
// binary embeds: the bundle and its stylesheet (named by their contents,
// so that browsers may cache them for good), the icon, the third-party
// licenses, gzip copies of the text, and index.html pointing at them. It also records a hash of
// these sources in ../internal/webui/sources.sha256, which a Go test
// compares with the sources to catch a bundle that was not rebuilt.

import {createHash} from 'node:crypto';
import {promises as fs} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {gzipSync} from 'node:zlib';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const webui = path.join(here, '..', 'internal', 'webui');
const dist = path.join(webui, 'dist');
const prefix = '/_editor/';

const shortHash = (data) => createHash('sha256').update(data).digest('hex').slice(0, 12);

await fs.rm(dist, {recursive: true, force: true});
await fs.mkdir(dist, {recursive: true});

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: ['src/main.js', 'src/style.css'],
  outdir: dist,
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome111', 'firefox115', 'safari16.4'],
  legalComments: 'none', // the licenses go to a file of their own
  metafile: true,
  logLevel: 'warning',
});

const assets = {};
for (const [out, meta] of Object.entries(result.metafile.outputs)) {
  if (meta.entryPoint) assets[path.basename(meta.entryPoint)] = path.basename(out);
}

// writeAsset writes data under a name that carries its hash.
async function writeAsset(key, data) {
  const [base, ext] = key.split('.');
  const name = `${base}-${shortHash(data)}.${ext}`;
  await fs.writeFile(path.join(dist, name), data);
  assets[key] = name;
}

await writeAsset('icon.svg', await fs.readFile(path.join(here, 'src', 'icon.svg')));

// The licenses of the packages whose code is in the bundle.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = input.match(/^(node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  if (m) packages.add(m[1]);
}
const notices = [];
for (const dir of [...packages].sort()) {
  const pkg = JSON.parse(await fs.readFile(path.join(here, dir, 'package.json'), 'utf8'));
  const files = (await fs.readdir(path.join(here, dir))).filter((f) => /^licen[cs]e/i.test(f)).sort();
  const text = files.length ? await fs.readFile(path.join(here, dir, files[0]), 'utf8') : `License: ${pkg.license}\n`;
  notices.push(`${pkg.name} ${pkg.version} (${pkg.license})\n\n${text.trim()}\n`);
}
await writeAsset('licenses.txt',
  `terrarium's web editor bundles these packages.\n\n${notices.join('\n' + '-'.repeat(72) + '\n\n')}`);

let page = await fs.readFile(path.join(here, 'src', 'index.html'), 'utf8');
page = page.replace(/%%([\w.]+)%%/g, (mark, key) => {
  if (!assets[key]) throw new Error(`index.html names ${mark}, which the build does not make`);
  return prefix + assets[key];
});
await fs.writeFile(path.join(dist, 'index.html'), page);

// Compressed copies of the text assets, for clients that take gzip.
for (const name of Object.values(assets)) {
  if (/\.(js|css|txt)$/.test(name)) {
    const data = await fs.readFile(path.join(dist, name));
    await fs.writeFile(path.join(dist, `${name}.gz`), gzipSync(data, {level: 9}));
  }
}

// The hash of the sources, as internal/webui's test computes it.
async function walk(dir) {
  const out = [];
  for (const e of await fs.readdir(path.join(here, dir), {withFileTypes: true})) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...(await walk(rel)));
    else out.push(rel);
  }
  return out;
}
const sources = ['build.mjs', 'package.json', 'package-lock.json', ...(await walk('src'))].sort();
const sum = createHash('sha256');
for (const rel of sources) {
  const data = await fs.readFile(path.join(here, rel));
  sum.update(`${rel}\n${data.length}\n`);
  sum.update(data);
}
await fs.writeFile(path.join(webui, 'sources.sha256'), `${sum.digest('hex')}\n`);

console.log(`built ${Object.values(assets).map((a) => prefix + a).join(', ')}`);
