// Browser test: phancap's GraphiQL works with no network, its fetcher runs
// subscriptions over /graphql/ws with the Headers editor's token, and CORS
// lets only the configured origins read the API.
//
//   cd tests/browser && npm ci --no-audit --no-fund && node graphiql.test.mjs
//
// Environment:
//   PHANCAP_BIN  the phancap binary (default: ../../target/debug/phancap)
//   SCREENSHOT   where to write the GraphiQL screenshot (default: in the temp dir)
//   CHROMIUM     the browser (default: /usr/bin/chromium, Debian's package)
//   GRAPHIQL_ASSETS_FROM_TREE=1
//                the browser's GraphiQL checks go through a small proxy on
//                127.0.0.1 that answers GET /graphql and /graphiql/* from
//                assets/graphiql/ in this tree and passes the rest (POST,
//                websocket) to phancap: to try page changes without a
//                rebuild. The checks that fetch the files from the binary
//                directly still do so.
//
// Prints `ok - …` / `not ok - …` per check, then `N passed, M failed`, and
// exits 1 if any check failed.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const ASSETS = path.join(REPO, 'assets', 'graphiql');
const BIN = path.resolve(process.env.PHANCAP_BIN || path.join(REPO, 'target', 'debug', 'phancap'));
const SCREENSHOT = path.resolve(process.env.SCREENSHOT || path.join(os.tmpdir(), 'phancap-graphiql.png'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FROM_TREE = process.env.GRAPHIQL_ASSETS_FROM_TREE === '1';

const SERVER_START_MS = 300_000; // loading the demo takes a while
const OVERALL_MS = 540_000; // hard stop for the whole script
const STEP_MS = 30_000; // default for browser waits

const DEMO_USER = 'admin.thainguyen';
const DEMO_PASSWORD = 'phancap-demo-2026';
const UNIT_QUERY = '{ unitByCode(code: "19") { code name } }';
const ORIGIN_QUERY = '{ unitByCode(code: "19") { name } }';
const SUBSCRIPTION = 'subscription { reportStatusChanged { __typename } }';
const EXPECTED_NAME = 'Thái Nguyên';

const started = Date.now();
const results = [];
const cleanups = [];

function log(line) {
  process.stdout.write(line + '\n');
}

function note(text) {
  for (const line of String(text).split('\n')) log('  # ' + line);
}

function record(name, ok, detail) {
  results.push({ name, ok });
  log(`${ok ? 'ok' : 'not ok'} - ${name}`);
  if (detail) note(detail);
}

async function check(name, fn) {
  try {
    const outcome = await fn();
    if (outcome === true || outcome === undefined) record(name, true);
    else if (typeof outcome === 'string') record(name, false, outcome);
    else record(name, outcome.ok, outcome.detail);
  } catch (err) {
    record(name, false, describe(err));
  }
}

function describe(err) {
  if (!err) return String(err);
  const text = err.message || String(err);
  // Playwright's messages carry a long call log; its first lines say it.
  return text.split('\n').slice(0, 6).join('\n');
}

function finish(code) {
  const seen = new Set(results.map((r) => r.name));
  for (const name of CHECK_NAMES) if (!seen.has(name)) record(name, false, 'not reached');
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  note(`took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  log(`${passed} passed, ${failed} failed`);
  process.exit(code ?? (failed > 0 ? 1 : 0));
}

async function runCleanups() {
  while (cleanups.length > 0) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (err) {
      note('cleanup: ' + describe(err));
    }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---- phancap -------------------------------------------------------------

let server = null; // the child process
let serverTail = []; // its last output lines, for failure messages

function tail() {
  return serverTail.length ? 'phancap said:\n' + serverTail.join('\n') : 'phancap printed nothing';
}

function startPhancap(tmp, corsOrigin) {
  return new Promise((resolve, reject) => {
    if (!fs.existsSync(BIN)) {
      reject(new Error(`PHANCAP_BIN ${BIN} does not exist (build it first)`));
      return;
    }
    const env = { ...process.env };
    for (const key of ['PHANCAP_NO_GRAPHIQL', 'PHANCAP_LISTEN', 'PHANCAP_DEMO']) delete env[key];
    env.DATABASE_URL = `sqlite://${path.join(tmp, 'phancap.db')}?mode=rwc`;
    env.PHANCAP_CORS_ORIGINS = corsOrigin;
    const child = spawn(BIN, ['serve', '--demo', '--listen', '127.0.0.1:0'], {
      cwd: tmp,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      reject(new Error(`phancap printed no "GraphiQL: http://…/graphql" line within ${SERVER_START_MS / 1000} s\n${tail()}`));
    }, SERVER_START_MS);
    const onLine = (line) => {
      serverTail.push(line);
      if (serverTail.length > 30) serverTail.shift();
      const m = /GraphiQL: (http:\/\/[^\s/]+)\/graphql\b/.exec(line);
      if (m && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        buffered += chunk;
        let nl;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          onLine(buffered.slice(0, nl).replace(/\r$/, ''));
          buffered = buffered.slice(nl + 1);
        }
      });
    }
    child.on('error', (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`could not run ${BIN}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      server = null;
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`phancap exited (${signal || 'code ' + code}) before printing its GraphiQL address\n${tail()}`));
    });
  });
}

async function stopPhancap() {
  const child = server;
  if (!child) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const gone = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  if (!gone) {
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(2000)]);
  }
  server = null;
}

process.on('exit', () => {
  if (server) server.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    record(`interrupted by ${signal}`, false);
    runCleanups().finally(() => finish(1));
  });
}

// ---- the two origins -----------------------------------------------------

function originPage(label, phancap) {
  // A page of another origin reading the API, as a browser app would.
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>origin ${label}</title></head>
<body><pre id="out">pending</pre>
<script>
  const out = document.getElementById('out');
  fetch(${JSON.stringify(phancap + '/graphql')}, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: ${JSON.stringify(ORIGIN_QUERY)} }),
  })
    .then((r) => r.text())
    .then(
      (text) => { out.textContent = 'RESULT ' + text; out.dataset.done = 'result'; },
      (err) => { out.textContent = 'ERROR ' + err; out.dataset.done = 'error'; },
    );
</script></body></html>`;
}

// Listens on 127.0.0.1 at a free port, resolves with the server's URL, and
// closes it when the test ends.
function listenLocal(srv, resolve, reject) {
  srv.on('error', reject);
  srv.listen(0, '127.0.0.1', () => {
    cleanups.push(() => {
      srv.closeAllConnections();
      return new Promise((r) => srv.close(() => r()));
    });
    resolve(`http://127.0.0.1:${srv.address().port}`);
  });
}

function startOrigin(label, getPhancap) {
  return new Promise((resolve, reject) => {
    const srv = http.createServer((req, res) => {
      if (req.url === '/' || req.url.startsWith('/?')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(originPage(label, getPhancap()));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      }
    });
    listenLocal(srv, resolve, reject);
  });
}

// ---- static files ----------------------------------------------------------

const CONTENT_TYPES = {
  '.js': /^(text|application)\/javascript\b/i,
  '.css': /^text\/css\b/i,
  '.html': /^text\/html\b/i,
  '.txt': /^text\/plain\b/i,
};

function listedFiles() {
  const list = path.join(ASSETS, 'FILES');
  if (!fs.existsSync(list)) throw new Error(`${list} is missing (run assets/graphiql/vendor.sh)`);
  return fs
    .readFileSync(list, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

async function get(url, headers = {}) {
  const res = await withTimeout(fetch(url, { headers, redirect: 'manual' }), 15_000, `GET ${url}`);
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type') || '', body };
}

function contentTypeFor(file) {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.html') return 'text/html; charset=utf-8';
  if (ext === '.css') return 'text/css; charset=utf-8';
  if (ext === '.txt') return 'text/plain; charset=utf-8';
  return 'text/javascript; charset=utf-8';
}

// GRAPHIQL_ASSETS_FROM_TREE=1: serves the page's files from this tree and
// passes everything else, websocket upgrades included, to phancap.
function startTreeProxy(phancap) {
  const upstream = new URL(phancap);
  const files = new Set(listedFiles());
  return new Promise((resolve, reject) => {
    const srv = http.createServer((req, res) => {
      const url = new URL(req.url, 'http://proxy');
      const name = url.pathname.startsWith('/graphiql/') ? url.pathname.slice('/graphiql/'.length) : null;
      if (req.method === 'GET' && (url.pathname === '/graphql' || (name && files.has(name)))) {
        const file = url.pathname === '/graphql' ? 'index.html' : name;
        res.writeHead(200, { 'content-type': contentTypeFor(file), 'cache-control': 'no-store' });
        res.end(fs.readFileSync(path.join(ASSETS, file)));
        return;
      }
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode, up.headers);
          up.pipe(res);
        },
      );
      forward.on('error', (err) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('proxy: ' + err.message);
      });
      req.pipe(forward);
    });
    srv.on('upgrade', (req, socket, head) => {
      const up = net.connect(Number(upstream.port), upstream.hostname, () => {
        const lines = [`${req.method} ${req.url} HTTP/1.1`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        up.write(lines.join('\r\n') + '\r\n\r\n');
        if (head && head.length) up.write(head);
        up.pipe(socket);
        socket.pipe(up);
      });
      const close = () => {
        up.destroy();
        socket.destroy();
      };
      up.on('error', close);
      socket.on('error', close);
    });
    listenLocal(srv, resolve, reject);
  });
}

// ---- the checks ------------------------------------------------------------

async function main() {
  const watchdog = setTimeout(() => {
    record(`the whole test finished within ${OVERALL_MS / 1000} s`, false, 'stopped by the watchdog');
    runCleanups().finally(() => finish(1));
  }, OVERALL_MS);
  watchdog.unref();

  log(`# phancap: ${BIN}`);
  log(`# browser: ${CHROMIUM}`);
  if (FROM_TREE) log('# GRAPHIQL_ASSETS_FROM_TREE=1: the browser gets the page from assets/graphiql/ through a proxy, not from the binary');

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'phancap-browser-'));
  cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));

  let phancap = null; // http://127.0.0.1:port
  const originA = await startOrigin('A', () => phancap);
  const originB = await startOrigin('B', () => phancap);
  log(`# origin A ${originA} (allowed), origin B ${originB} (not allowed)`);

  cleanups.push(stopPhancap);
  const t0 = Date.now();
  try {
    phancap = await startPhancap(tmp, originA);
    record('phancap serve --demo starts and prints its GraphiQL address', true);
    note(`${phancap} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (err) {
    record('phancap serve --demo starts and prints its GraphiQL address', false, describe(err));
    for (const name of CHECK_NAMES.slice(1)) record(name, false, 'skipped: phancap did not start');
    return;
  }

  // Static files, straight from the binary.
  await check(CHECK_NAMES[1], async () => {
    const want = fs.readFileSync(path.join(ASSETS, 'index.html'));
    const got = await get(`${phancap}/graphql`, { accept: 'text/html' });
    if (got.status !== 200) return `GET /graphql (Accept: text/html) answered ${got.status}`;
    if (!CONTENT_TYPES['.html'].test(got.type)) return `content-type is "${got.type}", not text/html`;
    if (!got.body.equals(want)) {
      return `the body (${got.body.length} bytes) is not assets/graphiql/index.html (${want.length} bytes)`;
    }
    const withQuery = await get(`${phancap}/graphql?query=${encodeURIComponent(UNIT_QUERY)}`, { accept: 'text/html' });
    if (withQuery.status !== 200 || !withQuery.body.equals(want)) {
      return `GET /graphql?query=… (Accept: text/html) answered ${withQuery.status} ${withQuery.type}, not the page`;
    }
    return true;
  });

  await check(CHECK_NAMES[2], async () => {
    const problems = [];
    const files = listedFiles();
    for (const file of files) {
      const want = fs.readFileSync(path.join(ASSETS, file));
      const got = await get(`${phancap}/graphiql/${file}`);
      const typeRe = CONTENT_TYPES[path.extname(file).toLowerCase()];
      if (got.status !== 200) problems.push(`/graphiql/${file}: status ${got.status}`);
      else if (!got.body.equals(want)) problems.push(`/graphiql/${file}: body differs from assets/graphiql/${file}`);
      else if (typeRe && !typeRe.test(got.type)) problems.push(`/graphiql/${file}: content-type "${got.type}"`);
    }
    for (const unlisted of ['vendor.sh', 'README.md', 'no-such-file.js', '..%2FCargo.toml']) {
      const got = await get(`${phancap}/graphiql/${unlisted}`);
      if (got.status !== 404) problems.push(`/graphiql/${unlisted} (not listed): status ${got.status}, want 404`);
    }
    if (problems.length) return { ok: false, detail: problems.slice(0, 12).join('\n') };
    return { ok: true, detail: `${files.length} files` };
  });

  // The browser.
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60_000,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
      ],
    });
    cleanups.push(() => withTimeout(browser.close(), 10_000, 'closing the browser'));
  } catch (err) {
    for (const name of CHECK_NAMES.slice(3)) record(name, false, 'skipped: the browser did not start: ' + describe(err));
    return;
  }

  let graphiqlBase = phancap;
  if (FROM_TREE) {
    graphiqlBase = await startTreeProxy(phancap);
    log(`# GraphiQL checks through the tree proxy ${graphiqlBase}`);
  }
  await graphiqlChecks(browser, graphiqlBase);
  await originChecks(browser, originA, originB);
}

const CHECK_NAMES = [
  'phancap serve --demo starts and prints its GraphiQL address',
  'GET /graphql serves assets/graphiql/index.html as text/html',
  'GET /graphiql/<file> serves every file in assets/graphiql/FILES, byte for byte, with its content type',
  'graphiql renders a query result offline',
  'the GraphiQL page made no request outside 127.0.0.1',
  'the GraphiQL page loads every file it asks for, raises no script error and breaks no Content-Security-Policy',
  'a subscription through window.phancapFetcher with the Authorization header is accepted on /graphql/ws',
  'a report status change reaches that subscription',
  'a subscription through window.phancapFetcher without the header is refused',
  'origin A (in PHANCAP_CORS_ORIGINS) reads POST /graphql cross-origin',
  'origin B (not listed) is refused by CORS',
];

async function graphiqlChecks(browser, phancap) {
  const outside = []; // requests to any host but 127.0.0.1
  const scriptErrors = [];
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  cleanups.push(() => withTimeout(context.close(), 10_000, 'closing the GraphiQL context'));
  context.setDefaultTimeout(STEP_MS);

  await context.route('**/*', async (route) => {
    const request = route.request();
    if (new URL(request.url()).hostname !== '127.0.0.1') {
      outside.push(`${request.method()} ${request.url()}`);
      await route.abort('blockedbyclient');
      return;
    }
    await route.continue();
  });
  const websockets = [];

  const page = await context.newPage();
  page.on('websocket', (ws) => {
    websockets.push(ws.url());
    if (new URL(ws.url()).hostname !== '127.0.0.1') outside.push(`WS ${ws.url()}`);
  });
  page.on('pageerror', (err) => scriptErrors.push('uncaught: ' + (err.message || err)));
  page.on('response', (res) => {
    if (res.status() >= 400) scriptErrors.push(`${res.status()} for ${res.request().method()} ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    if (new URL(req.url()).hostname === '127.0.0.1') {
      scriptErrors.push(`failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText}`);
    }
  });
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() === 'error' && /Content.Security.Policy|Refused to/i.test(text)) scriptErrors.push('console: ' + text);
  });

  // c. The page, a query from the address, the execute button, the result.
  await check(CHECK_NAMES[3], async () => {
    const url = `${phancap}/graphql?query=${encodeURIComponent(UNIT_QUERY)}`;
    try {
      await page.goto(url, { waitUntil: 'load', timeout: STEP_MS });
      const title = await page.title();
      const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
      try {
        await editor.waitFor({ state: 'visible', timeout: STEP_MS });
      } catch {
        const body = (await page.locator('body').innerText().catch(() => '')).trim().slice(0, 300);
        return `no GraphiQL editor within ${STEP_MS / 1000} s (title "${title}"; the page shows: ${JSON.stringify(body)})`;
      }
      const initial = await page.evaluate(() => {
        const cm = document.querySelector('.graphiql-query-editor .CodeMirror');
        return cm && cm.CodeMirror ? cm.CodeMirror.getValue() : cm ? cm.innerText : '';
      });
      if (!initial.includes('unitByCode') || !initial.includes('code name')) {
        return `the editor does not hold the ?query= query; it holds ${JSON.stringify(initial.slice(0, 200))}`;
      }
      await page.locator('.graphiql-execute-button').first().click();
      try {
        await page.waitForFunction(
          (expected) => {
            const cm = document.querySelector('.graphiql-response .CodeMirror');
            const text = cm && cm.CodeMirror ? cm.CodeMirror.getValue() : (document.querySelector('.graphiql-response') || {}).innerText || '';
            return text.includes(expected);
          },
          EXPECTED_NAME,
          { timeout: STEP_MS },
        );
      } catch {
        const shown = await page.evaluate(() => {
          const cm = document.querySelector('.graphiql-response .CodeMirror');
          return cm && cm.CodeMirror ? cm.CodeMirror.getValue() : '';
        });
        return `the response pane did not show "${EXPECTED_NAME}" within ${STEP_MS / 1000} s; it shows ${JSON.stringify(shown.slice(0, 300))}`;
      }
      if (title !== 'phancap — GraphiQL') return `the result showed, but the title is "${title}", not "phancap — GraphiQL"`;
      return true;
    } finally {
      try {
        await page.screenshot({ path: SCREENSHOT, fullPage: true, timeout: STEP_MS });
        note(`screenshot: ${SCREENSHOT}`);
      } catch (err) {
        note('screenshot failed: ' + describe(err));
      }
    }
  });

  // d. Subscriptions through the page's own fetcher.
  const subscriptionNames = CHECK_NAMES.slice(6, 9);
  let fetcherReady = false;
  try {
    fetcherReady = await page.evaluate(() => typeof window.phancapFetcher === 'function');
  } catch {
    fetcherReady = false;
  }
  if (!fetcherReady) {
    for (const name of subscriptionNames) {
      record(name, false, 'window.phancapFetcher is not defined on GET /graphql (is it assets/graphiql/index.html?)');
    }
  } else {
    await subscriptionChecks(page, websockets);
  }

  // Checked last, after every request the page made.
  await check(CHECK_NAMES[4], () =>
    outside.length ? { ok: false, detail: `${outside.length} blocked:\n${[...new Set(outside)].slice(0, 10).join('\n')}` } : true,
  );
  await check(CHECK_NAMES[5], () =>
    scriptErrors.length ? { ok: false, detail: scriptErrors.slice(0, 10).join('\n') } : true,
  );
}

// Runs in the page: POSTs a GraphQL operation to /graphql.
async function pagePost(page, query, token) {
  return page.evaluate(
    async ({ query, token }) => {
      const headers = { 'content-type': 'application/json' };
      if (token) headers.authorization = 'Bearer ' + token;
      const res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query }) });
      const text = await res.text();
      try {
        return JSON.parse(text);
      } catch {
        return { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 200)}` }] };
      }
    },
    { query, token },
  );
}

// Starts a subscription in the page through window.phancapFetcher; its
// events land in window.__subs[key].
async function pageSubscribe(page, key, headers) {
  await page.evaluate(
    ({ key, query, headers }) => {
      window.__subs = window.__subs || {};
      const state = { events: [], errors: [], completed: false, returned: null };
      window.__subs[key] = state;
      const value = window.phancapFetcher({ query }, { headers });
      state.returned = value && typeof value.subscribe === 'function' ? 'observable' : typeof value;
      if (state.returned !== 'observable') return;
      state.handle = value.subscribe({
        next: (v) => state.events.push(v),
        error: (e) => state.errors.push(String((e && e.message) || e)),
        complete: () => {
          state.completed = true;
        },
      });
    },
    { key, query: SUBSCRIPTION, headers },
  );
}

async function pageSubState(page, key) {
  return page.evaluate((key) => {
    const s = window.__subs[key];
    return { events: s.events, errors: s.errors, completed: s.completed, returned: s.returned };
  }, key);
}

async function pageUnsubscribe(page, key) {
  await page.evaluate((key) => {
    const s = window.__subs && window.__subs[key];
    if (s && s.handle) s.handle.unsubscribe();
  }, key);
}

async function waitFor(fn, ms, every = 200) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() >= until) return null;
    await sleep(every);
  }
}

async function subscriptionChecks(page, websockets) {
  const [acceptedName, eventName, refusedName] = CHECK_NAMES.slice(6, 9);

  let token = null;
  try {
    const login = await pagePost(
      page,
      `mutation { login(input: {username: "${DEMO_USER}", password: "${DEMO_PASSWORD}"}) { accessToken userErrors { code message } } }`,
    );
    token = login?.data?.login?.accessToken || null;
    if (!token) throw new Error('login gave no accessToken: ' + JSON.stringify(login).slice(0, 300));
  } catch (err) {
    for (const name of [acceptedName, eventName]) record(name, false, describe(err));
  }

  if (token) {
    let accepted = false;
    await check(acceptedName, async () => {
      const before = websockets.length;
      await pageSubscribe(page, 'auth', { Authorization: 'Bearer ' + token });
      await sleep(2000);
      const s = await pageSubState(page, 'auth');
      if (s.returned !== 'observable') return `the fetcher returned ${s.returned}, not an Observable, for a subscription`;
      const opened = websockets.slice(before);
      if (!opened.some((u) => new URL(u).pathname === '/graphql/ws')) {
        return `no websocket to /graphql/ws was opened (opened: ${JSON.stringify(opened)})`;
      }
      const refused = s.errors.length || s.completed || s.events.some((e) => e && e.errors);
      if (refused) return 'refused within 2 s: ' + JSON.stringify(s).slice(0, 400);
      accepted = true;
      return true;
    });

    await check(eventName, async () => {
      if (!accepted) return 'skipped: the subscription was not accepted';
      const found = await pagePost(
        page,
        '{ reports(filter: {status: [SUBMITTED], compiled: false}, first: 50) { nodes { id version viewerCan { accept return } } } }',
        token,
      );
      const nodes = found?.data?.reports?.nodes;
      if (!Array.isArray(nodes)) return 'could not list SUBMITTED reports: ' + JSON.stringify(found).slice(0, 300);
      const report = nodes.find((r) => r.viewerCan?.accept) || nodes.find((r) => r.viewerCan?.return);
      if (!report) return `none of the ${nodes.length} SUBMITTED demo reports may be accepted or returned by ${DEMO_USER}`;
      const mutation = report.viewerCan.accept
        ? `mutation { acceptReport(input: {report: ${JSON.stringify(report.id)}, expectedVersion: ${report.version}}) { report { status } userErrors { code message } } }`
        : `mutation { returnReport(input: {report: ${JSON.stringify(report.id)}, expectedVersion: ${report.version}, reason: "browser test"}) { report { status } userErrors { code message } } }`;
      const changed = await pagePost(page, mutation, token);
      const payload = changed?.data?.acceptReport || changed?.data?.returnReport;
      if (!payload?.report || payload.userErrors?.length) return 'the status change failed: ' + JSON.stringify(changed).slice(0, 300);
      const s = await waitFor(async () => {
        const st = await pageSubState(page, 'auth');
        return st.events.some((e) => e?.data?.reportStatusChanged?.__typename) || st.errors.length || st.completed ? st : null;
      }, 10_000);
      if (!s) return `no event within 10 s after ${report.viewerCan.accept ? 'acceptReport' : 'returnReport'}`;
      const event = s.events.find((e) => e?.data?.reportStatusChanged?.__typename);
      if (!event) return 'the subscription ended instead: ' + JSON.stringify(s).slice(0, 400);
      return { ok: true, detail: `${report.viewerCan.accept ? 'acceptReport' : 'returnReport'} -> ${JSON.stringify(event)}` };
    });
    await pageUnsubscribe(page, 'auth').catch(() => {});
  }

  await check(refusedName, async () => {
    await pageSubscribe(page, 'anon', {});
    const s = await waitFor(async () => {
      const st = await pageSubState(page, 'anon');
      return st.errors.length || st.events.some((e) => e && e.errors) ? st : null;
    }, 5000);
    await pageUnsubscribe(page, 'anon').catch(() => {});
    if (!s) {
      const st = await pageSubState(page, 'anon');
      return `no error within 5 s (returned ${st.returned}; events ${JSON.stringify(st.events).slice(0, 200)})`;
    }
    const why = s.errors[0] || s.events.find((e) => e && e.errors).errors.map((e) => e.message).join('; ');
    return { ok: true, detail: `refused: ${why}` };
  });
}

// e. CORS, from two pages of other origins (in a context of their own, so
// that no request routing can come between the browser and its CORS checks).
async function originChecks(browser, originA, originB) {
  const context = await browser.newContext();
  cleanups.push(() => withTimeout(context.close(), 10_000, 'closing the origins context'));
  context.setDefaultTimeout(STEP_MS);
  const outside = [];
  context.on('request', (req) => {
    if (new URL(req.url()).hostname !== '127.0.0.1') outside.push(req.url());
  });

  async function visit(origin) {
    const page = await context.newPage();
    const consoleLines = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    await page.goto(origin + '/', { waitUntil: 'load' });
    await page.waitForSelector('#out[data-done]', { timeout: 20_000 });
    const out = page.locator('#out');
    const result = { done: await out.getAttribute('data-done'), text: await out.innerText(), console: consoleLines };
    await page.close();
    return result;
  }

  await check(CHECK_NAMES[9], async () => {
    const r = await visit(originA);
    if (r.done === 'result' && r.text.includes(EXPECTED_NAME)) return true;
    return `origin A got ${JSON.stringify(r.text.slice(0, 300))}` + (r.console.length ? `\nconsole: ${r.console.join(' | ').slice(0, 400)}` : '');
  });
  await check(CHECK_NAMES[10], async () => {
    const r = await visit(originB);
    if (r.done === 'error' && !r.text.includes(EXPECTED_NAME)) {
      const why = r.console.find((l) => /CORS/i.test(l));
      return { ok: true, detail: why ? why.slice(0, 200) : r.text };
    }
    return `origin B got ${JSON.stringify(r.text.slice(0, 300))}`;
  });
  if (outside.length) note(`origin pages asked for other hosts: ${outside.join(', ')}`);
}

main()
  .catch((err) => record('the test ran to its end', false, describe(err)))
  .finally(async () => {
    await runCleanups();
    finish();
  });
