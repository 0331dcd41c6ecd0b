// Conformance-suite "browser" driver: creates a test plan on the OIDF conformance suite, runs each
// module, and plays the human: visits the URLs a waiting test exposes, logs in at the idp with the
// one-time code read from the idp's dev message sink (GET /__dev/messages?to=IDENT), follows
// redirects back to the suite and posts the (empty) URL fragment the way the suite's
// implicitCallback page does. Placeholders (screenshots a human would upload) get a blank PNG, so
// such tests end in REVIEW. Writes OUT_DIR/<plan>.json and OUT_DIR/<plan>.driver.log.
//
// Usage: node driver.mjs PLAN_NAME 'VARIANT_JSON' CONFIG_FILE OUT_DIR [module-name-filter]
// Env: SUITE (default https://localhost:8443/), IDP (default http://localhost:4000/),
//      IDENT (login identifier, default a made-up phone), TEST_TIMEOUT_S (default 150),
//      DRIVER_NODE_MODULES (the node_modules holding cheerio; conformance.sh installs it under $WORK/driver)

import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';

const deps = process.env.DRIVER_NODE_MODULES || process.env.NODE_PATH?.split(':')[0];
const require = createRequire(deps ? deps.replace(/\/?$/, '/') : import.meta.url);
const cheerio = require('cheerio');

const SUITE = process.env.SUITE || 'https://localhost:8443/';
const IDP = process.env.IDP || 'http://localhost:4000/';
const IDENT = process.env.IDENT || '+919812300001';
const TEST_TIMEOUT_S = Number(process.env.TEST_TIMEOUT_S || 150);
const [planName, variantJson, configFile, outDir, only] = process.argv.slice(2);
if (!planName || !configFile || !outDir) {
  console.error('usage: node driver.mjs PLAN VARIANT_JSON CONFIG_FILE OUT_DIR [filter]');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const logFile = `${outDir}/${planName}.driver.log`;
const log = (...a) => {
  const line = `[${new Date().toISOString()}] ${a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')}`;
  console.log(line);
  appendFileSync(logFile, `${line}\n`);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------- suite API ----------
async function api(method, path, body, headers = {}) {
  const res = await fetch(new URL(path, SUITE), {
    method,
    headers: {
      ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
  return json;
}

// ---------- browser emulation (one cookie jar for the whole plan, like a real browser) ----------
const jar = new Map();
async function http(url, init = {}) {
  const u = new URL(url);
  const cookie = [...jar.entries()]
    .filter(([k]) => k.startsWith(`${u.host}|`))
    .map(([k, v]) => `${k.split('|')[1]}=${v}`)
    .join('; ');
  const res = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: {
      'user-agent': 'Mozilla/5.0 (conformance-driver)',
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      ...(init.headers || {}),
      ...(cookie ? { cookie } : {}),
    },
  });
  for (const sc of res.headers.getSetCookie()) {
    const [nv] = sc.split(';');
    const i = nv.indexOf('=');
    const name = nv.slice(0, i).trim();
    if (/max-age=0|expires=thu, 01 jan 1970/i.test(sc)) jar.delete(`${u.host}|${name}`);
    else jar.set(`${u.host}|${name}`, nv.slice(i + 1));
  }
  return res;
}
const suiteHost = new URL(SUITE).host;
const idpHost = new URL(IDP).host;
let otps = 0;

async function readOtp() {
  const q = await (await fetch(new URL(`__dev/messages?to=${encodeURIComponent(IDENT)}`, IDP))).json();
  const msgs = Array.isArray(q) ? q : q.messages || q.items || [];
  const m = JSON.stringify(msgs[0] || '').match(/\b(\d{6})\b/);
  if (!m) throw new Error(`no 6-digit code in dev messages: ${JSON.stringify(q).slice(0, 200)}`);
  return m[1];
}

// Lands on the suite: GET the callback page, post the fragment as implicitCallback's JS would.
async function landOnSuite(url, res) {
  const html = await res.text();
  const m = html.match(/xhr\.open\('POST',\s*"([^"]+)"/);
  if (m) {
    const submit = m[1].replace(/\\\//g, '/');
    const hash = new URL(url).hash; // '' for query-mode responses
    const r = await http(submit, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: hash });
    return { end: 'suite-callback', url, status: res.status, submitStatus: r.status };
  }
  return {
    end: 'suite-page',
    url,
    status: res.status,
    text: cheerio.load(html)('body').text().replace(/\s+/g, ' ').trim().slice(0, 200),
  };
}

// Visits a URL like a browser with a human at the keyboard; returns where it ended.
async function visit(startUrl) {
  let url = startUrl;
  let res = await http(url);
  const trail = [];
  for (let step = 0; step < 40; step++) {
    // follow redirects
    let hops = 0;
    while (res.status >= 300 && res.status < 400 && hops++ < 20) {
      const loc = res.headers.get('location');
      url = new URL(loc, url).href;
      trail.push(`${res.status}->${url.slice(0, 120)}`);
      res = await http(url);
    }
    const host = new URL(url).host;
    if (host === suiteHost) return { ...(await landOnSuite(url, res)), trail };
    const html = await res.text();
    const $ = cheerio.load(html);
    const text = $('body').text().replace(/\s+/g, ' ').trim();
    if (res.status >= 400) return { end: 'idp-error', url, status: res.status, text: text.slice(0, 300), trail };
    // pick the form to submit: skip the side forms (abort/change/resend)
    const forms = $('form')
      .toArray()
      .filter((f) => !/\/(abort|change|resend)$/.test($(f).attr('action') || ''));
    if (!forms.length) return { end: 'idp-page-no-form', url, status: res.status, text: text.slice(0, 300), trail };
    const form =
      forms.find((f) => $(f).find('input:not([type=hidden]):not([type=submit]):not([type=checkbox])').length) ||
      forms[0];
    const body = new URLSearchParams();
    const what = [];
    for (const el of $(form).find('input, select, textarea').toArray()) {
      const name = $(el).attr('name');
      if (!name) continue;
      const type = ($(el).attr('type') || 'text').toLowerCase();
      if (type === 'submit' || type === 'button') continue;
      if (type === 'hidden') {
        body.set(name, $(el).attr('value') || '');
        continue;
      }
      if (type === 'checkbox') {
        if ($(el).attr('checked') !== undefined) body.set(name, $(el).attr('value') || 'on');
        continue;
      }
      const n = `${name.toLowerCase()} ${$(el).attr('autocomplete') || ''}`;
      if (/code|otp|totp/.test(n)) {
        body.set(name, await readOtp());
        otps++;
        what.push('otp');
      } else if (/name/.test(n) && !/user|login|ident/.test(n)) {
        body.set(name, 'Asha Verma');
        what.push('name');
      } else if (/phone|email|ident|login|user|tel|contact/.test(n) || type === 'tel' || type === 'email') {
        body.set(name, IDENT);
        what.push('identifier');
      } else body.set(name, $(el).attr('value') || '');
    }
    // submit button: inside the form, or outside with form="<id>" (oidc-provider's logout page)
    const fid = $(form).attr('id');
    let btn = $(form).find('button[type=submit][name], button:not([type])[name], input[type=submit][name]').first();
    if (!btn.length && fid) btn = $(`button[form="${fid}"][name]`).first();
    if (btn.length) {
      body.set(btn.attr('name'), btn.attr('value') || '');
      what.push(`${btn.attr('name')}=${btn.attr('value') || ''}`);
    }
    const action = new URL($(form).attr('action') || url, url).href;
    const method = ($(form).attr('method') || 'GET').toUpperCase();
    trail.push(
      `form ${method} ${new URL(action).pathname} [${what.join(',')}] on "${$('h1').first().text().trim().slice(0, 60)}"`,
    );
    res =
      method === 'GET'
        ? await http(`${action}?${body}`)
        : await http(action, {
            method,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: body.toString(),
          });
    url = action;
  }
  return { end: 'too-many-steps', url, trail };
}

// a blank 200x60 white PNG (a stand-in for a screenshot; the driver log has what the page said)
function blankPng() {
  const w = 200,
    h = 60;
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const raw = Buffer.alloc((w + 1) * h, 0xff);
  for (let y = 0; y < h; y++) raw[y * (w + 1)] = 0;
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${png.toString('base64')}`;
}

async function runModule(planId, mod) {
  const q = new URLSearchParams({ test: mod.testModule, plan: planId });
  if (mod.variant) q.set('variant', JSON.stringify(mod.variant));
  const created = await api('POST', `api/runner?${q}`);
  const id = created.id;
  log(`== ${mod.testModule} ${mod.variant ? JSON.stringify(mod.variant) : ''} id=${id}`);
  // a test that needs a browser without a session at the idp: clear the idp's cookies first
  if (/not-logged-in/.test(mod.testModule)) {
    for (const k of [...jar.keys()]) if (k.startsWith(`${idpHost}|`)) jar.delete(k);
    log('   cleared idp cookies');
  }
  const visited = new Set();
  const visits = [];
  let waitingPolls = 0,
    uploaded = 0,
    started = false;
  const deadline = Date.now() + TEST_TIMEOUT_S * 1000;
  let status;
  while (Date.now() < deadline) {
    const info = await api('GET', `api/info/${id}`);
    status = info.status;
    if (status === 'FINISHED' || status === 'INTERRUPTED') break;
    if (status === 'CONFIGURED' && !started) {
      await api('POST', `api/runner/${id}`);
      started = true;
    }
    if (status === 'WAITING') {
      const b = await api('GET', `api/runner/browser/${id}`).catch(() => null);
      const pending = (b?.urls || []).filter((u) => !visited.has(u));
      if (pending.length) {
        for (const u of pending) {
          visited.add(u);
          await api('POST', `api/runner/browser/${id}/visit?url=${encodeURIComponent(u)}`).catch(() => {});
          let out;
          try {
            out = await visit(u);
          } catch (e) {
            out = { end: 'driver-error', error: String(e) };
          }
          visits.push({ url: u.slice(0, 200), ...out });
          log(`   visit ${u.slice(0, 110)}...`);
          log(`   -> ${out.end} ${out.status ?? ''} ${out.text ? `"${out.text.slice(0, 160)}"` : ''}`);
          for (const t of out.trail || []) log(`      ${t}`);
        }
        waitingPolls = 0;
        continue;
      }
      waitingPolls++;
      if (waitingPolls >= 4 && uploaded < 2) {
        // nothing left to visit: fill the screenshot placeholders a human would fill
        const imgs = await api('GET', `api/log/${id}/images`).catch(() => []);
        const open = (imgs || []).filter((e) => e.upload && !e.img).map((e) => e.upload);
        for (const ph of open) {
          await api('POST', `api/log/${id}/images/${encodeURIComponent(ph)}`, blankPng(), {
            'content-type': 'text/plain',
          }).then(
            () => log(`   uploaded blank image for placeholder ${ph}`),
            (e) => log(`   upload failed ${e.message}`),
          );
          uploaded++;
        }
        if (open.length) waitingPolls = 0;
      }
    } else waitingPolls = 0;
    await sleep(1000);
  }
  if (status !== 'FINISHED' && status !== 'INTERRUPTED') {
    log(`   timed out in status ${status}; stopping the test`);
    await api('DELETE', `api/runner/${id}`).catch(() => {});
    await sleep(2000);
  }
  const info = await api('GET', `api/info/${id}`);
  const entries = await api('GET', `api/log/${id}`).catch(() => []);
  const problems = (entries || [])
    .filter(
      (e) => e.result === 'FAILURE' || e.result === 'WARNING' || e.result === 'SKIPPED' || e.result === 'INTERRUPTED',
    )
    .map((e) => ({
      result: e.result,
      src: e.src,
      msg: e.msg,
      requirements: e.requirements,
      ...(e.error ? { error: e.error } : {}),
      ...(e.expected ? { expected: e.expected } : {}),
      ...(e.actual !== undefined ? { actual: e.actual } : {}),
    }));
  log(`   => status=${info.status} result=${info.result}`);
  for (const p of problems) log(`      ${p.result} ${p.src}: ${String(p.msg).slice(0, 250)}`);
  return {
    module: mod.testModule,
    variant: mod.variant,
    id,
    status: info.status,
    result: info.result,
    problems,
    visits,
  };
}

const config = JSON.parse(readFileSync(configFile, 'utf8'));
const pq = new URLSearchParams({ planName });
if (variantJson && variantJson !== '{}') pq.set('variant', variantJson);
const plan = await api('POST', `api/plan?${pq}`, config);
log(`plan ${planName} ${variantJson} id=${plan.id}: ${plan.modules.length} modules`);
const results = [];
for (const mod of plan.modules) {
  if (only && !mod.testModule.includes(only)) continue;
  try {
    results.push(await runModule(plan.id, mod));
  } catch (e) {
    log(`   driver error in ${mod.testModule}: ${e.message}`);
    results.push({ module: mod.testModule, error: e.message });
  }
  writeFileSync(
    `${outDir}/${planName}.json`,
    JSON.stringify({ planId: plan.id, planName, variant: variantJson, results }, null, 2),
  );
}
const count = {};
for (const r of results) {
  const k = r.result || (r.error ? 'DRIVER_ERROR' : 'UNKNOWN');
  count[k] = (count[k] || 0) + 1;
}
log(`plan ${planName} done: ${JSON.stringify(count)}; OTP codes entered: ${otps}`);
log(`plan detail: ${SUITE}plan-detail.html?plan=${plan.id}`);
