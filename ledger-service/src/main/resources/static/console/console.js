// The staff console: every figure and every action goes through the HTTP API with the signed-in token,
// which the API authorizes; the console only hides what the token's role may not do. The token lives in
// this tab's session storage, never in a URL or in local storage. Data is put on the page as text, never as HTML.

const TOKEN = 'ledger-token';
const REFRESH_MS = 5000;
const view = document.getElementById('view');
let me = null;
let refresher = null;

// ---- the API ----------------------------------------------------------------------------------------

class Problem extends Error {
  constructor(status, body) {
    super(body && (body.detail || body.title) ? `${body.title || 'Error'}: ${body.detail || ''}` : `HTTP ${status}`);
    this.status = status;
  }
}

async function call(method, path, body, headers = {}) {
  const response = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${sessionStorage.getItem(TOKEN)}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
    cache: 'no-store',
  });
  if (response.status === 401) {
    signOut('Your token was refused (expired or revoked?). Sign in again.');
    throw new Problem(401, null);
  }
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new Problem(response.status, json);
  }
  return json;
}

const get = (path) => call('GET', path);
const enc = encodeURIComponent;

// ---- building the page (text only) -------------------------------------------------------------------

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'style') Object.assign(element.style, value); // through the CSSOM: the policy refuses style attributes
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

function table(caption, columns, rows) {
  return h('div', { class: 'scroll' }, h('table', {},
    h('caption', { class: 'muted' }, caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.title)))),
    h('tbody', {}, rows.length === 0
      ? h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, 'None.'))
      : rows.map((row) => h('tr', {}, columns.map((c) => h('td', { class: c.num ? 'num' : null }, c.value(row))))))));
}

function card(label, value, id) {
  return h('div', { class: 'card' }, h('dl', {}, h('dt', {}, label), h('dd', { id }, value)));
}

function error(e) {
  return h('p', { class: 'error', role: 'alert' }, e.message);
}

function show(...children) {
  view.replaceChildren(...children);
}

async function section(title, load) {
  const holder = h('section', { 'aria-label': title }, h('h3', {}, title), h('p', { class: 'muted' }, 'Loading…'));
  load().then((content) => holder.replaceChildren(h('h3', {}, title), ...[content].flat()))
    .catch((e) => { if (e.status !== 401) holder.replaceChildren(h('h3', {}, title), e.status === 404 ? h('p', { class: 'muted' }, 'Not set.') : error(e)); });
  return holder;
}

const may = (...roles) => me && roles.includes(me.role);
const money = (amount, currency) => `${Number(amount).toLocaleString('en', { maximumFractionDigits: 6 })} ${currency || ''}`.trim();
const when = (instant) => (instant ? new Date(instant).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '');

function confirmed(text) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    document.getElementById('confirm-ok').focus();
  });
}

/** A form whose submission is confirmed, sent through the API, then the page is drawn again. */
function action(label, fields, confirmText, send, after) {
  const status = h('p', { role: 'status', class: 'muted' });
  const form = h('form', { class: 'inline', 'aria-label': label }, fields, h('button', { type: 'submit', class: 'primary' }, label));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form).entries());
    if (!(await confirmed(confirmText(values)))) return;
    try {
      status.textContent = 'Sending…';
      const answer = await send(values);
      status.textContent = 'Done.';
      after(answer);
    } catch (e) {
      status.replaceChildren(error(e));
    }
  });
  return h('div', {}, form, status);
}

const input = (name, label, attributes = {}) => h('label', {}, label, h('input', { name, ...attributes }));

// ---- pages -----------------------------------------------------------------------------------------

function signIn(message) {
  const token = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, size: 50 });
  const status = h('p', { role: 'status' }, message ? h('span', { class: 'error' }, message) : '');
  const form = h('form', { class: 'inline', 'aria-label': 'Sign in' },
    h('label', { for: 'token' }, 'API token (staff, auditor or admin)', token),
    h('button', { type: 'submit', class: 'primary', id: 'sign-in' }, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN, token.value.trim());
    try {
      me = await get('/api/v1/me');
      if (!['admin', 'staff', 'auditor'].includes(me.role)) {
        throw new Error(`A ${me.role} token cannot use the console.`);
      }
      sessionStorage.setItem(`${TOKEN}-who`, JSON.stringify(me));
      drawNav();
      const target = me.accountId ? `#/accounts/${enc(me.accountId)}` : '#/accounts';
      if (location.hash === target) route();
      else location.hash = target;
    } catch (e) {
      sessionStorage.removeItem(TOKEN);
      me = null;
      if (e.status !== 401) status.replaceChildren(error(e));
      else status.replaceChildren(h('span', { class: 'error' }, 'That token was refused.'));
    }
  });
  show(h('h2', {}, 'Sign in'), h('p', {}, 'Paste a token. It is kept in this tab only and forgotten when the tab closes.'), form, status);
  token.focus();
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(`${TOKEN}-who`);
  me = null;
  drawNav();
  if (location.hash !== '#/sign-in') location.hash = '#/sign-in';
  signIn(message);
}

function findAccounts() {
  if (me.accountId) {
    location.hash = `#/accounts/${enc(me.accountId)}`;
    return;
  }
  const results = h('div', { id: 'results' });
  const query = h('input', { id: 'q', name: 'q', required: true, autocomplete: 'off' });
  const form = h('form', { class: 'inline', role: 'search', 'aria-label': 'Find an account' },
    h('label', { for: 'q' }, 'Account id, or the start of an id or a name', query),
    h('button', { type: 'submit', class: 'primary' }, 'Find'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const found = await get(`/api/v1/accounts?q=${enc(query.value)}`);
      results.replaceChildren(table(`${found.accounts.length} found`, [
        { title: 'Account', value: (a) => h('a', { href: `#/accounts/${enc(a.accountId)}` }, a.accountId) },
        { title: 'Name', value: (a) => a.name },
        { title: 'Billing', value: (a) => a.billingMode },
        { title: 'Balance', num: true, value: (a) => money(a.balance, a.currency) },
        { title: 'Status', value: (a) => a.status },
      ], found.accounts));
    } catch (e) {
      results.replaceChildren(error(e));
    }
  });
  show(h('h2', {}, 'Find an account'), form, results);
  query.focus();
}

async function account(id) {
  let summary;
  try {
    summary = await get(`/api/v1/accounts/${enc(id)}`);
  } catch (e) {
    show(h('h2', {}, id), error(e));
    return;
  }
  const redraw = () => account(id);
  const c = summary.currency;
  show(
    h('h2', {}, `${summary.name} `, h('span', { class: 'muted' }, `(${summary.accountId}, ${summary.billingMode})`)),
    h('div', { class: 'cards' },
      card('Balance', money(summary.balance, c), 'balance'),
      card('Unbilled', money(summary.unbilled, c), 'unbilled'),
      card('Held', money(summary.held, c), 'held'),
      card('Available', summary.available == null ? 'no limit' : money(summary.available, c), 'available'),
      card('Tier', summary.tier, 'tier'),
      card('Status', summary.status, 'status'),
      card('Usage records', Number(summary.usageRecords).toLocaleString('en'), 'records')),
    may('admin', 'staff') ? h('section', { 'aria-label': 'Customer portal' }, h('h3', {}, 'Customer portal'),
      action('Make a portal link', [], () => `Make a one-time link to ${id}'s portal (it opens the account as its customer sees it)?`,
        () => call('POST', `/api/v1/accounts/${enc(id)}/portal-sessions`),
        (answer) => document.getElementById('portal-link').replaceChildren(h('a', { href: answer.link, target: '_blank', rel: 'noopener',
          id: 'portal-link-a' }, `Open the portal as the customer (good once, until ${when(answer.linkExpiresAt)})`))),
      h('p', { id: 'portal-link' })) : null,
    may('admin', 'staff') ? h('section', { 'aria-label': 'Top up' }, h('h3', {}, 'Top up'),
      action('Top up', [input('amount', `Amount (${c})`, { inputmode: 'decimal', required: true, pattern: '[0-9]+(\\.[0-9]+)?', id: 'top-up-amount' })],
        (v) => `Top up ${v.amount} ${c} on ${id}?`,
        (v) => call('POST', `/api/v1/accounts/${enc(id)}/top-ups`, { amount: v.amount }, { 'Idempotency-Key': crypto.randomUUID() }),
        redraw)) : null,
    h('div', { class: 'sections two' },
      await section('Usage this month by day and model', () => usageChart(id, c)),
      await section('Usage this month by API key and project', () => usageByKey(id, c))),
    h('div', { class: 'sections two' },
      await section('Budgets', () => budgets(id, c, redraw)),
      await section('Auto-recharge', () => autoRecharge(id, c, redraw))),
    summary.billingMode === 'prepaid' ? await section('Credit grants', () => grants(id, c, redraw)) : null,
    h('div', { class: 'sections two' },
      await section('Commitments', () => commitments(id, c, summary.billingMode, redraw)),
      await section('The account\'s own prices', () => ownPrices(id, redraw))),
    await section('Top-ups held for review', () => heldTopUps(id, c, redraw)),
    await section('Usage held for review', () => heldUsage(id, c, redraw)),
    await section('Entries, newest first', () => entries(id, c)),
    await section('Invoices', () => invoices(id)),
  );
  // The figures at the top follow the ledger while the page is open.
  refresher = setInterval(async () => {
    try {
      const now = await get(`/api/v1/accounts/${enc(id)}`);
      document.getElementById('balance').textContent = money(now.balance, c);
      document.getElementById('unbilled').textContent = money(now.unbilled, c);
      document.getElementById('held').textContent = money(now.held, c);
      document.getElementById('available').textContent = now.available == null ? 'no limit' : money(now.available, c);
      document.getElementById('tier').textContent = now.tier;
      document.getElementById('status').textContent = now.status;
      document.getElementById('records').textContent = Number(now.usageRecords).toLocaleString('en');
    } catch (e) {
      clearInterval(refresher);
    }
  }, REFRESH_MS);
}

async function usageChart(id, c) {
  const usage = await get(`/api/v1/accounts/${enc(id)}/usage?groupBy=day,model`);
  const days = [...new Set(usage.groups.map((g) => g.bucket))].sort();
  const models = [...new Set(usage.groups.map((g) => g.model))].sort();
  if (days.length === 0) return h('p', { class: 'muted' }, 'No usage this month.');
  const colours = ['#0b5cad', '#d97706', '#116329', '#9333ea', '#b42318', '#0e7490', '#a16207', '#4d7c0f', '#be185d', '#57606a'];
  const cost = (day, model) => usage.groups.filter((g) => g.bucket === day && g.model === model).reduce((s, g) => s + Number(g.usage.cost), 0);
  const totals = days.map((d) => models.reduce((s, m) => s + cost(d, m), 0));
  const max = Math.max(...totals) || 1;
  const width = 600; const height = 240; const left = 60; const bottom = 24; const bar = (width - left) / days.length;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('id', 'usage-chart');
  svg.setAttribute('aria-label', `Cost per day this month, stacked by model; highest day ${money(max.toFixed(6), c)}`);
  const add = (tag, attributes, text) => {
    const element = document.createElementNS(ns, tag);
    Object.entries(attributes).forEach(([k, v]) => element.setAttribute(k, v));
    if (text !== undefined) element.textContent = text;
    svg.append(element);
    return element;
  };
  add('line', { x1: left, y1: height - bottom, x2: width, y2: height - bottom, stroke: '#8c959f' });
  add('text', { x: left - 6, y: 12, 'text-anchor': 'end', 'font-size': 11 }, max.toPrecision(3));
  add('text', { x: left - 6, y: height - bottom, 'text-anchor': 'end', 'font-size': 11 }, '0');
  days.forEach((day, i) => {
    let y = height - bottom;
    models.forEach((model, m) => {
      const value = cost(day, model);
      const size = (value / max) * (height - bottom - 8);
      if (size > 0) {
        const rect = add('rect', { x: left + i * bar + 2, y: y - size, width: Math.max(bar - 4, 1), height: size, fill: colours[m % colours.length], class: 'bar' });
        const title = document.createElementNS(ns, 'title');
        title.textContent = `${day.slice(0, 10)} ${model}: ${value}`;
        rect.append(title);
        y -= size;
      }
    });
    if (days.length <= 16 || i % Math.ceil(days.length / 16) === 0) {
      add('text', { x: left + i * bar + bar / 2, y: height - 8, 'text-anchor': 'middle', 'font-size': 10 }, day.slice(8, 10));
    }
  });
  return [
    h('div', { class: 'chart' }, svg),
    h('ul', { class: 'legend', 'aria-label': 'Models' }, models.map((m, i) => h('li', {}, h('span', { style: { background: colours[i % colours.length] } }), m))),
    h('details', {}, h('summary', {}, 'The figures as a table'), table('Cost by day and model', [
      { title: 'Day', value: (g) => g.bucket.slice(0, 10) }, { title: 'Model', value: (g) => g.model },
      { title: 'Records', num: true, value: (g) => g.usage.records }, { title: 'Cost', num: true, value: (g) => g.usage.cost }], usage.groups)),
  ];
}

async function usageByKey(id, c) {
  const usage = await get(`/api/v1/accounts/${enc(id)}/usage?groupBy=apiKey,project`);
  return [
    h('p', {}, `${usage.totals.records.toLocaleString('en')} records, ${money(usage.totals.cost, c)}`,
      usage.totals.cachedShare ? `; ${(Number(usage.totals.cachedShare) * 100).toFixed(1)} % of input tokens cached` : ''),
    table('Cost by API key and project', [
      { title: 'API key', value: (g) => g.apiKey || '—' }, { title: 'Project', value: (g) => g.project || '—' },
      { title: 'Records', num: true, value: (g) => g.usage.records },
      { title: 'Input tokens', num: true, value: (g) => g.usage.inputTokens.toLocaleString('en') },
      { title: 'Output tokens', num: true, value: (g) => g.usage.outputTokens.toLocaleString('en') },
      { title: 'Cost', num: true, value: (g) => money(g.usage.cost, c) }], usage.groups),
  ];
}

async function budgets(id, c, redraw) {
  const answer = await get(`/api/v1/accounts/${enc(id)}/budgets`);
  return [
    table('Budgets and their spend this month', [
      { title: 'Scope', value: (b) => `${b.scope} ${b.scopeId}` },
      { title: 'Spent', num: true, value: (b) => money(b.spentThisMonth, c) },
      { title: 'Held', num: true, value: (b) => money(b.held, c) },
      { title: 'Hard cap', num: true, value: (b) => money(b.hardCap, c) },
      { title: 'Alerts at', value: (b) => b.softAlerts.map((a) => `${Number(a) * 100} %`).join(', ') }], answer.budgets),
    may('admin', 'staff') ? action('Set budget', [
      h('label', {}, 'Scope', h('select', { name: 'scope' }, ['account', 'project', 'member', 'apiKey'].map((s) => h('option', { value: s }, s)))),
      input('scopeId', 'Scope id', { required: true, value: id }),
      input('hardCap', `Hard cap per month (${c})`, { required: true, inputmode: 'decimal' }),
      input('softAlerts', 'Alerts (fractions, comma separated)', { value: '0.5, 0.8' })],
      (v) => `Set a monthly hard cap of ${v.hardCap} ${c} on ${v.scope} ${v.scopeId}?`,
      (v) => call('PUT', `/api/v1/accounts/${enc(id)}/budgets/${enc(v.scope)}/${enc(v.scopeId)}`,
        { period: 'month', hardCap: v.hardCap, softAlerts: v.softAlerts.split(',').map((s) => s.trim()).filter(Boolean) }),
      redraw) : null,
  ];
}

async function autoRecharge(id, c, redraw) {
  let state = null;
  try {
    state = await get(`/api/v1/accounts/${enc(id)}/auto-recharge`);
  } catch (e) {
    if (e.status !== 404) throw e;
  }
  const shown = state
    ? h('p', {}, state.enabled ? `On: below ${money(state.threshold, c)}, recharge ${money(state.amount, c)}.` : 'Off.',
      state.rechargeInFlight ? ` A recharge is in flight: ${JSON.stringify(state.rechargeInFlight)}` : '')
    : h('p', { class: 'muted' }, 'Not configured.');
  return [shown, may('admin', 'staff') ? action('Save auto-recharge', [
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'enabled', value: 'true', checked: state ? state.enabled : false }), 'Enabled'),
    input('threshold', `Below (${c})`, { required: true, inputmode: 'decimal', value: state ? state.threshold : '' }),
    input('amount', `Recharge (${c})`, { required: true, inputmode: 'decimal', value: state ? state.amount : '' })],
    (v) => `${v.enabled ? 'Enable' : 'Disable'} auto-recharge of ${v.amount} ${c} below ${v.threshold} ${c}?`,
    (v) => call('PUT', `/api/v1/accounts/${enc(id)}/auto-recharge`, { enabled: v.enabled === 'true', threshold: v.threshold, amount: v.amount }),
    redraw) : null];
}

async function grants(id, c, redraw) {
  const answer = await get(`/api/v1/accounts/${enc(id)}/grants`);
  const voidGrant = (g) => async () => {
    if (!(await confirmed(`Void the grant ${g.grantId} of ${g.amount} ${c}?`))) return;
    try {
      await call('POST', `/api/v1/accounts/${enc(id)}/grants/${enc(g.grantId)}/void`, { reason: 'voided in the console' });
      redraw();
    } catch (e) {
      view.prepend(error(e));
    }
  };
  const drawn = Object.entries(answer.drawnThisMonth).map(([kind, amount]) => `${kind} ${money(amount, c)}`).join(', ');
  const holder = h('div', {});
  holder.append(table('Open grants in the order usage draws them, then the rest', [
    { title: 'Grant', value: (g) => g.grantId }, { title: 'Kind', value: (g) => g.kind }, { title: 'Status', value: (g) => g.status },
    { title: 'Amount', num: true, value: (g) => money(g.amount, c) }, { title: 'Left', num: true, value: (g) => money(g.remaining, c) },
    { title: 'Priority', num: true, value: (g) => g.priority }, { title: 'Expires', value: (g) => (g.expiresAt ? when(g.expiresAt) : 'never') },
    { title: '', value: (g) => (may('admin') && (g.status === 'open' || g.status === 'pending') && g.amount === g.remaining
      && !/^(top-up|recharge|reversal):/.test(g.grantId) ? h('button', { type: 'button', class: 'danger', onclick: voidGrant(g) }, 'Void') : '') }], answer.grants));
  holder.append(h('p', { class: 'muted' }, `Drawn this month by kind: ${drawn || 'nothing yet'}`));
  if (may('admin')) {
    holder.append(action('Grant credit', [
      input('grantId', 'Grant id', { required: true, pattern: '[A-Za-z0-9._:-]{1,64}', id: 'grant-id' }),
      input('kind', 'Kind (promotional, contractual, purchased)', { required: true, pattern: 'promotional|contractual|purchased', id: 'grant-kind' }),
      input('amount', `Amount (${c})`, { inputmode: 'decimal', required: true, pattern: '[0-9]+(\\.[0-9]+)?', id: 'grant-amount' }),
      input('expiresAt', 'Expires at (ISO instant, empty: never)', { id: 'grant-expires' })],
    (v) => `Grant ${v.amount} ${c} (${v.kind}) to ${id}?`,
    (v) => call('POST', `/api/v1/accounts/${enc(id)}/grants`, { grantId: v.grantId, kind: v.kind, amount: v.amount, expiresAt: v.expiresAt || undefined }),
    redraw));
  }
  return holder;
}

async function heldTopUps(id, c, redraw) {
  const held = await get(`/api/v1/accounts/${enc(id)}/top-ups/held`);
  const decide = (topUp, verdict) => async () => {
    if (!(await confirmed(`${verdict === 'approve' ? 'Approve' : 'Reject'} the top-up ${topUp.topUpId} of ${topUp.amount} ${c}?`))) return;
    try {
      await call('POST', `/api/v1/accounts/${enc(id)}/top-ups/${enc(topUp.topUpId)}/${verdict}`, verdict === 'reject' ? { reason: 'rejected in the console' } : undefined);
      redraw();
    } catch (e) {
      view.prepend(error(e));
    }
  };
  return table('Held until an admin decides', [
    { title: 'Top-up', value: (t) => t.topUpId }, { title: 'Amount', num: true, value: (t) => money(t.amount, c) },
    { title: 'Held at', value: (t) => when(t.heldAt) },
    { title: 'Decision', value: (t) => (may('admin') ? h('span', {}, h('button', { type: 'button', onclick: decide(t, 'approve') }, 'Approve'), ' ',
      h('button', { type: 'button', class: 'danger', onclick: decide(t, 'reject') }, 'Reject')) : h('span', { class: 'muted' }, 'an admin decides')) }], held.topUps);
}

async function heldUsage(id, c, redraw) {
  const held = await get(`/api/v1/accounts/${enc(id)}/usage/held`);
  const decide = (usage, verdict) => async () => {
    if (!(await confirmed(`${verdict === 'approve' ? 'Charge' : 'Reject'} the usage record ${usage.eventId} of ${usage.cost} ${c}?`))) return;
    try {
      await call('POST', `/api/v1/accounts/${enc(id)}/usage/held/${verdict}`,
        verdict === 'reject' ? { eventId: usage.eventId, reason: 'rejected in the console' } : { eventId: usage.eventId });
      redraw();
    } catch (e) {
      view.prepend(error(e));
    }
  };
  return table('Records costing more than the review ceiling: not charged until an admin decides', [
    { title: 'Record', value: (u) => u.eventId }, { title: 'Occurred', value: (u) => when(u.occurredAt) },
    { title: 'What', value: (u) => `${u.kind} ${u.item}` }, { title: 'Cost', num: true, value: (u) => money(u.cost, c) },
    { title: 'Ceiling', num: true, value: (u) => money(u.reviewAbove, c) },
    { title: 'Decision', value: (u) => (may('admin') ? h('span', {}, h('button', { type: 'button', onclick: decide(u, 'approve') }, 'Charge'), ' ',
      h('button', { type: 'button', class: 'danger', onclick: decide(u, 'reject') }, 'Reject')) : h('span', { class: 'muted' }, 'an admin decides')) }], held.usage);
}

async function entries(id, c, after) {
  const page = await get(`/api/v1/accounts/${enc(id)}/entries?order=desc&limit=20${after ? `&after=${enc(after)}` : ''}`);
  const holder = h('div', {});
  const price = (e) => (e.details && e.details.charge
    ? `${e.details.charge.item} (catalog v${e.details.charge.catalogVersion}${e.details.charge.terms ? `, ${e.details.charge.terms}` : ''}: ${e.details.charge.lines.map((l) => `${l.component}${l.tier ? ` tier ${l.tier}` : ''} ${l.quantity} × ${l.unitPrice}/${l.priceUnit}`).join(', ')})`
    : '');
  holder.append(table('Entries', [
    { title: 'Recorded', value: (e) => when(e.recordedAt) }, { title: 'Type', value: (e) => e.type },
    { title: 'Reference', value: (e) => e.reference }, { title: 'Price', value: price },
    { title: 'Paid by', value: (e) => (e.details && e.details.paidBy ? e.details.paidBy.map((p) => `${p.grantId} ${p.amount}`).join(', ') : '') },
    { title: 'Balance change', num: true, value: (e) => e.balanceChange }, { title: 'Unbilled change', num: true, value: (e) => e.unbilledChange },
    { title: 'Balance after', num: true, value: (e) => money(e.balanceAfter, c) }], page.entries));
  if (page.next) {
    holder.append(h('button', { type: 'button', onclick: async () => holder.replaceWith(...[await entries(id, c, page.next)].flat()) }, 'Older entries'));
  }
  return holder;
}

async function invoices(id) {
  const answer = await get(`/api/v1/accounts/${enc(id)}/invoices`);
  const download = (invoice) => async () => {
    // Fetched with the token and handed over as a file: no link ever carries the token.
    const response = await fetch(`/api/v1/invoices/${enc(invoice.number)}.pdf`, { headers: { Authorization: `Bearer ${sessionStorage.getItem(TOKEN)}` } });
    if (!response.ok) { view.prepend(error(new Problem(response.status, null))); return; }
    const url = URL.createObjectURL(await response.blob());
    const link = h('a', { href: url, download: `${invoice.number}.pdf` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  const holder = h('div', {});
  holder.append(table('Invoices', [
    { title: 'Number', value: (i) => i.number }, { title: 'Issued', value: (i) => when(i.issuedAt) },
    { title: 'Status', value: (i) => i.status }, { title: 'Total', num: true, value: (i) => money(i.total, i.currency) },
    { title: 'Credited', num: true, value: (i) => money(i.credited, i.currency) },
    { title: 'Document', value: (i) => h('button', { type: 'button', onclick: download(i) }, 'PDF') }], answer.invoices));
  if (may('admin') && answer.invoices.length > 0) {
    // Unpaid, the invoice asks for less; paid, the amount is refunded or credited on the next invoice.
    holder.append(action('Credit note', [
      input('number', 'Invoice number', { required: true, pattern: 'INV-[0-9]{4}-[0-9]+', id: 'credit-invoice' }),
      input('amount', 'Amount', { required: true, inputmode: 'decimal', pattern: '[0-9]+(\\.[0-9]{1,2})?', id: 'credit-amount' }),
      input('reason', 'Reason', { required: true, id: 'credit-reason' }),
      input('settlement', 'If paid: refund or credit', { pattern: 'refund|credit', id: 'credit-settlement' })],
    (v) => `Credit ${v.amount} of ${v.number}${v.settlement ? ` (${v.settlement})` : ''}?`,
    (v) => call('POST', `/api/v1/invoices/${enc(v.number)}/credit-notes`, { amount: v.amount, reason: v.reason, settlement: v.settlement || undefined },
      { 'Idempotency-Key': crypto.randomUUID() }),
    () => account(id)));
  }
  return holder;
}

async function commitments(id, c, billingMode, redraw) {
  const answer = await get(`/api/v1/accounts/${enc(id)}/commitments`);
  const holder = h('div', {});
  holder.append(table('Committed usage over a term, at the contract\'s rates', [
    { title: 'Commitment', value: (m) => m.commitmentId }, { title: 'Status', value: (m) => m.status },
    { title: 'Amount', num: true, value: (m) => money(m.amount, c) }, { title: 'Consumed', num: true, value: (m) => money(m.consumed, c) },
    { title: 'Left', num: true, value: (m) => money(m.remaining, c) },
    { title: 'Term', value: (m) => `${when(m.startsAt)} to ${when(m.endsAt)}` },
    { title: 'Rates', value: (m) => `${m.discountPercent}% off${m.prices.length ? `, ${m.prices.length} own prices` : ''}; overage ${m.overagePercent}%` },
    { title: 'True-up', value: (m) => (m.trueUp ? 'yes' : 'no') }], answer.commitments));
  if (may('admin')) {
    holder.append(action('Add a commitment', [
      input('commitmentId', 'Commitment id', { required: true, pattern: '[A-Za-z0-9._:-]{1,64}', id: 'commitment-id' }),
      input('amount', `Amount (${c})`, { required: true, inputmode: 'decimal', pattern: '[0-9]+(\\.[0-9]+)?', id: 'commitment-amount' }),
      input('endsAt', 'Ends at (ISO instant)', { required: true, id: 'commitment-ends' }),
      input('discountPercent', 'Discount %', { inputmode: 'decimal', id: 'commitment-discount' }),
      input('overagePercent', 'Overage, % of the usual price', { inputmode: 'decimal', id: 'commitment-overage' }),
      billingMode === 'postpaid' ? h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'trueUp', value: 'true' }), 'True-up at the end') : null],
    (v) => `Commit ${id} to ${v.amount} ${c} until ${v.endsAt}?`,
    (v) => call('POST', `/api/v1/accounts/${enc(id)}/commitments`, { commitmentId: v.commitmentId, amount: v.amount, endsAt: v.endsAt,
      discountPercent: v.discountPercent || undefined, overagePercent: v.overagePercent || undefined, trueUp: v.trueUp === 'true' }),
    redraw));
  }
  return holder;
}

async function ownPrices(id, redraw) {
  const answer = await get(`/api/v1/accounts/${enc(id)}/prices`);
  const holder = h('div', {});
  holder.append(table('Prices of this account instead of the catalog\'s, each for records from its time on', [
    { title: 'Item', value: (p) => `${p.item}${p.provider ? ` (${p.provider})` : ''}` }, { title: 'From', value: (p) => when(p.effectiveFrom) },
    { title: 'Price', value: (p) => (p.catalog ? 'the catalog\'s' : p.price || `input ${p.input}, output ${p.output} per 1M`) },
    { title: 'Reason', value: (p) => p.reason || '' }], answer.prices));
  if (may('admin')) {
    holder.append(action('Set a price', [
      input('item', 'Model or meter', { required: true, id: 'price-item' }),
      input('input', 'Input per 1M tokens', { inputmode: 'decimal', id: 'price-input' }),
      input('output', 'Output per 1M tokens', { inputmode: 'decimal', id: 'price-output' }),
      input('price', 'Or: price per unit (second, hour, image)', { inputmode: 'decimal', id: 'price-unit' }),
      input('effectiveFrom', 'From (ISO instant, empty: now)', { id: 'price-from' })],
    (v) => `Set ${id}'s own price for ${v.item}?`,
    (v) => call('POST', `/api/v1/accounts/${enc(id)}/prices`, { item: v.item, input: v.input || undefined, output: v.output || undefined,
      price: v.price || undefined, effectiveFrom: v.effectiveFrom || undefined }),
    redraw));
  }
  return holder;
}

async function deadLetters() {
  show(h('h2', {}, 'Dead letters of the last day'), await section('Refused usage records, newest first', async () => {
    const answer = await get('/api/v1/dead-letters?hours=24&limit=200');
    return table(`${answer.deadLetters.length} in the last ${answer.hours} hours`, [
      { title: 'At', value: (d) => when(d.at) }, { title: 'Account (key)', value: (d) => d.accountId || '—' },
      { title: 'Reason', value: (d) => d.reason }, { title: 'Detail', value: (d) => d.detail },
      { title: 'Record', value: (d) => h('code', {}, d.record) }], answer.deadLetters);
  }));
}

async function audit() {
  show(h('h2', {}, 'Audit'),
    await section('Last replay verification', async () => {
      const runs = (await get('/api/v1/audit/verifications?limit=1')).verifications;
      if (runs.length === 0) return h('p', { class: 'muted' }, 'No run of "audit verify" recorded yet.');
      const r = runs[0];
      return h('p', { id: 'last-verification', class: r.verified ? 'ok' : 'error' },
        `${when(r.ranAt)}: ${r.verified ? 'VERIFIED' : `${r.differences} DIFFERENCES (first: ${r.firstDifference})`} — ${r.events.toLocaleString('en')} events, `
        + `${r.usageRecords.toLocaleString('en')} usage records, ${r.accounts} accounts, ${r.invoices} invoices in ${Number(r.seconds).toFixed(1)} s`);
    }),
    await section('Latest signed checkpoint', async () => {
      const answer = await get('/api/v1/audit/checkpoints?limit=1');
      const c = answer.checkpoints[0];
      return [h('p', {}, 'Verifier key: ', h('code', {}, answer.verifierKey)),
        c ? h('pre', { id: 'last-checkpoint' }, c.note) : h('p', { class: 'muted' }, 'No checkpoint yet.')];
    }));
}

// ---- routing ---------------------------------------------------------------------------------------

function drawNav() {
  const nav = document.getElementById('nav');
  nav.hidden = !me;
  if (!me) return;
  document.getElementById('who').textContent = `${me.role}${me.accountId ? ` of ${me.accountId}` : ''}`;
  nav.querySelectorAll('[data-roles]').forEach((link) => {
    link.hidden = !me.role || !link.dataset.roles.split(' ').includes(me.role) || ('unbound' in link.dataset && !!me.accountId);
  });
}

async function route() {
  clearInterval(refresher);
  if (!sessionStorage.getItem(TOKEN) || !me) {
    signIn();
    return;
  }
  const path = location.hash.replace(/^#/, '') || '/accounts';
  const accountPath = path.match(/^\/accounts\/(.+)$/);
  if (accountPath) await account(decodeURIComponent(accountPath[1]));
  else if (path === '/dead-letters') await deadLetters();
  else if (path === '/audit') await audit();
  else findAccounts();
  view.focus();
}

document.getElementById('sign-out').addEventListener('click', () => signOut());
window.addEventListener('hashchange', route);
const remembered = sessionStorage.getItem(`${TOKEN}-who`);
me = remembered && sessionStorage.getItem(TOKEN) ? JSON.parse(remembered) : null;
drawNav();
route();
