// Opens a `ruralnet report` page in headless Chromium as a planner would:
// from disk, with every request that is not file: or data: blocked and
// counted. Checks the drawn feature counts, a click on a village, the county
// filter and that names stay text; saves a screenshot.
//
// node report.test.js --html FILE --expect JSON --screenshot PNG
//      [--click-village NAME] [--filter CODE --filter-expect JSON] [--hostile NAME]
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const root = path.resolve(__dirname, '..', '..');
const { chromium } = require(path.join(root, 'web', 'node_modules', 'playwright-core'));

let failures = 0, passes = 0;
function check(ok, what) {
  if (ok) { passes++; console.log('ok   ' + what); } else { failures++; console.log('FAIL ' + what); }
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ruralnet-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const blocked = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith('file:') && !u.startsWith('data:') && !blocked.includes(u)) blocked.push(u);
  });
  const errors = [], dialogs = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });

  const url = 'file://' + path.resolve(args.html);
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.ruralnetReport && window.ruralnetReport.ready, null, { timeout: 30000 });
  const openMs = Date.now() - t0;
  const drawMs = await page.evaluate(() => window.ruralnetReport.drawMs);
  console.log(`opened and drew in ${openMs} ms (the page's own script: ${Math.round(drawMs)} ms)`);

  // Every layer with the expected number of features, all of them drawn.
  const expect = JSON.parse(fs.readFileSync(args.expect, 'utf8'));
  const counts = await page.evaluate(() => window.ruralnetReport.counts);
  for (const [id, n] of Object.entries(expect)) check(counts[id] === n, `layer ${id}: ${counts[id]} features, expected ${n}`);
  check(Object.keys(counts).length === Object.keys(expect).length,
        `layers drawn: ${Object.keys(counts).sort().join(',')}`);
  const shown = await page.evaluate(() => {
    const v = window.ruralnetReport.visible();
    const boxes = Array.from(document.querySelectorAll('input[data-layer]'));
    return boxes.filter((b) => b.checked).map((b) => [b.getAttribute('data-layer'), v[b.getAttribute('data-layer')]]);
  });
  for (const [id, n] of shown) check(n === counts[id], `layer ${id} is on the map with all ${counts[id]} features`);
  // A layer switched on draws; switched off, it leaves the map.
  const toggled = await page.evaluate(() => {
    const box = document.querySelector('input[data-layer="roads"]');
    box.click();
    const off = window.ruralnetReport.visible().roads;
    box.click();
    return [off, window.ruralnetReport.visible().roads];
  });
  check(toggled[0] === 0 && toggled[1] === counts.roads, `roads switch off and on (${toggled})`);

  // A click on a village shows its name and reach.
  if (args['click-village']) {
    const name = args['click-village'];
    const info = await page.evaluate((n) => {
      const R = window.ruralnetReport;
      const i = R.findFeature('villages', 'village_name', n) >= 0 ? R.findFeature('villages', 'village_name', n)
                                                                  : R.findFeature('villages', 'name', n);
      if (i < 0) return null;
      R.zoomTo('villages', i, 14);
      return { i: i };
    }, name);
    // Let any panning settle before taking the village's place on the screen.
    await page.waitForTimeout(400);
    if (info) info.p = await page.evaluate((i) => window.ruralnetReport.pointOf('villages', i), info.i);
    check(info !== null, `village ${name} is on the map`);
    if (info) {
      const words = await page.evaluate((i) => {
        const d = JSON.parse(document.getElementById('ruralnet-data').textContent);
        const l = d.layers.filter((x) => x.id === 'villages')[0];
        const reach = l.features.features[i].properties.reach;
        return { reach: reach, word: d.words[reach] };
      }, info.i);
      await page.mouse.click(info.p.x, info.p.y);
      await page.waitForSelector('.leaflet-popup-content', { timeout: 5000 }).catch(() => {});
      const text = await page.evaluate(() => window.ruralnetReport.popupText());
      check(text !== null && text.includes(name), `the popup names ${name}: ${text && text.slice(0, 80)}`);
      if (words.reach)
        check(text !== null && text.includes(words.word) && text.includes(words.reach),
              `the popup gives its reach: ${words.word} (${words.reach})`);
      await page.evaluate(() => document.querySelector('.leaflet-popup-close-button') &&
                                document.querySelector('.leaflet-popup-close-button').click());
    }
  }

  // A name that is markup shows as text and runs nothing.
  if (args.hostile) {
    const name = args.hostile;
    const i0 = await page.evaluate((n) => {
      const R = window.ruralnetReport;
      const i = R.findFeature('villages', 'village_name', n);
      if (i < 0) return null;
      R.zoomTo('villages', i, 15);
      return i;
    }, name);
    await page.waitForTimeout(400);
    const p = i0 === null ? null : await page.evaluate((i) => window.ruralnetReport.pointOf('villages', i), i0);
    check(p !== null, 'the village named as markup is on the map');
    if (p) {
      await page.mouse.click(p.x, p.y);
      await page.waitForSelector('.leaflet-popup-content', { timeout: 5000 }).catch(() => {});
      const text = await page.evaluate(() => window.ruralnetReport.popupText());
      check(text !== null && text.includes(name), 'its name shows as text in the popup: ' + (text && text.slice(0, 120)));
    }
    const pwned = await page.evaluate(() => window.__pwned);
    check(pwned === undefined, 'no script from the data ran');
    check(dialogs.length === 0, `no dialog opened (${dialogs.length})`);
    const tableText = await page.evaluate(() => document.querySelector('aside').textContent);
    check(tableText.includes('东县 & <b>'), 'a county name with markup shows as text in the tables');
  }

  // The county filter, chosen in its list as a person would.
  if (args.filter) {
    const want = JSON.parse(args['filter-expect']);
    await page.selectOption('#rn-county', args.filter);
    const v = await page.evaluate(() => window.ruralnetReport.filtered());
    for (const [id, n] of Object.entries(want)) check(v[id] === n, `filtered to ${args.filter}: ${id} ${v[id]}, expected ${n}`);
    const rows = await page.evaluate((code) => {
      const all = Array.from(document.querySelectorAll('tr[data-county]'));
      return { shown: all.filter((r) => r.style.display !== 'none').length,
               other: all.filter((r) => r.style.display !== 'none' && r.getAttribute('data-county') !== code).length };
    }, args.filter);
    check(rows.shown > 0 && rows.other === 0, `table rows of other counties hidden (${rows.shown} shown)`);
    await page.selectOption('#rn-county', '');
    const back = await page.evaluate(() => window.ruralnetReport.filtered());
    check(Object.keys(counts).every((id) => back[id] === counts[id]), 'all counties again');
  }

  // Back to the whole city for the picture.
  await page.evaluate(() => window.ruralnetReport.filter(''));
  await page.waitForTimeout(300);
  if (args.screenshot) {
    fs.mkdirSync(path.dirname(args.screenshot), { recursive: true });
    await page.screenshot({ path: args.screenshot });
    console.log('screenshot: ' + args.screenshot);
  }
  check(errors.length === 0, `no script errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
  check(blocked.length === 0, `nothing fetched from the network${blocked.length ? ': ' + blocked.join(', ') : ''}`);
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
  console.log(`${passes} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
