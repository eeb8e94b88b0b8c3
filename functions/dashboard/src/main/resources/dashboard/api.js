// The Hookline API on this page's own origin. The API key lives in sessionStorage only: never in a URL, a cookie
// or localStorage, so it is gone when the tab closes.

const KEY = 'hookline.apiKey';
const SCOPES = 'hookline.scopes';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  canWrite: () => (sessionStorage.getItem(SCOPES) ?? '').split(' ').includes('admin'),
  signIn(key, scopes) {
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(SCOPES, scopes.join(' '));
  },
  signOut() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(SCOPES);
  },
};

/** An error answer: its status, machine-readable code, message and offending fields. */
export class ApiError extends Error {
  constructor(status, body) {
    const error = body?.error;
    super(error?.message ?? body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code ?? null;
    this.fields = error?.fields ?? [];
  }
}

/**
 * Calls the API: path relative to the page (v1/webhooks), so the dashboard works wherever the API is mounted.
 * Resolves to {data, etag}; rejects with ApiError.
 */
export async function call(method, path, { body, headers = {}, key = session.key() } = {}) {
  const init = {
    method,
    headers: { Authorization: `Bearer ${key}`, ...headers },
    cache: 'no-store',
    credentials: 'omit',
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(new URL(path, document.baseURI), init);
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: `HTTP ${response.status}` };
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, etag: response.headers.get('etag') };
}

/** A query string from the non-empty entries of params. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const webhookPath = (id) => `v1/webhooks/${encodeURIComponent(id)}`;
