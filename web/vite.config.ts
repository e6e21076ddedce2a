// The listener page: Preact components compiled by Vite (its Oxc transform does the JSX, so no Babel
// preset is needed), built into dist/ui, which src/server/plugins/ui.ts serves under /ui/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
});
