// `npm install` step: builds the mmap addon (native/mmap) quietly. It is optional: when the build fails (no
// compiler, no Python for node-gyp), the service reads bundle and world files into memory instead, and this
// says so in one line rather than failing the install.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'mmap');
// npm puts its bundled node-gyp on the PATH of lifecycle scripts.
const r = spawnSync('node-gyp', ['rebuild', '--silent', '--directory', dir], { stdio: 'ignore', shell: process.platform === 'win32' });
if (r.status !== 0) {
  console.log('encore: the optional mmap addon (native/mmap) was not built; bundles will be read into memory, one copy per process (npm run build:native shows why)');
}
