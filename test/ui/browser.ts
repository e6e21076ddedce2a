// A real headless Chromium for the page tests: Debian's `chromium` package (/usr/bin/chromium, or
// ENCORE_CHROMIUM), driven by playwright-core, with a fresh profile and nothing that phones home.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The browser binary, or null when none is installed (the page tests then skip, saying so). */
export function findChromium(): string | null {
  const env = process.env.ENCORE_CHROMIUM;
  if (env !== undefined && env !== '') return fs.existsSync(env) ? env : null;
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(executablePath: string): Promise<Browser> {
  // --user-data-dir: playwright takes it as launchPersistentContext's first argument.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'encore-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Console errors, page errors, failed requests and HTTP errors the page caused, as readable lines. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return problems;
}
