import { z } from 'zod';
import { AppError, notFound } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import { ALL_PERMISSIONS } from '../../http/permissions';
import { idParam, okBody } from '../../http/schemas';
import { limitedVerify, signInAttemptOf } from '../middleware/auth-limit';
import { SESSION_COOKIE, tooManyFailures } from '../middleware/authenticate';
import { clientAddressOf, isSecureRequest } from '../middleware/client-address';
import { noteSignIn } from './audit';
import type { V1Deps } from './deps';
import { operatorOf, type People } from './people';

const tag = 'sessions';

const operatorView = z
  .object({
    id: z.string(),
    number: z.number().int().meta({ description: '1, 2, 3... (the seed 004 user_id)' }),
    username: z.string(),
    displayName: z.string(),
    position: z.string().optional().meta({ description: 'job title (seed 004 职位)' }),
    roleId: z.string(),
    owner: z.string().optional().meta({ description: "absent: the operator manages every owner's robots" }),
    enabled: z.boolean(),
    mustChangePassword: z.boolean(),
    lastLoginAt: z.date().optional(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'Operator' });

const sessionView = z
  .object({
    id: z.string(),
    createdAt: z.date(),
    lastSeenAt: z.date(),
    expiresAt: z.date(),
    address: z.string().optional(),
    userAgent: z.string().optional(),
    current: z.boolean(),
  })
  .meta({ id: 'Session' });

const password = z.string().min(1).max(200);

const wrongPassword = () => new AppError(401, 'invalid_credentials', 'wrong username or password');

export { operatorView };

/** Signing in and out, one's own sessions and password, and who one is. */
export function sessionEndpoints(api: EndpointRouter, deps: V1Deps, people: People): void {
  const { auth, sessions, operators } = people;

  api.add({
    method: 'post',
    path: '/sessions',
    tag,
    access: 'public',
    permission: 'any',
    status: 201,
    summary: 'Sign in as an operator',
    description:
      'Answers a session token (shown once; send it as Authorization: Bearer) and sets it as an HttpOnly, SameSite=Strict cookie for the console; state-changing requests with the cookie send csrfToken in X-CSRF-Token. Wrong credentials: 401 invalid_credentials; disabled: 403 account_disabled; too many failures: 429.',
    body: z.object({ username: z.string().trim().min(1).max(64), password }).strict(),
    response: z.object({
      token: z.string(),
      csrfToken: z.string(),
      expiresAt: z.date(),
      mustChangePassword: z.boolean(),
      operator: operatorView,
    }),
    handle: async ({ body, ctx }) => {
      const attempt = noteSignIn(ctx, body.username);
      const signedIn = await limitedVerify(
        ctx,
        deps.authLimiter,
        signInAttemptOf(ctx, body.username),
        () =>
          auth.signIn(body.username, body.password, {
            address: clientAddressOf(ctx),
            userAgent: ctx.get('user-agent'),
          }),
        tooManyFailures,
      );
      if (!signedIn) throw wrongPassword();
      attempt.operatorId = signedIn.operator.id;
      ctx.cookies.set(SESSION_COOKIE, signedIn.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: isSecureRequest(ctx),
        path: '/',
        expires: signedIn.session.expiresAt,
        overwrite: true,
      });
      return {
        token: signedIn.token,
        csrfToken: signedIn.csrfToken,
        expiresAt: signedIn.session.expiresAt,
        mustChangePassword: signedIn.operator.mustChangePassword,
        operator: signedIn.operator,
      };
    },
  });

  api.add({
    method: 'get',
    path: '/me',
    tag,
    permission: 'any',
    summary: 'Who the caller is: an operator (with role permissions) or an API key',
    response: z.object({
      kind: z.enum(['operator', 'api_key']),
      operator: operatorView.optional(),
      owner: z.string().optional(),
      admin: z.boolean(),
      permissions: z.array(z.string()),
      mustChangePassword: z.boolean(),
      csrfToken: z
        .string()
        .optional()
        .meta({ description: 'signed in with the session cookie: the token its state-changing requests send' }),
    }),
    handle: async ({ principal, ctx }) => {
      const operator = principal.operator && (await operators.get(principal.operator.id));
      return {
        kind: principal.operator ? ('operator' as const) : ('api_key' as const),
        ...(operator ? { operator } : {}),
        ...(principal.owner ? { owner: principal.owner } : {}),
        admin: principal.admin,
        permissions: principal.permissions ? [...principal.permissions] : [...ALL_PERMISSIONS],
        mustChangePassword: !!principal.mustChangePassword,
        ...(typeof ctx.state.csrfToken === 'string' ? { csrfToken: ctx.state.csrfToken } : {}),
      };
    },
  });

  api.add({
    method: 'put',
    path: '/me/password',
    tag,
    permission: 'any',
    summary: "Change one's own password (required after a generated or reset one)",
    description:
      'The new password needs at least 8 characters with upper- and lower-case letters and a digit (400 weak_password). Other sessions of the operator are signed out.',
    body: z.object({ currentPassword: password, newPassword: password }).strict(),
    response: okBody,
    handle: async ({ body, principal, ctx }) => {
      const me = operatorOf(principal);
      const ok = await limitedVerify(
        ctx,
        deps.authLimiter,
        signInAttemptOf(ctx, me.username),
        () => operators.authenticate(me.username, body.currentPassword),
        tooManyFailures,
      );
      if (!ok) throw new AppError(400, 'invalid_credentials', 'the current password is wrong');
      await operators.setPassword(me.id, body.newPassword);
      await sessions.revokeAll(me.id, principal.keyId);
      auth.changed();
      return { ok: true as const };
    },
  });

  api.add({
    method: 'get',
    path: '/sessions',
    tag,
    permission: 'any',
    summary: "The operator's live sessions (where and when they signed in)",
    response: z.object({ items: z.array(sessionView) }),
    handle: async ({ principal }) => {
      const me = operatorOf(principal);
      const items = await sessions.list(me.id);
      return { items: items.map(({ operatorId: _, ...s }) => ({ ...s, current: s.id === principal.keyId })) };
    },
  });

  api.add({
    method: 'delete',
    path: '/sessions/:id',
    tag,
    permission: 'any',
    summary: "Sign out one of one's sessions (`current`: this one, and its cookie)",
    params: idParam,
    response: okBody,
    handle: async ({ params, principal, ctx }) => {
      const me = operatorOf(principal);
      const id = params.id === 'current' ? principal.keyId : params.id;
      if (!(await sessions.revoke(id, me.id))) throw notFound('session');
      auth.changed();
      if (id === principal.keyId) ctx.cookies.set(SESSION_COOKIE, null, { path: '/', overwrite: true });
      return { ok: true as const };
    },
  });
}
