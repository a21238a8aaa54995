// The deploy API: every call carries the admin token, which this tab keeps
// in its session storage and nowhere else.

const tokenKey = 'terrarium-token';

export const token = {
  get: () => sessionStorage.getItem(tokenKey),
  set: (t) => sessionStorage.setItem(tokenKey, t),
  clear: () => sessionStorage.removeItem(tokenKey),
};

// APIError is a failed call, its message in words for the page.
export class APIError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

// errorOf reads the API's {"error": ...} answer.
async function errorOf(resp) {
  if (resp.status === 401) {
    return new APIError('The server did not accept the admin token.', 401);
  }
  let message = '';
  try {
    message = (await resp.json()).error || '';
  } catch {
    // Not the API's JSON: a proxy's page, say.
  }
  if (!message) message = `The server answered ${resp.status} ${resp.statusText}.`;
  return new APIError(message, resp.status);
}

// call makes an API call and returns the response, or throws an APIError.
export async function call(method, path, {body, headers} = {}) {
  let resp;
  try {
    resp = await fetch(path, {
      method,
      body,
      headers: {Authorization: `Bearer ${token.get()}`, ...headers},
      cache: 'no-store',
    });
  } catch (err) {
    throw new APIError(`Could not reach the terrarium server (${err.message}).`, 0);
  }
  if (!resp.ok) throw await errorOf(resp);
  return resp;
}

export async function getJSON(path) {
  return (await call('GET', path)).json();
}

export function appPath(name) {
  return `/api/apps/${encodeURIComponent(name)}`;
}

// resultPrefix starts the JSON line that ends a deploy's stream.
const resultPrefix = '{"status":';

// deploy uploads an app's tar and follows its build: onLog gets the log
// as it comes, line by line; the result is the stream's last line.
export async function deploy(name, tarball, onLog) {
  const resp = await call('POST', `${appPath(name)}/deploy`, {
    body: tarball,
    headers: {'Content-Type': 'application/x-tar'},
  });
  const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  let held = null; // a line that may be the result, shown if another follows
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch (err) {
      throw new APIError(`The connection broke during the build (${err.message}).`, 0);
    }
    if (chunk.done) break;
    pending += chunk.value;
    for (let i; (i = pending.indexOf('\n')) >= 0; ) {
      const line = pending.slice(0, i + 1);
      pending = pending.slice(i + 1);
      if (held !== null) onLog(held);
      held = null;
      if (line.startsWith(resultPrefix)) held = line;
      else onLog(line);
    }
  }
  if (pending) onLog(pending);
  if (held === null || pending) {
    throw new APIError('The build log ended without a result: the server may have stopped.', 0);
  }
  return JSON.parse(held);
}
