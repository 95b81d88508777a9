// Shared fixtures and helpers for Vestibule's browser tests.
//
// - Every page of every browser context a test opens (the default `page`, and
//   contexts made with the `newContext` fixture) records uncaught page errors
//   and console messages of type "error"; the test FAILS at teardown if any
//   were seen (they are printed). A test that expects one (for example the
//   browser's own "Failed to load resource: ... status of 404" line on a 404
//   page) declares it with `consoleErrors.allow(/pattern/)`.
// - Requests to anything but loopback are never sent: images are answered with
//   a 1x1 PNG (profile pictures point at https URLs), everything else is
//   aborted. This keeps the tests off the network whatever the app renders.
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import AxeBuilder from '@axe-core/playwright';
import {
  test as base,
  expect,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
  type Request,
  type Response,
} from '@playwright/test';

export { expect };
export type { Page, BrowserContext, Locator };

const END2END_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------
// Error collection
// ---------------------------------------------------------------------------

export interface CollectedError {
  kind: 'pageerror' | 'console.error';
  text: string;
  url: string;
}

export class ErrorLog {
  readonly errors: CollectedError[] = [];
  private readonly allowed: RegExp[] = [];

  /** Declare a console error the test expects (matched against its text). */
  allow(pattern: RegExp): void {
    this.allowed.push(pattern);
  }

  record(e: CollectedError): void {
    this.errors.push(e);
  }

  unexpected(): CollectedError[] {
    return this.errors.filter(
      (e) => !(e.kind === 'console.error' && this.allowed.some((re) => re.test(e.text))),
    );
  }

  watchPage(page: Page): void {
    page.on('pageerror', (err) => {
      this.record({
        kind: 'pageerror',
        text: err.stack || `${err.name}: ${err.message}`,
        url: safeUrl(page),
      });
    });
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const loc = msg.location();
      this.record({
        kind: 'console.error',
        text: msg.text(),
        url: loc?.url ? `${loc.url}:${loc.lineNumber}:${loc.columnNumber}` : safeUrl(page),
      });
    });
  }

  async watchContext(context: BrowserContext): Promise<void> {
    for (const p of context.pages()) this.watchPage(p);
    context.on('page', (p) => this.watchPage(p));
    await keepOffTheNetwork(context);
    await context.addInitScript(watchTitle);
  }
}

// Runs in every page: a document whose title is empty once the page has
// parsed (the tab shows a bare address, a screen reader announces nothing) is
// reported as a console error, which fails the test. The observer runs after
// the task that changed the title, as the browser would paint: a title
// cleared and set again in one task is never seen, as no one would see it.
function watchTitle(): void {
  const check = (when: string) => {
    if (document.title.trim() === '') console.error(`document title is empty ${when} on ${location.pathname}`);
  };
  document.addEventListener('DOMContentLoaded', () => {
    check('after parsing');
    new MutationObserver(() => check('after a change')).observe(document.head, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
}

function safeUrl(page: Page): string {
  try {
    return page.url();
  } catch {
    return '(closed page)';
  }
}

// ---------------------------------------------------------------------------
// Network guard: only loopback is ever contacted.
// ---------------------------------------------------------------------------

const ONE_PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

function isLoopback(url: URL): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    return true; // data:, blob:, about: never leave the machine
  }
  const h = url.hostname;
  return h === 'localhost' || h === '[::1]' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

async function keepOffTheNetwork(context: BrowserContext): Promise<void> {
  await context.route(
    (url) => !isLoopback(url),
    async (route) => {
      if (route.request().resourceType() === 'image') {
        await route.fulfill({ status: 200, contentType: 'image/png', body: ONE_PIXEL_PNG });
      } else {
        await route.abort('blockedbyclient');
      }
    },
  );
}

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

type NewContext = (options?: BrowserContextOptions) => Promise<BrowserContext>;

interface Fixtures {
  /** Errors seen on any page of this test; `.allow(re)` to expect one. */
  consoleErrors: ErrorLog;
  /** Open another browser context (a second device); closed and checked at teardown. */
  newContext: NewContext;
  /** Dialogs (alert/confirm/prompt) opened by any page of this test. */
  dialogs: string[];
}

export const test = base.extend<Fixtures>({
  consoleErrors: async ({}, use, testInfo) => {
    const log = new ErrorLog();
    await use(log);
    const bad = log.unexpected();
    if (bad.length > 0) {
      const text = bad.map((e, i) => `  ${i + 1}. [${e.kind}] ${e.text}\n     at ${e.url}`).join('\n');
      // Printed for the log, attached for the report, then the test fails.
      console.error(`\n${testInfo.title}: ${bad.length} page error(s) / console error(s):\n${text}\n`);
      await testInfo.attach('console-errors', { body: text, contentType: 'text/plain' });
      throw new Error(`Page errors or console errors occurred during the test:\n${text}`);
    }
  },

  dialogs: async ({}, use) => {
    await use([]);
  },

  context: async ({ context, consoleErrors, dialogs }, use) => {
    await consoleErrors.watchContext(context);
    context.on('page', (p) => watchDialogs(p, dialogs));
    for (const p of context.pages()) watchDialogs(p, dialogs);
    await use(context);
  },

  newContext: async ({ browser, consoleErrors, dialogs, baseURL }, use) => {
    const opened: BrowserContext[] = [];
    const make: NewContext = async (options = {}) => {
      const ctx = await (browser as Browser).newContext({ baseURL, ...options });
      await consoleErrors.watchContext(ctx);
      ctx.on('page', (p) => watchDialogs(p, dialogs));
      opened.push(ctx);
      return ctx;
    };
    await use(make);
    for (const ctx of opened) await ctx.close().catch(() => undefined);
  },
});

function watchDialogs(page: Page, dialogs: string[]): void {
  page.on('dialog', async (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss().catch(() => undefined);
  });
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** Wait until the WASM bundle has hydrated the page (the app sets body[data-hydrated="true"]). */
export async function waitForHydration(page: Page, timeout = 15_000): Promise<void> {
  await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached', timeout });
}

/** Run axe-core on the page; fail on any violation of impact "serious" or "critical". */
export async function checkA11y(page: Page, configure?: (b: AxeBuilder) => AxeBuilder): Promise<void> {
  let builder = new AxeBuilder({ page });
  if (configure) builder = configure(builder);
  const results = await builder.analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad
    .map(
      (v) =>
        `- [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
        v.nodes.map((n) => `    ${JSON.stringify(n.target)}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, '\n      ')}` : ''}`).join('\n'),
    )
    .join('\n');
  if (bad.length > 0) console.error(`axe violations on ${page.url()}:\n${report}`);
  expect(bad, `axe found serious/critical violations on ${page.url()}:\n${report}`).toEqual([]);
}

export interface TestUser {
  username: string;
  email: string;
  password: string;
}

/** A fresh, unique account: username [a-z0-9_] <= 30 chars, email at example.com, strong passphrase. */
export function uniqueUser(prefix = 'e2e'): TestUser {
  const suffix = `${Date.now().toString(36)}${randomBytes(5).toString('hex')}`;
  const username = `${prefix}_${suffix}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 30);
  return {
    username,
    email: `${username}@example.com`,
    password: strongPassword(),
  };
}

export function strongPassword(): string {
  return `correct-horse-${randomBytes(6).toString('hex')}`;
}

/** The header's "Sign out" button (present on every page when signed in). */
export function signOutButton(page: Page): Locator {
  return page.locator('header').getByRole('button', { name: 'Sign out', exact: true });
}

/** The header's "Sign in" link (present when signed out). */
export function signInLink(page: Page): Locator {
  return page.locator('header').getByRole('link', { name: 'Sign in', exact: true });
}

function isSubmission(r: Request): boolean {
  return r.method() === 'POST';
}

/**
 * Click a submit button and wait for the POST it causes (a server-function call
 * when hydrated, a form post without JavaScript) to be answered. Returns that
 * response.
 */
export async function submitAndWait(page: Page, button: Locator): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => isSubmission(r.request()) && sameOrigin(page, r.url())),
    button.click(),
  ]);
  return response;
}

function sameOrigin(page: Page, url: string): boolean {
  try {
    return new URL(url).origin === new URL(page.url()).origin;
  } catch {
    return false;
  }
}

/** Register through /register (JavaScript on) and wait until signed in. */
export async function register(page: Page, user: TestUser): Promise<void> {
  await page.goto('/register');
  await waitForHydration(page);
  await page.getByLabel('Username', { exact: true }).fill(user.username);
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await expect(signOutButton(page)).toBeVisible();
}

/** Fill and submit /login (JavaScript on). Does not assert the outcome. */
export async function submitLogin(page: Page, login: string, password: string): Promise<void> {
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('Username or email', { exact: true }).fill(login);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Sign in through /login and wait until signed in. */
export async function signIn(page: Page, login: string, password: string): Promise<void> {
  await submitLogin(page, login, password);
  await expect(signOutButton(page)).toBeVisible();
}

/** Sign out with the header button and wait for the "Sign in" link. */
export async function signOut(page: Page): Promise<void> {
  await signOutButton(page).click();
  await expect(signInLink(page)).toBeVisible();
}

export const WRONG_CREDENTIALS = 'Incorrect username/email or password.';

// ---------------------------------------------------------------------------
// Outbox (.eml files written by the app when no SMTP is configured)
// ---------------------------------------------------------------------------

export function outboxDir(): string {
  const dir = process.env.OUTBOX_DIR || '../data/outbox';
  return path.resolve(END2END_DIR, dir);
}

/** Undo the transfer encodings an .eml may use so links can be matched. */
export function decodeEml(raw: string): string {
  // quoted-printable: soft line breaks and '='
  let text = raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
  // base64 parts: append their decoded text
  const b64 = /Content-Transfer-Encoding:\s*base64[^\S\r\n]*\r?\n(?:[^\r\n]+\r?\n)*?\r?\n([A-Za-z0-9+/=\r\n]+)/gi;
  for (const m of raw.matchAll(b64)) {
    try {
      text += '\n' + Buffer.from(m[1].replace(/\s+/g, ''), 'base64').toString('utf8');
    } catch {
      /* not base64 after all */
    }
  }
  return text;
}

/**
 * The newest .eml in the outbox that mentions `email`, decoded. Polls until
 * `timeout` because the app may send mail after answering the request.
 */
export async function newestMailFor(email: string, timeout = 15_000): Promise<string> {
  const dir = outboxDir();
  const deadline = Date.now() + timeout;
  const needle = email.toLowerCase();
  for (;;) {
    let names: string[] = [];
    try {
      names = await readdir(dir);
    } catch {
      /* directory not created yet */
    }
    const found: { mtime: number; text: string }[] = [];
    for (const name of names) {
      if (!name.endsWith('.eml')) continue;
      const file = path.join(dir, name);
      try {
        const [st, raw] = await Promise.all([stat(file), readFile(file, 'utf8')]);
        const text = decodeEml(raw);
        if (text.toLowerCase().includes(needle)) found.push({ mtime: st.mtimeMs, text });
      } catch {
        /* being written or removed */
      }
    }
    if (found.length > 0) {
      found.sort((a, b) => b.mtime - a.mtime);
      return found[0].text;
    }
    if (Date.now() > deadline) {
      throw new Error(`no .eml mentioning ${email} in ${dir} after ${timeout} ms`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const VERIFY_LINK = /\/verify-email\?token=[A-Za-z0-9_\-.]+/;

/**
 * Open an emailed confirmation link and confirm: opening it changes nothing
 * (a mail scanner opens links too); the page's one button does.
 */
export async function confirmEmailLink(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await expect(page.getByRole('main')).not.toContainText(/is now verified/i);
  await page.getByRole('button', { name: 'Confirm email address', exact: true }).click();
  await expect(page.getByRole('main')).toContainText(/verified/i);
}
