// `npm install` step: builds the optional native addons quietly. Each is optional: when a build fails (no
// compiler, no Python for node-gyp), the service falls back to plain JavaScript or the npm libraries and this
// says so in one line rather than failing the install.
//  - native/mmap: memory-mapped bundle and world files (without it: files are read, one copy per process);
//  - native/usearch-view: index bands searched straight from the mapped file (without it: usearch's own view,
//    about 80 bytes per indexed vector per process instead of 4).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(fileURLToPath(import.meta.url));
const addons = [
  { dir: 'mmap', missing: 'bundles will be read into memory, one copy per process' },
  { dir: 'usearch-view', missing: "index bands will open through usearch's own view (more memory per worker)" },
];
for (const addon of addons) {
  // npm puts its bundled node-gyp on the PATH of lifecycle scripts.
  const r = spawnSync('node-gyp', ['rebuild', '--silent', '--directory', path.join(root, addon.dir)], { stdio: 'ignore', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.log(`encore: the optional ${addon.dir} addon (native/${addon.dir}) was not built; ${addon.missing} (npm run build:native shows why)`);
  }
}
