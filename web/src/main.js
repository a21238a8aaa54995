// terrarium's web editor: sign in with the admin token, write an app from
// an example, deploy it, call it, manage its versions. Everything an app or
// a build says reaches the page as text (textContent), never as markup.

import {APIError, appPath, call, deploy, getJSON, token} from './api.js';
import {createEditor} from './editor.js';
import {tar} from './tar.js';

const $ = (id) => document.getElementById(id);

const el = {
  session: $('session'), forget: $('forget'),
  login: $('login'), loginForm: $('login-form'), token: $('token'), loginError: $('login-error'),
  workspace: $('workspace'),
  appList: $('app-list'), appsEmpty: $('apps-empty'), appsMessage: $('apps-message'), refresh: $('refresh'),
  details: $('details'), detailsTitle: $('details-title'), detailsStatus: $('details-status'),
  versions: $('versions'), rollback: $('rollback'), del: $('delete'),
  confirmDelete: $('confirm-delete'), confirmText: $('confirm-delete-text'),
  deleteYes: $('delete-yes'), deleteNo: $('delete-no'), detailsMessage: $('details-message'),
  deployForm: $('deploy-form'), appName: $('app-name'), appURL: $('app-url'), language: $('language'),
  exampleField: $('example-field'), example: $('example'), sourceField: $('source-field'),
  sourcePath: $('source-path'), sourceFrom: $('source-from'), uploadField: $('upload-field'), wasmFile: $('wasm-file'),
  deploy: $('deploy'), deployStatus: $('deploy-status'), buildLog: $('build-log'),
  callForm: $('call-form'), callApp: $('call-app'), method: $('method'), pathPrefix: $('path-prefix'),
  path: $('path'), headers: $('headers'), body: $('body'), callStatus: $('call-status'),
  responseLine: $('response-line'), responseHeaders: $('response-headers'),
  responseBody: $('response-body'), appLog: $('app-log'), appLogRefresh: $('applog-refresh'),
};

const state = {
  examples: [],
  files: {}, // the current example's files; the editor holds one of them
  editing: '', // the path of the file in the editor
  apps: [],
  selected: '', // the app shown in the details and called
  deploying: false,
};

const nonce = document.querySelector('meta[name="csp-nonce"]').content;
const editor = createEditor($('editor'), {nonce, labelledBy: 'source-label', onSubmit: runDeploy});

const validName = /^[a-z0-9][a-z0-9-]{0,62}$/;
const nameRule = 'An app name is 1 to 63 lowercase letters, digits and dashes, starting with a letter or a digit.';
const maxShownBody = 1 << 20;

// say sets a status line: kind is '', 'busy', 'ok' or 'error'.
function say(node, kind, text) {
  node.textContent = text;
  node.dataset.kind = kind;
}

function ms(t) {
  return t < 1000 ? `${t < 10 ? t.toFixed(1) : Math.round(t)} ms` : `${(t / 1000).toFixed(2)} s`;
}

function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
}

// signedOut handles a refused token wherever it shows up.
function signedOut(err) {
  if (err instanceof APIError && err.status === 401) {
    showLogin('The server did not accept the admin token. Enter it again.');
    return true;
  }
  return false;
}

// fail shows err on node, unless it was a refused token.
function fail(node, err) {
  if (!signedOut(err)) say(node, 'error', err.message);
}

// --- Signing in -----------------------------------------------------------

function showLogin(message) {
  token.clear();
  state.apps = [];
  state.selected = '';
  el.appList.replaceChildren();
  el.details.hidden = true;
  el.buildLog.textContent = '';
  el.appLog.textContent = '';
  el.responseBody.textContent = '';
  el.responseHeaders.replaceChildren();
  el.workspace.hidden = true;
  el.session.hidden = true;
  el.login.hidden = false;
  el.loginError.textContent = message || '';
  el.token.value = '';
  el.token.focus();
}

async function enter() {
  try {
    const [examples] = await Promise.all([getJSON('/api/examples'), refreshApps()]);
    state.examples = examples;
  } catch (err) {
    if (err instanceof APIError && err.status === 401) {
      showLogin('The server did not accept that token.');
    } else {
      showLogin(err.message);
    }
    return;
  }
  el.login.hidden = true;
  el.session.hidden = false;
  el.workspace.hidden = false;
  chooseLanguage();
  el.appName.focus();
}

el.loginForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const t = el.token.value.trim();
  if (!t) {
    el.loginError.textContent = 'Enter the admin token.';
    return;
  }
  token.set(t);
  el.loginError.textContent = '';
  enter();
});

el.forget.addEventListener('click', () => showLogin(''));

// --- The app list and an app's versions -------------------------------------

async function refreshApps() {
  state.apps = await getJSON('/api/apps');
  renderApps();
}

function renderApps() {
  el.appsEmpty.hidden = state.apps.length > 0;
  el.appList.replaceChildren(
    ...state.apps.map((app) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'app';
      b.dataset.app = app.name;
      b.setAttribute('aria-pressed', String(app.name === state.selected));
      const name = document.createElement('span');
      name.className = 'app-name';
      name.textContent = app.name;
      const meta = document.createElement('span');
      meta.className = 'app-meta';
      const current = app.versions.find((v) => v.number === app.current);
      meta.textContent = [
        app.current ? `v${app.current}` : 'no version',
        current ? current.language : '',
        app.status,
      ].filter(Boolean).join(' · ');
      b.append(name, meta);
      b.addEventListener('click', () => select(app.name));
      li.append(b);
      return li;
    }),
  );
}

el.refresh.addEventListener('click', async () => {
  say(el.appsMessage, '', '');
  try {
    await refreshApps();
    if (state.selected) await showDetails();
  } catch (err) {
    fail(el.appsMessage, err);
  }
});

async function select(name) {
  state.selected = name;
  el.appName.value = name;
  nameChanged();
  renderApps();
  say(el.detailsMessage, '', '');
  el.confirmDelete.hidden = true;
  try {
    await showDetails();
  } catch (err) {
    fail(el.detailsMessage, err);
  }
}

async function showDetails() {
  const name = state.selected;
  const app = await getJSON(appPath(name));
  if (name !== state.selected) return;
  el.details.hidden = false;
  el.detailsTitle.textContent = app.name;
  if (!app.current) {
    el.detailsStatus.textContent = `No version serves (${app.status}).`;
  } else if (app.serving === app.current && app.status === 'serving') {
    el.detailsStatus.textContent = `Version ${app.current} serves.`;
  } else {
    el.detailsStatus.textContent = `Version ${app.current} is current; this server runs version ${app.serving} (${app.status}).`;
  }
  const rows = [...app.versions].sort((a, b) => b.number - a.number).map((v) => {
    const tr = document.createElement('tr');
    if (v.number === app.current) tr.className = 'current';
    const num = document.createElement('td');
    num.textContent = v.number === app.current ? `v${v.number} (current)` : `v${v.number}`;
    const from = document.createElement('td');
    const created = document.createElement('span');
    created.className = 'when';
    created.textContent = when(v.created);
    from.append(`${v.language}, ${v.interface}`, created);
    const logCell = document.createElement('td');
    const logButton = document.createElement('button');
    logButton.type = 'button';
    logButton.textContent = 'Log';
    logButton.setAttribute('aria-label', `Build log of version ${v.number}`);
    logButton.addEventListener('click', () => showBuildLog(name, v.number));
    logCell.append(logButton);
    tr.append(num, from, logCell);
    return tr;
  });
  el.versions.replaceChildren(...rows);
  renderAppLog(app.logs || []);
}

async function showBuildLog(name, version) {
  try {
    const text = await (await call('GET', `${appPath(name)}/versions/${version}/log`)).text();
    el.buildLog.textContent = text;
    say(el.deployStatus, '', `The build log of ${name} version ${version}.`);
  } catch (err) {
    fail(el.detailsMessage, err);
  }
}

el.rollback.addEventListener('click', async () => {
  const name = state.selected;
  say(el.detailsMessage, 'busy', `Rolling ${name} back…`);
  try {
    const res = await (await call('POST', `${appPath(name)}/rollback`)).json();
    say(el.detailsMessage, 'ok', `Rolled ${name} back: version ${res.version} serves.`);
    await refreshApps();
    await showDetails();
  } catch (err) {
    fail(el.detailsMessage, err);
  }
});

el.del.addEventListener('click', () => {
  el.confirmText.textContent = `Delete ${state.selected} and all its versions? It stops serving at once.`;
  el.confirmDelete.hidden = false;
  el.deleteNo.focus();
});

function closeConfirm() {
  el.confirmDelete.hidden = true;
  el.del.focus();
}

el.deleteNo.addEventListener('click', closeConfirm);
el.confirmDelete.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') closeConfirm();
});

el.deleteYes.addEventListener('click', async () => {
  const name = state.selected;
  try {
    await call('DELETE', appPath(name));
    el.confirmDelete.hidden = true;
    el.details.hidden = true;
    state.selected = '';
    await refreshApps();
    say(el.appsMessage, 'ok', `Deleted ${name}.`);
    el.refresh.focus();
  } catch (err) {
    fail(el.detailsMessage, err);
  }
});

// --- Writing and deploying ------------------------------------------------

function chooseLanguage() {
  const lang = el.language.value;
  const upload = lang === 'wasm';
  el.uploadField.hidden = !upload;
  el.sourceField.hidden = upload;
  el.exampleField.hidden = upload;
  if (upload) return;
  el.example.replaceChildren(
    ...state.examples.filter((ex) => ex.language === lang).map((ex) => {
      const o = document.createElement('option');
      o.value = ex.name;
      o.textContent = ex.interface === 'cgi' ? 'CGI' : 'terra_http';
      return o;
    }),
  );
  chooseExample();
}

function chooseExample() {
  const ex = state.examples.find((e) => e.name === el.example.value);
  if (!ex) return;
  state.files = ex.files;
  // The editor holds the program's main file; any others go along as they are.
  const paths = Object.keys(ex.files).sort();
  state.editing = paths.find((p) => /(^|\/)main\.(go|rs)$|\.c$/.test(p)) || paths[0];
  el.sourcePath.textContent = state.editing;
  el.sourceFrom.textContent = `examples/${ex.name}`;
  editor.load(ex.files[state.editing], ex.language);
}

el.language.addEventListener('change', chooseLanguage);
el.example.addEventListener('change', chooseExample);

function nameChanged() {
  const name = el.appName.value.trim();
  el.appURL.textContent = `/${name || 'hello'}/`;
  el.pathPrefix.textContent = `/${name || 'hello'}`;
  el.callApp.textContent = name || 'the app';
}
el.appName.addEventListener('input', nameChanged);

function appendLog(text) {
  const log = el.buildLog;
  const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 8;
  log.append(text);
  if (atEnd) log.scrollTop = log.scrollHeight;
}

async function sources() {
  if (el.language.value === 'wasm') {
    const file = el.wasmFile.files[0];
    if (!file) throw new Error('Choose a .wasm file to upload.');
    return [{path: 'app.wasm', data: new Uint8Array(await file.arrayBuffer())}];
  }
  return Object.entries(state.files).map(([path, data]) => ({
    path,
    data: path === state.editing ? editor.text() : data,
  }));
}

async function runDeploy() {
  if (state.deploying) return;
  const name = el.appName.value.trim();
  if (!validName.test(name)) {
    say(el.deployStatus, 'error', nameRule);
    el.appName.focus();
    return;
  }
  let files;
  try {
    files = await sources();
  } catch (err) {
    say(el.deployStatus, 'error', err.message);
    return;
  }
  state.deploying = true;
  el.deploy.setAttribute('aria-disabled', 'true');
  el.buildLog.textContent = '';
  el.buildLog.setAttribute('aria-busy', 'true');
  say(el.deployStatus, 'busy', `Building ${name}…`);
  try {
    const res = await deploy(name, tar(files), appendLog);
    if (res.status === 'deployed') {
      say(el.deployStatus, 'ok',
        `Deployed ${name} version ${res.version} (${res.language}, ${res.interface}) in ${ms(res.timings_ms.total)}.`);
    } else {
      say(el.deployStatus, 'error',
        `The build failed (${res.error}): the log says why. The version that served before still serves.`);
    }
    await refreshApps();
    if (state.apps.some((a) => a.name === name)) await select(name);
  } catch (err) {
    fail(el.deployStatus, err);
  } finally {
    state.deploying = false;
    el.deploy.removeAttribute('aria-disabled');
    el.buildLog.removeAttribute('aria-busy');
  }
}

el.deployForm.addEventListener('submit', (e) => {
  e.preventDefault();
  runDeploy();
});

// --- Calling the app --------------------------------------------------------

function requestHeaders() {
  const h = new Headers();
  el.headers.value.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim();
    if (colon < 1 || !name) throw new Error(`Header line ${i + 1} is not of the form Name: value.`);
    try {
      h.append(name, line.slice(colon + 1).trim());
    } catch {
      throw new Error(`Header line ${i + 1} cannot be sent: "${name}" is not a valid header.`);
    }
  });
  return h;
}

function renderResponse(resp, text, took) {
  el.responseLine.textContent = `${resp.status} ${resp.statusText} · ${ms(took)} · ${text.length} characters`;
  el.responseLine.dataset.kind = resp.ok ? 'ok' : 'error';
  el.responseLine.classList.remove('muted');
  const items = [];
  for (const [k, v] of resp.headers) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    items.push(dt, dd);
  }
  el.responseHeaders.replaceChildren(...items);
  el.responseBody.textContent = text.length > maxShownBody
    ? `${text.slice(0, maxShownBody)}\n… (${text.length - maxShownBody} more characters not shown)`
    : text;
}

async function send() {
  const name = el.appName.value.trim();
  if (!validName.test(name)) {
    say(el.callStatus, 'error', `Name the app to call above. ${nameRule}`);
    return;
  }
  let path = el.path.value.trim() || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  const method = el.method.value;
  let headers;
  try {
    headers = requestHeaders();
  } catch (err) {
    say(el.callStatus, 'error', err.message);
    return;
  }
  const init = {method, headers, cache: 'no-store', credentials: 'omit', redirect: 'follow'};
  if (method !== 'GET' && method !== 'HEAD') init.body = el.body.value;
  say(el.callStatus, 'busy', `${method} /${name}${path}…`);
  const start = performance.now();
  let resp;
  let text;
  try {
    resp = await fetch(`/${encodeURIComponent(name)}${path}`, init);
    text = await resp.text();
  } catch (err) {
    say(el.callStatus, 'error', `The request failed before an answer came (${err.message}).`);
    return;
  }
  const took = performance.now() - start;
  say(el.callStatus, '', '');
  renderResponse(resp, text, took);
  if (state.apps.some((a) => a.name === name)) await refreshAppLog(name);
}

el.callForm.addEventListener('submit', (e) => {
  e.preventDefault();
  send();
});

function renderAppLog(lines) {
  const log = el.appLog;
  log.textContent = lines.map((l) => `${new Date(l.time).toLocaleTimeString()}  ${l.line}`).join('\n');
  log.scrollTop = log.scrollHeight;
}

async function refreshAppLog(name = state.selected) {
  if (!name) return;
  try {
    const app = await getJSON(appPath(name));
    renderAppLog(app.logs || []);
  } catch (err) {
    fail(el.callStatus, err);
  }
}

el.appLogRefresh.addEventListener('click', () => refreshAppLog(el.appName.value.trim()));

// Ctrl+Enter (Cmd+Enter) sends the request from the call form and deploys
// from anywhere else.
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || e.defaultPrevented || el.workspace.hidden) return;
  e.preventDefault();
  if (el.callForm.contains(document.activeElement)) send();
  else runDeploy();
});

if (token.get()) enter();
else showLogin('');
