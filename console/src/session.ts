import { reactive } from 'vue';
import { api, session } from './api/client';
import type { components } from './api/schema';

type Me = NonNullable<Awaited<ReturnType<typeof loadMe>>>;

async function loadMe() {
  const { data } = await api.GET('/api/v1/me');
  return data;
}

/** Who is signed in (null: nobody), and what they may do. */
export const me = reactive<{ current: Me | null; loaded: boolean; expired: boolean }>({
  current: null,
  loaded: false,
  expired: false,
});

/** Reads the signed-in operator from the session cookie (after a reload too). */
export async function refreshMe(): Promise<void> {
  const current = await loadMe();
  me.current = current ?? null;
  session.csrfToken = current?.csrfToken ?? '';
  me.loaded = true;
}

/** True when the signed-in operator's role holds the permission. */
export function can(permission: string): boolean {
  return !!me.current?.permissions.includes(permission);
}

export type Operator = components['schemas']['Operator'];

/** Signs in; answers the API's error code when refused. */
export async function signIn(
  username: string,
  password: string,
): Promise<{ error?: { code: string; message: string } }> {
  const { data, error } = await api.POST('/api/v1/sessions', { body: { username, password } });
  if (error || !data) return { error: error?.error ?? { code: 'unknown', message: '' } };
  session.csrfToken = data.csrfToken;
  me.expired = false;
  await refreshMe();
  return {};
}

/** Ends this session (the cookie goes with it). */
export async function signOut(): Promise<void> {
  await api.DELETE('/api/v1/sessions/{id}', { params: { path: { id: 'current' } } });
  me.current = null;
  session.csrfToken = '';
}
