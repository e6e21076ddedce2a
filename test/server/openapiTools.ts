// What an app developer runs against Encore's OpenAPI document, as functions for the contract test:
// Redocly's linter (its CLI, on a file), openapi-typescript (its programmatic API), and the TypeScript
// compiler on a client written against the generated types.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** The repository root (this file runs as dist/test/server/openapiTools.js). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface LintProblem {
  readonly ruleId: string;
  readonly severity: 'error' | 'warn';
  readonly message: string;
  readonly location?: readonly { readonly pointer?: string }[];
}

export interface LintResult {
  readonly totals: { readonly errors: number; readonly warnings: number };
  readonly problems: readonly LintProblem[];
}

/** `redocly lint --extends recommended --format json` on the document; no telemetry, no update check. */
export async function redoclyLint(document: unknown, dir: string): Promise<LintResult> {
  const file = join(dir, 'openapi.json');
  await writeFile(file, JSON.stringify(document, null, 2));
  const cli = join(dirname(require.resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  const args = [cli, 'lint', '--extends', 'recommended', '--format', 'json', file];
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, args, { env, maxBuffer: 16 << 20 }));
  } catch (err) {
    // Exit status 1 when it finds errors: the JSON report is on stdout all the same.
    const out = (err as { stdout?: string }).stdout;
    if (out === undefined || out.trim() === '') throw err;
    stdout = out;
  }
  return JSON.parse(stdout) as LintResult;
}

/** A fresh folder inside dist/ (so that a client there resolves openapi-fetch from the project's node_modules). */
export async function scratchDir(): Promise<string> {
  return mkdtemp(join(REPO_ROOT, 'dist', 'openapi-client-'));
}

/**
 * openapi-typescript's output for the document, written to dir/api.ts. `emptyObjectsUnknown`: an object schema
 * without properties (PUT /v1/tracks items) is "any object", not openapi-typescript's default Record<string, never>.
 */
export async function generateTypes(document: unknown, dir: string): Promise<string> {
  const file = join(dir, 'api.ts');
  const nodes = await openapiTS(document as Parameters<typeof openapiTS>[0], { emptyObjectsUnknown: true });
  await writeFile(file, astToString(nodes));
  return file;
}

/** Type errors of the file under the project's strictness (no emit). */
export function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: true,
    noEmit: true,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** The TypeScript file as an ES module beside it (same name, .js), to import. */
export async function transpile(file: string, source: string): Promise<string> {
  const out = file.replace(/\.ts$/, '.js');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
  await writeFile(out, js);
  return out;
}
