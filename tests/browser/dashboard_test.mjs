// The dashboard end to end, in Debian's headless chromium driven by
// playwright-core: sign in with a grader token, find the submission the
// test made with the real CLI, check its verdict, open its detail, record a
// score from there, and see the student's gradebook total change.
//
// Run by browser_dashboard_test (dashboard_test.cc), which starts the
// services and the gateway and passes, in the environment:
//   HANDIN_DASHBOARD_URL   https://localhost:<port>/
//   HANDIN_GRADER_TOKEN    a grader token of the course
//   HANDIN_ITEM            the item submitted, e.g. slides/2024-01-25
//   HANDIN_SUBMISSION_ID   the submission id from the CLI's receipt
//   HANDIN_STUDENT         the student who submitted
//   HANDIN_VERDICT         the verdict as the receipt worded it
//   HANDIN_PLAYWRIGHT_DIR  the directory holding node_modules/playwright-core
//                          (the dashboard's npm packages)
//   HANDIN_SCREENSHOT_DIR  where to save screenshots
// Exits 0 when every check passes; otherwise prints what failed and exits 1.
import {createRequire} from 'node:module';
import {join} from 'node:path';

const env = name => {
  const value = process.env[name];
  if (!value) { console.error(`dashboard_test: ${name} is not set`); process.exit(2); }
  return value;
};
const url = env('HANDIN_DASHBOARD_URL');
const token = env('HANDIN_GRADER_TOKEN');
const item = env('HANDIN_ITEM');
const submissionId = env('HANDIN_SUBMISSION_ID');
const student = env('HANDIN_STUDENT');
const verdict = env('HANDIN_VERDICT');
const shots = env('HANDIN_SCREENSHOT_DIR');
const {chromium} = createRequire(join(env('HANDIN_PLAYWRIGHT_DIR'), 'noop.js'))('playwright-core');

function check(condition, message) {
  if (!condition) throw new Error(message);
  console.log(`ok: ${message}`);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let page;
const problems = [];
try {
  // The gateway's certificate is signed by the test cluster's own CA.
  const context = await browser.newContext({ignoreHTTPSErrors: true, viewport: {width: 1280, height: 900}});
  page = await context.newPage();
  page.setDefaultTimeout(20000);
  page.on('pageerror', e => problems.push(`page error: ${e.message}`));
  page.on('console', m => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });

  await page.goto(url);
  await page.getByPlaceholder(/eyJ/).fill(token);
  await page.getByRole('button', {name: 'Open the dashboard'}).click();
  await page.locator('#zone-note').getByText('America/Detroit').waitFor();
  check(true, 'signed in; times are said to be in America/Detroit');

  // Items, filtered to the item's session: its row is there.
  const session = item.split('/')[1];
  if (session) {
    await page.getByLabel('Session').selectOption(session);
    await page.waitForURL(new RegExp(`session=${session}`));
  }
  const row = page.locator('tr', {has: page.getByText(item, {exact: true})});
  await row.waitFor();
  check(true, `the items of session ${session} list ${item}`);
  await row.click();
  await page.locator('canvas').waitFor();
  // The row whose first cell (name, then user id) ends with the student.
  const submissionRow = page.locator('tbody tr')
    .filter({has: page.locator('td:first-child', {hasText: new RegExp(`\\b${student}$`)})})
    .filter({hasText: verdict});
  await submissionRow.first().waitFor();
  check(true, `the ${item} page lists ${student}'s submission as "${verdict}"`);
  await page.getByText('Refused attempts (1)').waitFor();
  check(true, 'the refused upload is listed');

  await submissionRow.first().click();
  const detail = page.getByTestId('submission-detail');
  await detail.waitFor();
  const detailText = await detail.innerText();
  check(detailText.includes(submissionId), `the detail shows submission ${submissionId}`);
  check(detailText.includes(verdict), `the detail shows the verdict "${verdict}"`);
  const reason = await page.getByTestId('verdict-reason').innerText();
  check(reason.length > 20, `the detail gives the verdict's reason: "${reason}"`);
  check(/E[SD]T/.test(detailText), 'the receipt times carry the course zone (EST/EDT)');
  await page.screenshot({path: join(shots, 'dashboard.png'), fullPage: true});

  // Score it from the detail: the gradebook opens with item and principal filled in.
  await detail.getByRole('link', {name: /^Score /}).click();
  const form = page.getByTestId('score-form');
  await form.waitFor();
  const total = page.getByTestId(`total-${student}`);
  await total.waitFor();
  const before = await total.innerText();
  await form.locator('input[name=points]').fill('9');
  await form.locator('input[name=max_points]').fill('10');
  await form.locator('input[name=comment]').fill('clear slides');
  await form.getByRole('button', {name: 'Record score'}).click();
  await page.locator('.flash.ok', {hasText: 'Recorded 9/10'}).waitFor();
  await page.waitForFunction(([id, old]) => {
    const el = document.querySelector(`[data-testid="total-${id}"]`);
    return el && el.textContent !== old;
  }, [student, before]);
  const after = await total.innerText();
  check(Number(after) > Number(before), `${student}'s gradebook total went from ${before} to ${after}`);
  check(problems.length === 0, `no errors in the page${problems.length ? `: ${problems.join('; ')}` : ''}`);
} catch (e) {
  console.error(`dashboard_test: FAILED: ${e.message}`);
  if (problems.length) console.error(problems.join('\n'));
  if (page) {
    await page.screenshot({path: join(shots, 'dashboard-failure.png'), fullPage: true}).catch(() => {});
    console.error(`the page at failure: ${join(shots, 'dashboard-failure.png')}; its text:\n${(await page.locator('body').innerText().catch(() => '')).slice(0, 3000)}`);
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
