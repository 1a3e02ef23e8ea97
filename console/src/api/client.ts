import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/** The error body every native endpoint answers with. */
export interface ApiError {
  code: string;
  message: string;
  details?: { in?: string; path?: string; code?: string; message?: string }[] | Record<string, unknown>;
}

/** What the client knows of the signed-in session, and what it does when the session ends. */
export const session = {
  csrfToken: '',
  onExpired: (() => undefined) as () => void,
};

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Same-origin requests with the HttpOnly session cookie; state-changing ones carry the CSRF
 * token; a 401 on anything but signing in means the session ended.
 */
const middleware: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method) && session.csrfToken) request.headers.set('X-CSRF-Token', session.csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !request.url.endsWith('/api/v1/sessions')) session.onExpired();
    return response;
  },
};

/** The native API, typed by the OpenAPI document (schema.d.ts is generated, not written). */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(middleware);

/** The error of a failed call, as the API said it. */
export function errorOf(error: unknown): ApiError {
  const e = (error as { error?: ApiError } | undefined)?.error;
  return e && typeof e.code === 'string' ? e : { code: 'unknown', message: String(error) };
}

/**
 * The messages of a field in a 400's details, for showing them next to the field: its own path
 * and the paths under it (`replies` also shows `replies.1.text`), joined.
 */
export function fieldError(error: ApiError | undefined, field: string): string {
  if (!error || !Array.isArray(error.details)) return '';
  return error.details
    .filter((d) => d.path === field || d.path?.startsWith(`${field}.`))
    .map((d) => d.message)
    .join('; ');
}
