// A released bundle's gigabytes of typed arrays are native memory that V8 frees only when their
// ArrayBuffers are collected, and a heap holding few JS objects may not collect for a long time. After a
// bundle is closed we ask for one full collection so the memory returns to the system now (the issue's
// "old bundle's memory released after"); a full GC of this small JS heap costs milliseconds.
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null = null;

export function collectReleasedMemory(): void {
  if (gc === null) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}

/**
 * A full collection, then one turn of the event loop: native objects (a usearch index) free their memory in
 * finalizers that Node runs after the collection, not during it, so a synchronous loop never sees it back.
 */
export async function collectNativeMemory(): Promise<void> {
  collectReleasedMemory();
  await new Promise<void>((resolve) => setImmediate(resolve));
}
