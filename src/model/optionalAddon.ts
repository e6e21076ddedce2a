// The optional native addons that `npm install` builds (native/build.mjs): each is loaded when it was built and
// not switched off by its environment variable (`NAME=0`); callers fall back to JavaScript or the npm library.
import { createRequire } from 'node:module';

/** native/<dir>/build/Release/<file>.node, or null when it is not built or `disabledBy` is "0". */
export function optionalAddon<T>(dir: string, file: string, disabledBy: string): T | null {
  if (process.env[disabledBy] === '0') return null;
  try {
    // dist/src/model/optionalAddon.js -> <repo>/native/<dir>/build/Release/<file>.node
    return createRequire(import.meta.url)(`../../../native/${dir}/build/Release/${file}.node`) as T;
  } catch {
    return null;
  }
}
