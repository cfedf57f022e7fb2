// The customer portal: the account a portal link opened, as its customer sees it. No build step, nothing fetched from
// elsewhere. The link's token arrives in the URL's fragment (never sent to a server), is exchanged once for a session
// token kept in this tab only, and the fragment is cleared.
import { verifyReceipt } from '/receipts/verify-receipt.js';

const SESSION = 'ledger-portal-session';
const view = document.getElementById('view');

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'style') Object.assign(element.style, value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

const money = (amount, currency) => `${Number(amount).toLocaleString('en', { maximumFractionDigits: 6 })} ${currency || ''}`.trim();
const when = (instant) => (instant ? new Date(instant).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '');
const enc = encodeURIComponent;

async function call(method, path, body, token = sessionStorage.getItem(SESSION), headers = {}) {
  const response = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${token || sessionStorage.getItem(SESSION)}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error((json && (json.detail || json.title)) || `HTTP ${response.status}`);
  return json;
}
const get = (path) => call('GET', path);

function table(caption, columns, rows) {
  if (rows.length === 0) return h('p', { class: 'muted' }, `${caption}: nothing yet.`);
  // A box that scrolls on a narrow screen: reachable by the keyboard, and named, so it can be scrolled without a mouse.
  return h('div', { class: 'table-box', tabindex: '0', role: 'region', 'aria-label': caption }, h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.title)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((c) => h('td', { class: c.num ? 'num' : null }, c.value(row))))))));
}

const field = (name, label, id, type = 'decimal') => h('label', { for: id }, label,
  h('input', { id, name, required: true, ...(type === 'decimal' ? { inputmode: 'decimal', pattern: '[0-9]+(\\.[0-9]+)?' } : {}) }));

/** A form that sends what it holds and says how it went, in words a screen reader announces. */
function form(label, fields, send, done, after) {
  const status = h('p', { role: 'status' });
  const element = h('form', { class: 'inline', 'aria-label': label }, fields, h('button', { type: 'submit', class: 'primary' }, label));
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      status.textContent = 'Sending…';
      await send(Object.fromEntries(new FormData(element).entries()));
      status.textContent = done;
      if (after) after();
    } catch (e) {
      status.textContent = `Not done: ${e.message}`;
    }
  });
  return h('div', {}, element, status);
}

function section(title, content) {
  return h('section', { 'aria-label': title }, h('h2', {}, title), content);
}

async function start() {
  const link = new URLSearchParams(location.hash.slice(1)).get('link');
  if (link) {
    history.replaceState(null, '', location.pathname); // the link is good once: not kept in the history
    try {
      const session = await call('POST', '/api/v1/portal/sessions', null, link);
      sessionStorage.setItem(SESSION, session.token);
    } catch (e) {
      view.replaceChildren(h('p', { class: 'error', role: 'alert' }, `This link cannot be used: ${e.message}`));
      return;
    }
  }
  if (!sessionStorage.getItem(SESSION)) {
    view.replaceChildren(h('p', { role: 'status' }, 'Open the portal from the link your provider gave you.'));
    return;
  }
  let me;
  try {
    me = await get('/api/v1/me');
  } catch (e) { // the session ended (expired, signed out elsewhere, revoked): nothing to keep
    sessionStorage.removeItem(SESSION);
    view.replaceChildren(h('p', { role: 'status' }, 'Your session has ended. Open the portal again from a new link your provider gives you.'));
    return;
  }
  document.getElementById('nav').hidden = false;
  document.getElementById('who').textContent = me.accountId;
  document.getElementById('sign-out').onclick = async () => {
    try {
      await call('DELETE', '/api/v1/portal/sessions'); // the session ends at the ledger, not only in this tab
    } finally {
      sessionStorage.removeItem(SESSION);
      location.reload();
    }
  };
  await account(me.accountId);
}

async function account(id) {
  const a = await get(`/api/v1/accounts/${enc(id)}`);
  const c = a.currency;
  const [grants, usage, byKey, byTrace, holds, recharge, invoices, entries, budgets, key] = await Promise.all([
    a.billingMode === 'prepaid' ? get(`/api/v1/accounts/${enc(id)}/grants`) : Promise.resolve({ grants: [] }),
    get(`/api/v1/accounts/${enc(id)}/usage?groupBy=day,model`),
    get(`/api/v1/accounts/${enc(id)}/usage?groupBy=apiKey,project`),
    get(`/api/v1/accounts/${enc(id)}/usage?groupBy=trace`),
    get(`/api/v1/accounts/${enc(id)}/holds`),
    // No settings saved yet: no auto-recharge to show.
    a.billingMode === 'prepaid' ? get(`/api/v1/accounts/${enc(id)}/auto-recharge`).catch(() => null) : Promise.resolve(null),
    get(`/api/v1/accounts/${enc(id)}/invoices`),
    get(`/api/v1/accounts/${enc(id)}/entries?order=desc&limit=20`),
    get(`/api/v1/accounts/${enc(id)}/budgets`),
    get('/api/v1/receipts/verifier-key'),
  ]);
  view.replaceChildren(
    h('h2', { id: 'account-name' }, a.name),
    alerts(a, recharge, budgets.budgets || []),
    h('div', { class: 'cards' },
      card('Balance', money(a.balance, c), 'balance'), card('Unbilled', money(a.unbilled, c), 'unbilled'),
      card('Held', money(a.held, c), 'held'), card('Available', a.available == null ? 'no limit' : money(a.available, c), 'available')),
    a.billingMode === 'prepaid' ? section('Credits and when they expire', table('Your credits, in the order usage spends them', [
      { title: 'Credit', value: (g) => g.grantId }, { title: 'Kind', value: (g) => g.kind }, { title: 'Status', value: (g) => g.status },
      { title: 'Left', num: true, value: (g) => money(g.remaining, c) }, { title: 'Expires', value: (g) => (g.expiresAt ? when(g.expiresAt) : 'never') }],
    grants.grants)) : null,
    section('Usage this month by day and model', chart(usage, c)),
    a.billingMode === 'prepaid' ? section('Top up and auto-recharge', [
      form('Top up by card', [field('amount', `Amount (${c})`, 'top-up-amount')],
        (v) => call('POST', `/api/v1/accounts/${enc(id)}/card-top-ups`, { amount: v.amount }, undefined,
          { 'Idempotency-Key': crypto.randomUUID() }), 'Your card is being charged; the balance follows.'),
      form('Save auto-recharge', [field('threshold', `When the balance falls below (${c})`, 'recharge-threshold'),
        field('amount', `Recharge (${c})`, 'recharge-amount')],
      (v) => call('PUT', `/api/v1/accounts/${enc(id)}/auto-recharge`, { enabled: true, threshold: v.threshold, amount: v.amount }),
      'Auto-recharge saved.')]) : null,
    section('Usage this month by API key and project', table('Cost by API key and project', [
      { title: 'API key', value: (g) => g.apiKey || '—' }, { title: 'Project', value: (g) => g.project || '—' },
      { title: 'Requests', num: true, value: (g) => g.usage.records }, { title: 'Cost', num: true, value: (g) => money(g.usage.cost, c) }],
    byKey.groups)),
    section('Usage this month by agent task', table('Cost by agent task (trace)', [
      { title: 'Task', value: (g) => g.trace || 'no task named' }, { title: 'Requests', num: true, value: (g) => g.usage.records },
      { title: 'Cost', num: true, value: (g) => money(g.usage.cost, c) }], byTrace.groups)),
    section('Money held for requests in flight', table('Holds', [
      { title: 'Hold', value: (x) => x.holdId }, { title: 'Amount', num: true, value: (x) => money(x.amount, c) },
      { title: 'Until', value: (x) => when(x.expiresAt) }], holds.holds)),
    section('Budgets', [form('Cap an API key this month', [field('apiKeyId', 'API key', 'cap-key', 'text'),
      field('hardCap', `Cap (${c})`, 'cap-amount')],
    (v) => call('PUT', `/api/v1/accounts/${enc(id)}/budgets/apiKey/${enc(v.apiKeyId)}`, { hardCap: v.hardCap }),
    'Cap saved: it shows below once the ledger has it (reload).'), table('Caps on your spend this month', [
      { title: 'Scope', value: (b) => `${b.scope} ${b.scopeId}` }, { title: 'Spent', num: true, value: (b) => money(b.spentThisMonth, c) },
      { title: 'Held', num: true, value: (b) => money(b.held, c) }, { title: 'Cap', num: true, value: (b) => money(b.hardCap, c) }],
    budgets.budgets || [])]),
    section('Receipts of recent requests', receipts(entries.entries.filter((e) => e.type === 'usage'), c, key.verifierKey)),
    section('Invoices', table('Your invoices', [
      { title: 'Number', value: (i) => i.number }, { title: 'Issued', value: (i) => when(i.issuedAt) },
      { title: 'Status', value: (i) => i.status }, { title: 'Total', num: true, value: (i) => money(i.total, i.currency) },
      { title: 'Documents', value: (i) => h('span', {}, h('button', { type: 'button', onclick: download(i, 'pdf') }, 'PDF'), ' ',
        h('button', { type: 'button', onclick: download(i, 'csv') }, 'CSV')) }], invoices.invoices)),
  );
}

/** What needs the customer's eye: a balance spent or low, a cap reached. */
function alerts(a, recharge, budgets) {
  const notes = [];
  if (Number(a.balance) <= 0 && a.billingMode === 'prepaid') notes.push('Your balance is spent: requests are refused until you top up.');
  else if (recharge && recharge.threshold && Number(a.balance) < Number(recharge.threshold)) {
    notes.push(`Your balance is below ${money(recharge.threshold, a.currency)}.`);
  }
  budgets.filter((b) => Number(b.spentThisMonth) >= Number(b.hardCap))
    .forEach((b) => notes.push(`The cap of ${b.scope} ${b.scopeId} is reached: its requests are refused this month.`));
  if (a.status === 'suspended') notes.push('The account is suspended.');
  return notes.length === 0 ? null : h('div', { role: 'alert', class: 'error', id: 'alerts' }, notes.map((n) => h('p', {}, n)));
}

/** A document fetched with the session and handed over as a file: no link ever carries the token. */
function download(invoice, kind) {
  return async () => {
    const response = await fetch(`/api/v1/invoices/${enc(invoice.number)}.${kind}`,
      { headers: { Authorization: `Bearer ${sessionStorage.getItem(SESSION)}` } });
    if (!response.ok) {
      view.prepend(h('p', { role: 'alert', class: 'error' }, `The ${kind.toUpperCase()} of ${invoice.number} could not be fetched (HTTP ${response.status}).`));
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const link = h('a', { href: url, download: `${invoice.number}.${kind}` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
}

function card(title, value, id) {
  return h('div', { class: 'card' }, h('div', { class: 'muted' }, title), h('div', { class: 'figure', id }, value));
}

/** Cost by day, stacked by model, and the same figures as a table. */
function chart(usage, c) {
  const days = [...new Set(usage.groups.map((g) => g.bucket))].sort();
  const models = [...new Set(usage.groups.map((g) => g.model))].sort();
  if (days.length === 0) return h('p', { class: 'muted' }, 'No usage this month.');
  const colours = ['#0b5cad', '#d97706', '#116329', '#9333ea', '#b42318', '#0e7490'];
  const cost = (day, model) => usage.groups.filter((g) => g.bucket === day && g.model === model).reduce((s, g) => s + Number(g.usage.cost), 0);
  const max = Math.max(...days.map((d) => models.reduce((s, m) => s + cost(d, m), 0))) || 1;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const width = 600; const height = 200; const bar = width / days.length;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('id', 'usage-chart');
  svg.setAttribute('aria-label', `Cost per day this month, stacked by model; highest day ${money(max.toFixed(6), c)}`);
  days.forEach((day, i) => {
    let y = height;
    models.forEach((model, m) => {
      const size = (cost(day, model) / max) * (height - 10);
      if (size > 0) {
        const rect = document.createElementNS(ns, 'rect');
        Object.entries({ x: i * bar + 2, y: y - size, width: Math.max(bar - 4, 1), height: size, fill: colours[m % colours.length], class: 'bar' })
          .forEach(([k, v]) => rect.setAttribute(k, v));
        svg.append(rect);
        y -= size;
      }
    });
  });
  return [h('div', { class: 'chart' }, svg),
    h('ul', { class: 'legend', 'aria-label': 'Models' }, models.map((m, i) => h('li', {}, h('span', { style: { background: colours[i % colours.length] } }), m))),
    table('Cost by day and model', [
      { title: 'Day', value: (g) => g.bucket.slice(0, 10) }, { title: 'Model', value: (g) => g.model },
      { title: 'Requests', num: true, value: (g) => g.usage.records }, { title: 'Cost', num: true, value: (g) => money(g.usage.cost, c) }], usage.groups)];
}

/** Each recent request's receipt, checked here against the ledger's signed log with its verifier key. */
function receipts(usage, c, verifierKey) {
  const rows = usage.slice(0, 10);
  // A check against the key this ledger gives: it proves the receipts to a customer who compares the key with one the
  // platform publishes elsewhere (or runs `audit verify-receipt` with it), not to one who trusts nothing at all.
  const key = h('p', { class: 'muted' }, 'Checked with the ledger\'s key ', h('code', { id: 'verifier-key' }, verifierKey),
    ': compare it with the key your provider publishes.');
  const box = table('Recent requests and their receipts', [
    { title: 'Request', value: (e) => e.reference }, { title: 'When', value: (e) => when(e.occurredAt) },
    { title: 'Cost', num: true, value: (e) => money(e.details.charge.cost.amount, c) },
    { title: 'Receipt', value: (e) => h('span', { class: 'receipt', 'data-receipt': e.details.receiptId }, 'checking…') }], rows);
  rows.forEach(async (e) => {
    const cell = box.querySelector(`[data-receipt="${CSS.escape(e.details.receiptId)}"]`);
    try {
      const proof = await get(`/api/v1/receipts/${enc(e.details.receiptId)}/proof`);
      const result = await verifyReceipt(proof, verifierKey);
      cell.textContent = result.verified ? 'verified with the ledger\'s key' : `not verified: ${result.problems.join('; ')}`;
      cell.className = result.verified ? 'receipt receipt-ok' : 'receipt receipt-bad';
    } catch (error) {
      cell.textContent = `not yet provable (${error.message})`;
    }
  });
  return [key, box];
}

start();
