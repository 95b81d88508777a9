// Groups in a real browser: browse and search as a visitor (search and
// filters in the URL, the back button), create a group after confirming the
// email, join and leave (with and without JavaScript), ask to join a closed
// group and be approved from the owner's browser, and manage members.
import { randomBytes } from 'node:crypto';
import {
  test,
  expect,
  waitForHydration,
  uniqueUser,
  register,
  newestMailFor,
  checkA11y,
  submitAndWait,
  VERIFY_LINK,
  confirmEmailLink,
  type Page,
  type TestUser,
} from './fixtures';

const CLIENT_ERROR_STATUS = /Failed to load resource: the server responded with a status of 4\d\d/;

function word(): string {
  return `w${randomBytes(4).toString('hex')}`;
}

/** Registers and confirms the email through the outbox link. */
async function verifiedUser(page: Page, prefix = 'grp'): Promise<TestUser> {
  const user = uniqueUser(prefix);
  await register(page, user);
  const mail = await newestMailFor(user.email);
  const link = VERIFY_LINK.exec(mail);
  expect(link, 'a verification link').not.toBeNull();
  await confirmEmailLink(page, link![0]);
  return user;
}

interface NewGroup {
  name: string;
  slug: string;
  description?: string;
  tags?: string;
  open?: boolean;
  question?: string;
}

async function createGroup(page: Page, g: NewGroup): Promise<void> {
  await page.goto('/groups/new');
  await waitForHydration(page);
  await page.getByLabel('Name', { exact: true }).fill(g.name);
  await page.getByLabel('Slug', { exact: true }).fill(g.slug);
  await page.getByLabel('Description', { exact: true }).fill(g.description ?? 'A group made by a browser test.');
  await page.getByLabel('Tags', { exact: true }).fill(g.tags ?? 'testing');
  if (g.open === false) await page.getByLabel('Open to anyone', { exact: true }).uncheck();
  if (g.question) await page.getByLabel('Join question', { exact: true }).fill(g.question);
  await page.getByRole('button', { name: 'Create group', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/groups/${g.slug}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(g.name);
}

test.describe('groups', () => {
  test('browse and search as a visitor; filters live in the URL', async ({ page, newContext }) => {
    const owner = await newContext();
    const ownerPage = await owner.newPage();
    await verifiedUser(ownerPage);
    const w = word();
    const tag = word();
    await createGroup(ownerPage, {
      name: `Café ${w} Club`,
      slug: `cafe-${w}`,
      description: `Espresso lovers ${w}.`,
      tags: `${tag}, coffee`,
    });

    // A visitor (this page has no cookies) browses and searches.
    await page.goto('/groups');
    await waitForHydration(page);
    await checkA11y(page);
    await page.getByLabel('Search groups', { exact: true }).fill(`CAFE ${w}`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page).toHaveURL(/[?&]q=CAFE/);
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: `Café ${w} Club` }) });
    await expect(card).toBeVisible();
    await expect(card).toContainText('1 member');
    await expect(card).toContainText('Open to anyone');
    // Tags are links that filter; the back button returns to the search.
    await card.getByRole('link', { name: tag, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`[?&]tag=${tag}`));
    await expect(page.getByRole('heading', { name: `Café ${w} Club` })).toBeVisible();
    await page.goBack();
    await expect(page).toHaveURL(/[?&]q=CAFE/);
    await expect(page.getByLabel('Search groups', { exact: true })).toHaveValue(`CAFE ${w}`);
    // A shared search URL works on its own, without JavaScript having run.
    await page.goto(`/groups?q=espresso+${w}`);
    await expect(page.getByRole('heading', { name: `Café ${w} Club` })).toBeVisible();
    await page.goto(`/groups?q=nothing${w}`);
    await expect(page.getByText('No group matches.')).toBeVisible();
    // The group page shows the way in to a visitor.
    await page.goto(`/groups/cafe-${w}`);
    await waitForHydration(page);
    await expect(page.getByRole('main')).toContainText('sign in');
    await expect(page.getByRole('button', { name: 'Join group' })).toHaveCount(0);
    await checkA11y(page);
  });

  test('creating a group needs a confirmed email; names render as text', async ({ page, dialogs, consoleErrors }) => {
    consoleErrors.allow(CLIENT_ERROR_STATUS);
    const user = uniqueUser('grpnew');
    await register(page, user);
    await page.goto('/groups/new');
    await waitForHydration(page);
    await expect(page.getByRole('main')).toContainText('confirm your email');
    await expect(page.getByRole('button', { name: 'Create group' })).toHaveCount(0);

    const mail = await newestMailFor(user.email);
    await confirmEmailLink(page, VERIFY_LINK.exec(mail)![0]);

    // A refused form keeps what was typed and says why beside the field.
    await page.goto('/groups/new');
    await waitForHydration(page);
    await page.getByLabel('Name', { exact: true }).fill('Fine name');
    await page.getByLabel('Slug', { exact: true }).fill('Not A Slug');
    await page.getByRole('button', { name: 'Create group', exact: true }).click();
    await expect(page.getByLabel('Slug', { exact: true })).toHaveAccessibleDescription(/Use only lower-case letters/);
    await expect(page.getByRole('link', { name: /Use only lower-case letters/ })).toBeVisible();
    await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Fine name');
    await expect(page.getByLabel('Slug', { exact: true })).toHaveValue('Not A Slug');

    const w = word();
    const evil = `"><img src=x onerror=alert(1)> ${w}`;
    await createGroup(page, { name: evil, slug: `evil-${w}`, tags: 'safe' });
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(evil);
    await expect(page.getByRole('main')).toContainText('Owner');
    await expect(page.getByRole('link', { name: 'Manage group' })).toBeVisible();
    expect(dialogs).toEqual([]);
    await checkA11y(page);
  });

  test('join and leave an open group', async ({ page, newContext }) => {
    const ownerPage = await (await newContext()).newPage();
    await verifiedUser(ownerPage);
    const w = word();
    await createGroup(ownerPage, { name: `Open ${w}`, slug: `open-${w}` });

    await register(page, uniqueUser('joiner'));
    await page.goto(`/groups/open-${w}`);
    await waitForHydration(page);
    await submitAndWait(page, page.getByRole('button', { name: 'Join group', exact: true }));
    await expect(page.getByRole('button', { name: 'Leave group', exact: true })).toBeVisible();
    await expect(page.getByRole('main')).toContainText('2 members');
    await submitAndWait(page, page.getByRole('button', { name: 'Leave group', exact: true }));
    await expect(page.getByRole('button', { name: 'Join group', exact: true })).toBeVisible();
    await expect(page.getByRole('main')).toContainText('1 member');

    // The same without JavaScript: plain form posts.
    const noJs = await newContext({ javaScriptEnabled: false });
    const p2 = await noJs.newPage();
    const other = uniqueUser('nojs');
    await p2.goto('/register');
    await p2.getByLabel('Username', { exact: true }).fill(other.username);
    await p2.getByLabel('Email', { exact: true }).fill(other.email);
    await p2.getByLabel('Password', { exact: true }).fill(other.password);
    await p2.getByRole('button', { name: 'Create account', exact: true }).click();
    await expect(p2.locator('header').getByRole('button', { name: 'Sign out' })).toBeVisible();
    await p2.goto(`/groups/open-${w}`);
    await p2.getByRole('button', { name: 'Join group', exact: true }).click();
    await expect(p2.getByRole('button', { name: 'Leave group', exact: true })).toBeVisible();
  });

  test('ask to join a closed group; the owner approves; manage members', async ({ page, newContext, consoleErrors }) => {
    consoleErrors.allow(CLIENT_ERROR_STATUS);
    const ownerPage = await (await newContext()).newPage();
    await verifiedUser(ownerPage);
    const w = word();
    await createGroup(ownerPage, {
      name: `Closed ${w}`,
      slug: `closed-${w}`,
      open: false,
      question: 'What do you bring?',
    });

    const asker = uniqueUser('asker');
    await register(page, asker);
    await page.goto(`/groups/closed-${w}`);
    await waitForHydration(page);
    await expect(page.getByRole('main')).toContainText('What do you bring?');
    await page.getByLabel('Your answer', { exact: true }).fill('Cake, mostly.');
    await submitAndWait(page, page.getByRole('button', { name: 'Request to join', exact: true }));
    await expect(page.getByRole('button', { name: 'Cancel request', exact: true })).toBeVisible();

    // The owner sees the request with the answer and approves it.
    await ownerPage.goto(`/groups/closed-${w}/manage`);
    await waitForHydration(ownerPage);
    await checkA11y(ownerPage);
    const request = ownerPage.getByRole('list').filter({ hasText: 'Cake, mostly.' }).getByRole('listitem');
    await expect(request).toContainText(asker.username);
    await submitAndWait(ownerPage, request.getByRole('button', { name: 'Approve', exact: true }));
    await expect(ownerPage.getByText('No one is waiting.')).toBeVisible();

    await page.reload();
    await waitForHydration(page);
    await expect(page.getByRole('button', { name: 'Leave group', exact: true })).toBeVisible();

    // Manage: make the new member an admin, then remove them.
    const row = ownerPage.getByRole('listitem').filter({ hasText: `@${asker.username}` });
    await submitAndWait(ownerPage, row.getByRole('button', { name: 'Make admin', exact: true }));
    await expect(row).toContainText('admin');
    await expect(row.getByRole('button', { name: 'Make member', exact: true })).toBeVisible();
    await submitAndWait(ownerPage, row.getByRole('button', { name: 'Remove', exact: true }));
    await expect(ownerPage.getByRole('listitem').filter({ hasText: `@${asker.username}` })).toHaveCount(0);

    await page.reload();
    await waitForHydration(page);
    await expect(page.getByRole('button', { name: 'Request to join', exact: true })).toBeVisible();

    // A non-manager is refused the manage page.
    await page.goto(`/groups/closed-${w}/manage`);
    await expect(page.getByRole('main')).toContainText('You do not have permission');
  });
});
