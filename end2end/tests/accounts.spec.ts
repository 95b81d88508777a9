// Accounts in a real browser, JavaScript on: registration signs the person in,
// sign-out and sign-in work, a wrong password gets the one generic message,
// the profile saves and user text renders as text (no XSS), a password change
// ends the other sessions, the verification email's link verifies the address,
// a deleted account can no longer sign in, a refused registration keeps what
// was typed, and sign-in returns to the page that asked for it. Each test uses
// its own account.
import {
  test,
  expect,
  waitForHydration,
  uniqueUser,
  strongPassword,
  register,
  signIn,
  signOut,
  submitLogin,
  submitAndWait,
  signOutButton,
  signInLink,
  newestMailFor,
  VERIFY_LINK,
  confirmEmailLink,
  WRONG_CREDENTIALS,
} from './fixtures';

// A failed sign-in may be answered with a 4xx status, which Chromium logs as a
// console error; that one line is expected there (5xx never is).
const CLIENT_ERROR_STATUS = /Failed to load resource: the server responded with a status of 4\d\d/;

test.describe('accounts', () => {
  test('register signs in; sign out; sign in again', async ({ page }) => {
    const user = uniqueUser();
    await register(page, user);

    await signOut(page);
    await expect(signOutButton(page)).toHaveCount(0);

    await signIn(page, user.username, user.password);
    await signOut(page);

    // Sign-in by email works as well.
    await signIn(page, user.email, user.password);
  });

  test('a wrong password gets the generic message', async ({ page, consoleErrors }) => {
    consoleErrors.allow(CLIENT_ERROR_STATUS);
    const user = uniqueUser();
    await register(page, user);
    await signOut(page);

    await submitLogin(page, user.username, `${user.password}-wrong`);
    await expect(page.getByText(WRONG_CREDENTIALS, { exact: true })).toBeVisible();
    await expect(signInLink(page)).toBeVisible();
    await expect(signOutButton(page)).toHaveCount(0);
    // The form keeps what was typed (the password need not be kept).
    await expect(page.getByLabel('Username or email', { exact: true })).toHaveValue(user.username);

    // An unknown account gets exactly the same message.
    await submitLogin(page, `${user.username}_nobody`, user.password);
    await expect(page.getByText(WRONG_CREDENTIALS, { exact: true })).toBeVisible();
  });

  test('without JavaScript a refused sign-in keeps the login, for that answer only', async ({ page, newContext }) => {
    const user = uniqueUser();
    await register(page, user);
    const nojs = await (await newContext({ javaScriptEnabled: false })).newPage();
    await nojs.goto('/login');
    await nojs.getByLabel('Username or email', { exact: true }).fill(user.email);
    await nojs.getByLabel('Password', { exact: true }).fill(`${user.password}-wrong`);
    await nojs.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(nojs.getByText(WRONG_CREDENTIALS, { exact: true })).toBeVisible();
    await expect(nojs.getByLabel('Username or email', { exact: true })).toHaveValue(user.email);
    await expect(nojs.getByLabel('Password', { exact: true })).toHaveValue('');
    expect(decodeURIComponent(nojs.url())).not.toContain(user.username);
    // The next visit starts empty.
    await nojs.goto('/login');
    await expect(nojs.getByLabel('Username or email', { exact: true })).toHaveValue('');
  });

  test('profile edits are saved', async ({ page }) => {
    const user = uniqueUser();
    await register(page, user);

    await page.goto('/account');
    await waitForHydration(page);
    const profile = {
      first: 'Ada',
      last: 'Lovelace-Byron',
      bio: 'Analyst of engines.\nSecond line of the bio.',
      picture: 'https://example.com/avatars/ada.png',
    };
    await page.getByLabel('First name', { exact: true }).fill(profile.first);
    await page.getByLabel('Last name', { exact: true }).fill(profile.last);
    await page.getByLabel('Bio', { exact: true }).fill(profile.bio);
    await page.getByLabel('Profile picture URL', { exact: true }).fill(profile.picture);
    const response = await submitAndWait(page, page.getByRole('button', { name: 'Save profile', exact: true }));
    expect(response.status(), 'save profile response').toBeLessThan(400);
    // The form posts plainly: the page comes back with the note and the new
    // picture in the navigation.
    await expect(page.getByText('Profile saved.', { exact: true })).toBeVisible();
    await expect(page.locator(`header img[src="${profile.picture}"]`)).toHaveCount(1);

    await page.reload();
    await waitForHydration(page);
    await expect(page.getByLabel('First name', { exact: true })).toHaveValue(profile.first);
    await expect(page.getByLabel('Last name', { exact: true })).toHaveValue(profile.last);
    await expect(page.getByLabel('Bio', { exact: true })).toHaveValue(profile.bio);
    await expect(page.getByLabel('Profile picture URL', { exact: true })).toHaveValue(profile.picture);
  });

  test('user text renders as text, never as HTML (S26)', async ({ page, dialogs }) => {
    const user = uniqueUser();
    await register(page, user);
    const xss = '"><img src=x onerror=alert(1)>';

    await page.goto('/account');
    await waitForHydration(page);
    await page.getByLabel('Bio', { exact: true }).fill(xss);
    const response = await submitAndWait(page, page.getByRole('button', { name: 'Save profile', exact: true }));
    expect(response.status(), 'save profile response').toBeLessThan(400);

    await page.reload();
    await waitForHydration(page);
    await expect(page.getByLabel('Bio', { exact: true })).toHaveValue(xss);
    // Shown literally (in the server-rendered field or a preview of the profile).
    await expect(page.getByText(xss, { exact: true }).first()).toBeVisible();
    await expect(page.locator('img[src="x"]')).toHaveCount(0);

    // The server-rendered HTML carries the text escaped.
    const html = await (await page.request.get('/account')).text();
    expect(html).not.toContain('<img src=x onerror=alert(1)>');

    // Give a would-be onerror handler a moment, then check nothing fired.
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
  });

  test('changing the password ends the other sessions (S20)', async ({ page, newContext }) => {
    const user = uniqueUser();
    await register(page, user);

    // A second device signed in as the same user.
    const other = await (await newContext()).newPage();
    await signIn(other, user.username, user.password);

    const newPassword = strongPassword();
    await page.goto('/account/password');
    await waitForHydration(page);
    await page.getByLabel('Current password', { exact: true }).fill(user.password);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await expect(page.getByRole('checkbox', { name: 'Sign out other sessions', exact: true })).toBeChecked();
    const response = await submitAndWait(page, page.getByRole('button', { name: 'Change password', exact: true }));
    expect(response.status(), 'change password response').toBeLessThan(400);

    // This device stays signed in.
    await page.goto('/account');
    await expect(signOutButton(page)).toBeVisible();

    // The other device is signed out: /account sends it to /login or shows "Sign in".
    await other.goto('/account');
    await expect(async () => {
      const onLogin = new URL(other.url()).pathname === '/login';
      const signInShown = await signInLink(other).isVisible();
      expect(onLogin || signInShown, `other device at ${other.url()} still signed in`).toBe(true);
    }).toPass({ timeout: 10_000 });
    await expect(signOutButton(other)).toHaveCount(0);

    // And it can sign in again with the new password only.
    await signIn(other, user.username, newPassword);
  });

  test('the verification email link verifies the address with one button', async ({ page }) => {
    const user = uniqueUser();
    await register(page, user);

    const mail = await newestMailFor(user.email);
    const link = VERIFY_LINK.exec(mail);
    expect(link, `a /verify-email link in the mail to ${user.email}`).not.toBeNull();

    // Opening the link (as a mail scanner would) confirms nothing.
    const response = await page.goto(link![0]);
    expect(response!.status()).toBe(200);
    const main = page.getByRole('main');
    await page.goto('/account');
    await expect(main).toContainText('(not confirmed)');
    await confirmEmailLink(page, link![0]);
    await expect(main).not.toContainText(/invalid|expired|could not|couldn't/i);
    await page.goto('/account');
    await expect(main).toContainText('(confirmed)');
  });

  test('a deleted account cannot sign in', async ({ page, consoleErrors }) => {
    consoleErrors.allow(CLIENT_ERROR_STATUS);
    const user = uniqueUser();
    await register(page, user);

    await page.goto('/account/delete');
    await waitForHydration(page);
    await page.getByLabel('Current password', { exact: true }).fill(user.password);
    const response = await submitAndWait(page, page.getByRole('button', { name: 'Delete account', exact: true }));
    expect(response.status(), 'delete account response').toBeLessThan(400);

    // The session ended with the account.
    await page.goto('/');
    await expect(signInLink(page)).toBeVisible();

    await submitLogin(page, user.username, user.password);
    await expect(page.getByText(WRONG_CREDENTIALS, { exact: true })).toBeVisible();
    await expect(signOutButton(page)).toHaveCount(0);
  });

  test('a refused registration keeps what was typed and says why beside the field', async ({ page, consoleErrors }) => {
    consoleErrors.allow(CLIENT_ERROR_STATUS);
    const user = uniqueUser();
    await page.goto('/register');
    await waitForHydration(page);
    await page.getByLabel('Username', { exact: true }).fill(user.username);
    await page.getByLabel('Email', { exact: true }).fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill('password');
    await page.getByRole('button', { name: 'Create account', exact: true }).click();

    const password = page.getByLabel('Password', { exact: true });
    await expect(password).toHaveAttribute('aria-invalid', 'true');
    // Beside the field, and in the summary that links to it.
    await expect(password).toHaveAccessibleDescription(/too common or easy to guess/);
    await expect(page.getByRole('link', { name: /too common or easy to guess/ })).toBeVisible();
    await expect(password).toHaveValue('');
    await expect(page.getByLabel('Username', { exact: true })).toHaveValue(user.username);
    await expect(page.getByLabel('Email', { exact: true })).toHaveValue(user.email);
    await expect(signOutButton(page)).toHaveCount(0);

    // Fixing the password is enough: the account is created and signed in.
    await waitForHydration(page);
    await password.fill(user.password);
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    await expect(signOutButton(page)).toBeVisible();
  });

  test('sign-in returns to the page that asked for it', async ({ page }) => {
    const user = uniqueUser();
    await register(page, user);
    await signOut(page);

    // Signed out, a signed-in page leads to the sign-in page and back.
    await page.goto('/account/sessions');
    await expect(page).toHaveURL(/\/login\?next=%2Faccount%2Fsessions$/);
    await waitForHydration(page);
    await page.getByLabel('Username or email', { exact: true }).fill(user.username);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page).toHaveURL(/\/account\/sessions$/);
    await expect(signOutButton(page)).toBeVisible();
  });
});
