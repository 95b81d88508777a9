import { defineConfig } from '@playwright/test';

// The server is started by the Makefile (or .ci/run); Playwright only drives
// Debian's Chromium against it. No webServer, no downloaded browsers.
const baseURL = process.env.BASE_URL || 'http://127.0.0.1:3000';

export default defineConfig({
  testDir: './tests',
  // Whole-test budget. The longest specs drive three browsers through twenty
  // pages; on a slow host they took 28–31 s, so 30 s failed them for time
  // alone. Each single expectation still waits at most 10 s.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  workers: 2,
  retries: 0,
  // `list` for people; the JSON report lets end2end/run.sh repeat the
  // failures after the server log, where CI's tail of the output shows them.
  reporter: [['list'], ['json', { outputFile: process.env.E2E_REPORT || 'test-results/report.json' }]],
  use: {
    baseURL,
    trace: 'off',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 720 },
        // The browser's own user agent (Chromium 156), not Playwright's device preset.
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
});
