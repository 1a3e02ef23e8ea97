import { z } from 'zod';
import { notFound } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import { PERMISSION_TREE, type Permission } from '../../http/permissions';
import type { Principal } from '../../http/principal';
import { ownerFilter } from '../../http/access';
import { idParam, nameText, okBody, ownerName, recordId } from '../../http/schemas';
import { USERNAME_PATTERN, USERNAME_RULE } from '../../auth/operator.service';
import { OperatorAdmin } from './operator-admin';
import { checkGrant, type People } from './people';
import { operatorView } from './sessions.endpoints';

const username = z.string().regex(USERNAME_PATTERN, USERNAME_RULE);
const newPassword = z.string().min(1).max(200);
const permissionKey = z.string().refine((k) => PERMISSION_TREE.some((g) => g.children.some((c) => c.key === k)), {
  message: 'not a permission of the tree (GET /api/v1/permissions)',
});

const roleView = z
  .object({
    id: z.string(),
    number: z.number().int().meta({ description: '1, 2, 3... (the seed 004 role_id)' }),
    name: z.string(),
    description: z.string().optional(),
    permissions: z.array(z.string()),
    builtIn: z.boolean(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'Role' });

/** Operator accounts (seed 004 用户) and roles (角色), and the permission tree (权限). */
export function operatorEndpoints(api: EndpointRouter, people: People): void {
  const { operators, roles, auth } = people;

  const admin = new OperatorAdmin(people);
  const managed = async (p: Principal, id: string) => admin.managed(p, await operators.get(id));

  api.add({
    method: 'get',
    path: '/permissions',
    tag: 'roles',
    permission: 'any',
    summary: 'The permission tree (groups of permission keys that roles hold)',
    response: z.object({
      items: z.array(
        z.object({
          key: z.string(),
          name: z.string(),
          children: z.array(z.object({ key: z.string(), name: z.string() })),
        }),
      ),
    }),
    handle: async () => ({ items: PERMISSION_TREE.map((g) => ({ ...g, children: [...g.children] })) }),
  });

  api.add({
    method: 'get',
    path: '/roles',
    tag: 'roles',
    permission: 'any',
    summary: 'Roles and the permissions each holds',
    response: z.object({ items: z.array(roleView) }),
    handle: async () => ({ items: await roles.list() }),
  });

  const roleBody = z.object({
    name: nameText(64),
    description: z.string().trim().max(200).optional(),
    permissions: z.array(permissionKey).max(100),
  });

  api.add({
    method: 'post',
    path: '/roles',
    tag: 'roles',
    permission: 'roles.manage',
    access: 'admin',
    status: 201,
    summary: 'Create a role (only with permissions the caller holds)',
    body: roleBody.strict(),
    response: roleView,
    handle: async ({ body, principal }) => {
      checkGrant(principal, body.permissions as Permission[]);
      const made = await roles.create({ ...body, permissions: body.permissions as Permission[] });
      return made;
    },
  });

  api.add({
    method: 'patch',
    path: '/roles/:id',
    tag: 'roles',
    permission: 'roles.manage',
    access: 'admin',
    summary: 'Change a role (the built-in admin role cannot be changed: 409 role_builtin)',
    params: idParam,
    body: roleBody
      .partial()
      .strict()
      .refine((b) => Object.keys(b).length > 0, 'send at least one field'),
    response: roleView,
    handle: async ({ params, body, principal }) => {
      const role = await roles.get(params.id);
      if (!role) throw notFound('role');
      checkGrant(principal, role.permissions);
      if (body.permissions) checkGrant(principal, body.permissions as Permission[]);
      const changed = await roles.update(params.id, body as { permissions?: Permission[] });
      auth.changed();
      return changed;
    },
  });

  api.add({
    method: 'delete',
    path: '/roles/:id',
    tag: 'roles',
    permission: 'roles.manage',
    access: 'admin',
    summary: 'Delete a role no operator holds (409 role_in_use, role_builtin)',
    params: idParam,
    response: okBody,
    handle: async ({ params, principal }) => {
      const role = await roles.get(params.id);
      if (!role) throw notFound('role');
      checkGrant(principal, role.permissions);
      await roles.delete(params.id);
      return { ok: true as const };
    },
  });

  api.add({
    method: 'get',
    path: '/operators',
    tag: 'operators',
    permission: 'operators.manage',
    summary: 'Operator accounts (an owner-limited caller sees its owner’s)',
    query: z.object({ owner: ownerName.optional() }),
    response: z.object({ items: z.array(operatorView) }),
    handle: async ({ query, principal }) => ({
      items: await operators.list({ owner: ownerFilter(principal, query.owner) }),
    }),
  });

  api.add({
    method: 'post',
    path: '/operators',
    tag: 'operators',
    permission: 'operators.manage',
    status: 201,
    summary: 'Create an operator; without a password one is generated, shown once and changed at first sign-in',
    body: z
      .object({
        username,
        displayName: nameText(64).optional(),
        position: nameText(64).optional(),
        roleId: recordId,
        owner: ownerName.optional().meta({ description: "absent: every owner's robots (admin callers only)" }),
        password: newPassword.optional(),
      })
      .strict(),
    response: z.object({
      operator: operatorView,
      password: z.string().optional().meta({ description: 'the generated password, shown only now' }),
    }),
    handle: async ({ body, principal }) => admin.create(principal, body),
  });

  api.add({
    method: 'get',
    path: '/operators/:id',
    tag: 'operators',
    permission: 'operators.manage',
    summary: 'One operator',
    params: idParam,
    response: operatorView,
    handle: async ({ params, principal }) => managed(principal, params.id),
  });

  api.add({
    method: 'patch',
    path: '/operators/:id',
    tag: 'operators',
    permission: 'operators.manage',
    summary: 'Change an operator: name, role, owner scope, enabled (disabling signs them out)',
    description: 'Nobody changes their own role, scope or enabled flag (409 cannot_change_self).',
    params: idParam,
    body: z
      .object({
        displayName: nameText(64).optional(),
        position: nameText(64).optional(),
        roleId: recordId.optional(),
        owner: ownerName.nullable().optional().meta({ description: 'null: every owner (admin callers only)' }),
        enabled: z.boolean().optional(),
      })
      .strict()
      .refine((b) => Object.keys(b).length > 0, 'send at least one field'),
    response: operatorView,
    handle: async ({ params, body, principal }) => admin.update(principal, await managed(principal, params.id), body),
  });

  api.add({
    method: 'delete',
    path: '/operators/:id',
    tag: 'operators',
    permission: 'operators.manage',
    summary: 'Delete an operator (not oneself: 409 cannot_delete_self); their sessions end',
    params: idParam,
    response: okBody,
    handle: async ({ params, principal }) => {
      await admin.remove(principal, await managed(principal, params.id));
      return { ok: true as const };
    },
  });

  api.add({
    method: 'post',
    path: '/operators/:id/reset-password',
    tag: 'operators',
    permission: 'operators.manage',
    summary: "Reset an operator's password: a generated one, shown once, to be changed at the next sign-in",
    params: idParam,
    response: z.object({ password: z.string() }),
    handle: async ({ params, principal }) => ({
      password: await admin.resetPassword(principal, await managed(principal, params.id)),
    }),
  });
}
