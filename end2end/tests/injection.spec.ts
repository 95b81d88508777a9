// Stored text stays text in a real browser (issue 31, S26): a group and a
// profile whose fields hold markup that would close <title>, run a script,
// load an image, draw an SVG or refresh the page elsewhere. Every page that
// shows them, loaded directly and reached by client-side navigation, signed
// in and anonymous, runs no injected script, opens no dialog, requests no
// injected resource (a console error fails the test), stays where it is,
// and shows the text literally, the tab's title included.
import { randomBytes } from 'node:crypto';
import {
  test,
  expect,
  waitForHydration,
  uniqueUser,
  register,
  newestMailFor,
  VERIFY_LINK,
  confirmEmailLink,
  type Page,
} from './fixtures';

const TITLE_BREAK = 'T</title><meta http-equiv="refresh" content="0;url=/evil">';
const IMG_AND_SVG = '"><img src=x onerror=window.__pwned=3><svg onload=window.__pwned=5>';
const SCRIPT_BREAK = 'x</script><script>window.__pwned=2</script>';
const TITLE_SCRIPT = 'T</title><script>window.__pwned=1</script>';

async function expectUntouched(page: Page, path: string): Promise<void> {
  // Long enough for a refresh of 0 s to have happened.
  await page.waitForTimeout(600);
  const here = new URL(page.url());
  expect(here.pathname + here.search, `still on ${path}`).toBe(path);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(await page.locator('head meta[http-equiv]').count()).toBe(0);
  expect(await page.locator('img[src="x"], svg[onload]').count()).toBe(0);
}

async function visit(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await waitForHydration(page);
  await expectUntouched(page, path);
}

test('markup in names, descriptions and profiles stays text', async ({ page, newContext, dialogs }) => {
  const user = uniqueUser('inj');
  await register(page, user);
  const link = VERIFY_LINK.exec(await newestMailFor(user.email));
  await confirmEmailLink(page, link![0]);

  await page.goto('/account');
  await waitForHydration(page);
  await page.getByLabel('First name', { exact: true }).fill('<svg onload=window.__pwned=5>');
  await page.getByLabel('Last name', { exact: true }).fill('"><img src=x onerror=window.__pwned=3>');
  await page.getByLabel('Bio', { exact: true }).fill(TITLE_SCRIPT);
  await page.getByRole('button', { name: 'Save profile', exact: true }).click();
  await expect(page.getByText('Profile saved.')).toBeVisible();

  const suffix = randomBytes(4).toString('hex');
  const evil = `evil-${suffix}`;
  const tom = `tom-${suffix}`;
  const groups = [
    { name: `${TITLE_BREAK} ${suffix}`, slug: evil, description: IMG_AND_SVG, question: SCRIPT_BREAK },
    { name: `Tom & Jerry <3 ${suffix}`, slug: tom, description: TITLE_SCRIPT, question: '' },
  ];
  for (const g of groups) {
    await page.goto('/groups/new');
    await waitForHydration(page);
    await page.getByLabel('Name', { exact: true }).fill(g.name);
    await page.getByLabel('Slug', { exact: true }).fill(g.slug);
    await page.getByLabel('Description', { exact: true }).fill(g.description);
    await page.getByLabel('Open to anyone', { exact: true }).uncheck();
    if (g.question) await page.getByLabel('Join question', { exact: true }).fill(g.question);
    await page.getByRole('button', { name: 'Create group', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/groups/${g.slug}$`));
    await expectUntouched(page, `/groups/${g.slug}`);
    await expect(page).toHaveTitle(`${g.name} · Vestibule`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(g.name);
    await expect(page.getByText(g.description, { exact: true })).toBeVisible();
  }

  // Loaded directly, signed in.
  for (const path of ['/', '/account', '/account/sessions', '/account/activity', '/groups', `/groups/${evil}`, `/groups/${evil}/manage`, `/groups/${tom}`]) {
    await visit(page, path);
  }
  await visit(page, `/groups/${tom}`);
  await expect(page).toHaveTitle(`Tom & Jerry <3 ${suffix} · Vestibule`);
  await expect(page.getByText(TITLE_SCRIPT, { exact: true })).toBeVisible();
  await visit(page, '/account');
  await expect(page.getByRole('region', { name: 'Your profile' }).getByText(TITLE_SCRIPT, { exact: true })).toBeVisible();
  await expect(page.getByLabel('Bio', { exact: true })).toHaveValue(TITLE_SCRIPT);

  // Reached by client-side navigation: the listing's links, then the header's.
  await visit(page, `/groups?q=${suffix}`);
  for (const g of groups) {
    await page.getByRole('link', { name: g.name, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/groups/${g.slug}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(g.name);
    await expect(page).toHaveTitle(`${g.name} · Vestibule`);
    await expectUntouched(page, `/groups/${g.slug}`);
    await page.goBack();
    await expect(page).toHaveURL(/\/groups\?q=/);
  }
  await page.locator('header').getByRole('link', { name: 'Sessions', exact: true }).click();
  await expect(page).toHaveURL(/\/account\/sessions$/);
  await expect(page).toHaveTitle('Sessions · Vestibule');
  await expectUntouched(page, '/account/sessions');

  // Anonymous.
  const anon = await (await newContext()).newPage();
  for (const path of ['/groups', `/groups/${evil}`, `/groups/${tom}`]) await visit(anon, path);
  await expect(anon).toHaveTitle(`Tom & Jerry <3 ${suffix} · Vestibule`);
  await visit(anon, `/groups?q=${suffix}`);
  await anon.getByRole('link', { name: groups[0].name, exact: true }).click();
  await expect(anon).toHaveTitle(`${groups[0].name} · Vestibule`);
  await expectUntouched(anon, `/groups/${evil}`);

  expect(dialogs).toEqual([]);
});
