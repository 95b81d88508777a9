// Sessions and the security timeline in a real browser: one person signed in
// from three browser contexts sees three sessions with "This device" once;
// ending one signs that browser out, "Sign out all other sessions" signs out
// the rest and keeps this one; the timeline shows what happened. Also checks
// the pages with axe and without JavaScript.
import {
  test,
  expect,
  waitForHydration,
  uniqueUser,
  register,
  signIn,
  signOutButton,
  signInLink,
  checkA11y,
  type Page,
} from './fixtures';

async function expectSignedOut(p: Page): Promise<void> {
  await p.goto('/account');
  await expect(signInLink(p)).toBeVisible();
  await expect(signOutButton(p)).toHaveCount(0);
}

test.describe('sessions', () => {
  test('three browsers, end one, then all others; the timeline shows it', async ({ page, newContext }) => {
    const user = uniqueUser();
    await register(page, user);
    const second = await (await newContext()).newPage();
    await signIn(second, user.username, user.password);
    const third = await (await newContext()).newPage();
    await signIn(third, user.username, user.password);

    await page.goto('/account/sessions');
    await waitForHydration(page);
    const rows = page.locator('main ul.sessions').first().getByRole('listitem');
    await expect(rows).toHaveCount(3);
    await expect(page.getByText('This device', { exact: true })).toHaveCount(1);
    // The current row has no "Sign out" of its own; the two others do.
    await expect(page.locator('main').getByRole('button', { name: 'Sign out', exact: true })).toHaveCount(2);
    await checkA11y(page);

    // End the newest other session (the third browser, most recent activity after ours).
    const other = rows.filter({ hasNot: page.getByText('This device', { exact: true }) }).first();
    await other.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(rows).toHaveCount(2);
    const stillIn = async (p: Page) => {
      await p.goto('/account');
      return (await signOutButton(p).count()) > 0;
    };
    const states = [await stillIn(second), await stillIn(third)];
    expect(states.filter((s) => s).length, 'exactly one of the other browsers was signed out').toBe(1);

    // Sign out all others: the remaining one goes, this one stays.
    await page.goto('/account/sessions');
    await waitForHydration(page);
    await page.getByRole('button', { name: 'Sign out all other sessions', exact: true }).click();
    await expect(page.locator('main ul.sessions').first().getByRole('listitem')).toHaveCount(1);
    await expect(page.getByRole('button', { name: 'Sign out all other sessions', exact: true })).toHaveCount(0);
    await expectSignedOut(second);
    await expectSignedOut(third);
    await page.goto('/account');
    await expect(signOutButton(page)).toBeVisible();

    // Recently ended lists them with a reason.
    await page.goto('/account/sessions');
    await page.getByText(/Recently ended \(2\)/).click();
    await expect(page.getByText('Ended from the sessions page')).toHaveCount(2);

    // Reached by a link inside the running app, the lists come from the
    // server function whole (on a full page load they are written into the
    // finished page instead).
    await page.goto('/account');
    await waitForHydration(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions', exact: true }).click();
    await expect(page).toHaveURL(/\/account\/sessions$/);
    await expect(page.locator('main ul.sessions').first().getByRole('listitem')).toHaveCount(1);
    await expect(page.getByText('This device', { exact: true })).toHaveCount(1);
    expect(await page.content()).not.toContain('vestibule:drawn-section');

    // The timeline shows the sign-ins and the ended sessions, and a chart.
    await page.goto('/account/activity');
    await waitForHydration(page);
    await expect(page.getByRole('img', { name: /Sign-ins per day/ })).toBeVisible();
    await expect(page.getByText('Session ended', { exact: true }).first()).toBeVisible();
    await expect(page.getByText('Other sessions ended', { exact: true })).toBeVisible();
    await expect(page.getByText('Signed in', { exact: true }).first()).toBeVisible();
    await page.getByLabel('Show').selectOption('sessions');
    // A plain GET form: the filtered page is a new document.
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect(page).toHaveURL(/kind=sessions/);
    await page.waitForLoadState('load');
    await waitForHydration(page);
    await expect(page.getByRole('img', { name: /Sign-ins per day/ })).toBeVisible();
    await expect(page.getByText('Signed in', { exact: true })).toHaveCount(0);
    await checkA11y(page);
  });

  test('the sessions page works without JavaScript', async ({ page, newContext }) => {
    const user = uniqueUser();
    await register(page, user);
    const ctx = await newContext({ javaScriptEnabled: false });
    const nojs = await ctx.newPage();
    await nojs.goto('/login');
    await nojs.getByLabel('Username or email', { exact: true }).fill(user.username);
    await nojs.getByLabel('Password', { exact: true }).fill(user.password);
    await nojs.getByRole('button', { name: 'Sign in', exact: true }).click();
    await nojs.goto('/account/sessions');
    await expect(nojs.locator('main ul.sessions').first().getByRole('listitem')).toHaveCount(2);
    await nojs.getByRole('button', { name: 'Sign out all other sessions', exact: true }).click();
    await expect(nojs.locator('main ul.sessions').first().getByRole('listitem')).toHaveCount(1);
    await expectSignedOut(page);
  });
});
