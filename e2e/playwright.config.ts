import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

/**
 * Browser tests against the built app (`npm run build:web` first), started the
 * way a newcomer starts it: `congso start` with an embedded PostgreSQL in a
 * fresh data directory and the demo province. Browsers come from Debian
 * (`chromium`), never from Playwright's downloader.
 */
const PORT = Number(process.env.E2E_PORT ?? 3100);
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'congso-e2e-'));
// Workers load this file again: they must find the same directory (specs read the demo keys and
// the mail written there), so the first evaluation hands it down through the environment.
process.env.E2E_DATA_DIR = dataDir;
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 45_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: path.join(import.meta.dirname, '..', 'test-results', 'e2e.json') }]],
  outputDir: path.join(import.meta.dirname, '..', 'test-results', 'artifacts'),
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    { name: 'desktop', use: { ...devices['Desktop Chrome'], channel: undefined } },
    { name: 'phone', use: { ...devices['Pixel 7'], channel: undefined }, testMatch: 'a11y.spec.ts' },
  ],
  webServer: {
    command: 'node --import tsx server/src/cli.ts start',
    cwd: path.join(import.meta.dirname, '..'),
    url: `http://127.0.0.1:${PORT}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000', ...(process.env.WEB_DIST ? { WEB_DIST: process.env.WEB_DIST } : {}) },
  },
});
