// The application shell: pages render on the server (also with JavaScript
// off), hydrate without errors in the browser, 404s are real 404s, the pages
// that need no sign-in pass axe (no serious/critical violations), and HTML
// responses carry the security headers of SECURITY.md S24.
import { test, expect, waitForHydration, checkA11y } from './fixtures';

test.describe('shell', () => {
  test('home page renders a <main>, hydrates cleanly and passes axe', async ({ page }) => {
    const response = await page.goto('/');
    expect(response, 'navigation response').not.toBeNull();
    expect(response!.status()).toBe(200);
    await expect(page.locator('main')).toHaveCount(1);
    await expect(page.locator('main')).toBeVisible();
    await waitForHydration(page);
    await checkA11y(page);
  });

  test('client-side navigation loads each page\'s code on demand and keeps working', async ({ page, consoleErrors }) => {
    // Chromium logs the refused sign-in at the end (401) as a console error.
    consoleErrors.allow(/status of 401/);
    // Every page is a lazy route: its WASM chunk is fetched when the router
    // first needs it. Moving between pages must not reload the document, and
    // the page reached must be interactive.
    const chunks: string[] = [];
    page.on('request', (r) => {
      if (/\/pkg\/split_.*\.wasm$/.test(r.url())) chunks.push(r.url());
    });
    await page.goto('/');
    await waitForHydration(page);
    await expect(page).toHaveTitle('Vestibule');
    const before = chunks.length;
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await page.getByRole('navigation').getByRole('link', { name: 'Groups' }).click();
    await expect(page).toHaveURL(/\/groups$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Groups' })).toBeVisible();
    await expect(page).toHaveTitle('Groups · Vestibule');
    await page.getByRole('navigation').getByRole('link', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page).toHaveTitle('Sign in · Vestibule');
    await expect(page.getByLabel('Password')).toBeVisible();
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(chunks.length, 'page chunks fetched while navigating').toBeGreaterThan(before);
    // The login form reached by navigation works: a wrong password is refused.
    await page.getByLabel(/username or email/i).fill('nobody-here');
    await page.getByLabel('Password').fill('not the right password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
  });

  test('an unknown path answers 404 with a helpful page', async ({ page, consoleErrors }) => {
    // Chromium logs the 404 of the document itself as a console error.
    consoleErrors.allow(/Failed to load resource: the server responded with a status of 404/);
    const response = await page.goto('/no-such-page');
    expect(response, 'navigation response').not.toBeNull();
    expect(response!.status()).toBe(404);
    await expect(page.getByRole('heading', { name: /not found/i }).first()).toBeVisible();
    await expect(page.locator('a[href="/"]').first()).toBeVisible();
    await waitForHydration(page);
    await checkA11y(page);
  });

  test.describe('forms render on the server (JavaScript off)', () => {
    test('/register', async ({ newContext }) => {
      const ctx = await newContext({ javaScriptEnabled: false });
      const page = await ctx.newPage();
      const response = await page.goto('/register');
      expect(response!.status()).toBe(200);
      await expect(page.getByLabel('Username', { exact: true })).toBeVisible();
      await expect(page.getByLabel('Email', { exact: true })).toBeVisible();
      await expect(page.getByLabel('Password', { exact: true })).toBeVisible();
      const button = page.getByRole('button', { name: 'Create account', exact: true });
      await expect(button).toBeVisible();
      // Without JavaScript the form must post somewhere by itself.
      const form = page.locator('form').filter({ has: button });
      await expect(form).toHaveAttribute('method', /^post$/i);
      await expect(form).toHaveAttribute('action', /.+/);
    });

    test('/login', async ({ newContext }) => {
      const ctx = await newContext({ javaScriptEnabled: false });
      const page = await ctx.newPage();
      const response = await page.goto('/login');
      expect(response!.status()).toBe(200);
      await expect(page.getByLabel('Username or email', { exact: true })).toBeVisible();
      await expect(page.getByLabel('Password', { exact: true })).toBeVisible();
      await expect(page.getByRole('checkbox', { name: 'Keep me signed in', exact: true })).toBeVisible();
      const button = page.getByRole('button', { name: 'Sign in', exact: true });
      await expect(button).toBeVisible();
      const form = page.locator('form').filter({ has: button });
      await expect(form).toHaveAttribute('method', /^post$/i);
      await expect(form).toHaveAttribute('action', /.+/);
    });
  });

  test.describe('forms hydrate (JavaScript on)', () => {
    test('/register', async ({ page }) => {
      await page.goto('/register');
      await waitForHydration(page);
      await expect(page.getByLabel('Username', { exact: true })).toBeEditable();
      await expect(page.getByLabel('Email', { exact: true })).toBeEditable();
      await expect(page.getByLabel('Password', { exact: true })).toBeEditable();
      await expect(page.getByRole('button', { name: 'Create account', exact: true })).toBeEnabled();
      await checkA11y(page);
    });

    test('/login', async ({ page }) => {
      await page.goto('/login');
      await waitForHydration(page);
      await expect(page.getByLabel('Username or email', { exact: true })).toBeEditable();
      await expect(page.getByLabel('Password', { exact: true })).toBeEditable();
      await expect(page.getByRole('checkbox', { name: 'Keep me signed in', exact: true })).toBeEnabled();
      await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeEnabled();
      await checkA11y(page);
    });
  });

  test.describe('pages that need no sign-in pass axe', () => {
    for (const path of ['/', '/login', '/register', '/groups']) {
      test(`axe: ${path}`, async ({ page }) => {
        const response = await page.goto(path);
        expect(response!.status()).toBe(200);
        await expect(page.locator('main')).toHaveCount(1);
        await waitForHydration(page);
        await checkA11y(page);
      });
    }
  });

  test.describe('security headers', () => {
    function directives(csp: string): Map<string, string> {
      const map = new Map<string, string>();
      for (const part of csp.split(';')) {
        const [name, ...values] = part.trim().split(/\s+/);
        if (name) map.set(name.toLowerCase(), values.join(' '));
      }
      return map;
    }

    test('HTML responses carry CSP with nonces and the other S24 headers', async ({ request }) => {
      const response = await request.get('/');
      expect(response.status()).toBe(200);
      const headers = response.headers();
      const csp = headers['content-security-policy'];
      expect(csp, 'content-security-policy header').toBeTruthy();
      expect(csp).toContain('nonce-');
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("base-uri 'none'");
      const d = directives(csp);
      const scriptSrc = d.get('script-src') ?? d.get('default-src');
      expect(scriptSrc, 'script-src (or default-src) directive').toBeTruthy();
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    });

    test('the CSP nonce is fresh per response and matches the page scripts', async ({ request }) => {
      const nonceOf = (csp: string) => /'nonce-([^']+)'/.exec(csp)?.[1];
      const a = await request.get('/');
      const b = await request.get('/');
      const nonceA = nonceOf(a.headers()['content-security-policy'] ?? '');
      const nonceB = nonceOf(b.headers()['content-security-policy'] ?? '');
      expect(nonceA).toBeTruthy();
      expect(nonceB).toBeTruthy();
      expect(nonceA).not.toBe(nonceB);
      const html = await a.text();
      const scriptNonces = [...html.matchAll(/<script\b[^>]*\bnonce="([^"]+)"/g)].map((m) => m[1]);
      expect(scriptNonces.length, 'scripts with a nonce').toBeGreaterThan(0);
      for (const n of scriptNonces) expect(n).toBe(nonceA);
    });
  });
});
