import { wallText } from '../../../lib/wall-clock';
import { AppError } from '../../../http/errors';
import type { OperatorService } from '../../../auth/operator.service';
import { passwordProblem } from '../../../auth/password-rule';
import { limitedVerify, signInAttemptOf } from '../../middleware/auth-limit';
import { clientAddressOf } from '../../middleware/client-address';
import { noteSignIn } from '../../v1/audit';
import { OperatorAdmin } from '../../v1/operator-admin';
import { answer, Code, Seed004Error } from './envelope';
import type { Seed004Deps, Seed004Endpoint, Seed004OpenEndpoint } from './router';
import { PASSWORD_RULE_MSG, seedRefusal } from './refusals';
import { seed004TokenOf } from './signature';

/** `YYYY-MM-DD HH:mm:ss` in the configured time zone, as the seed shows dates; '' for none. */
export const seedDate = (at: Date | undefined, timeZone: string): string => (at ? wallText(at, timeZone) : '');

/** The user numbered by the path's id (seed user_id), or null. */
export const userOf = async (operators: Pick<OperatorService, 'byNumber'>, id: string) =>
  /^\d{1,12}$/.test(id) ? operators.byNumber(Number(id)) : null;

/** Passwords are taken as sent (no trimming: spaces count). */
const raw = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** Seed 004 1.0 login, 1.1 modify_password, 1.2 login_rules, 1.3 / 5.5 update_status. */
export function accountEndpoints(deps: Seed004Deps): (Seed004Endpoint | Seed004OpenEndpoint)[] {
  const { auth, operators, roles, sessions, companies } = deps.people;

  const admin = new OperatorAdmin(deps.people);

  const updateStatus: Seed004Endpoint['handle'] = async ({ data, principal, id }) => {
    const status = raw(data.status)?.trim();
    if (status !== '1' && status !== '2')
      throw new Seed004Error(Code.badType, '数据类型验证失败 (status: 1 启用 or 2 未启用)');
    // The native API's rules: own scope, nobody holding more than the caller, never oneself.
    const target = await admin.managed(principal, await userOf(operators, id)).catch(seedRefusal);
    await admin.update(principal, target, { enabled: status === '1' }).catch(seedRefusal);
    return answer(Code.ok, '修改成功');
  };

  return [
    {
      method: 'post',
      path: '/login',
      open: true,
      handle: async ({
        ctx,
        data,
      }: {
        ctx: Parameters<Seed004OpenEndpoint['handle']>[0]['ctx'];
        data: Record<string, unknown>;
      }) => {
        const username = raw(data.username)?.trim();
        const password = raw(data.password);
        if (!username || !password || username.length > 64 || password.length > 200)
          throw new Seed004Error(Code.badForm, 'form 验证错误 (username and password are required)');
        const attempt = noteSignIn(ctx, username);
        const signedIn = await limitedVerify(
          ctx,
          deps.authLimiter,
          signInAttemptOf(ctx, username),
          async () => {
            try {
              return await auth.signIn(
                username,
                password,
                { address: clientAddressOf(ctx), userAgent: ctx.get('user-agent') },
                (sessionId) => seed004TokenOf(deps.tokenKey, sessionId),
              );
            } catch (err) {
              if (err instanceof AppError && err.code === 'account_disabled')
                throw new Seed004Error(Code.disabled, '账户未启用');
              throw err;
            }
          },
          (retryAfterSec) =>
            new Seed004Error(Code.wrongPassword, `账号密码错误 (too many failures: retry in ${retryAfterSec} s)`),
        );
        if (!signedIn) throw new Seed004Error(Code.wrongPassword, '账号密码错误');
        const { operator, token } = signedIn;
        attempt.operatorId = operator.id;
        const role = await roles.get(operator.roleId);
        const company = operator.owner === undefined ? undefined : await companies.ofOwner(operator.owner);
        return answer(Code.ok, '登录成功', {
          token,
          user_id: operator.number,
          set_avatar: '',
          // An operator of every owner belongs to no one company: 0 and ''.
          company_name: company?.name ?? '',
          company_id: company?.number ?? 0,
          role_id: role?.number ?? 0,
          role_name: role?.name ?? '',
          avatar: '',
          last_login_date: seedDate(operator.lastLoginAt, deps.timeZone),
          is_reset_password: !operator.mustChangePassword,
        });
      },
    },
    {
      method: 'post',
      path: '/modify_password',
      handle: async ({ data, operator, principal }: Parameters<Seed004Endpoint['handle']>[0]) => {
        const p1 = raw(data.password1);
        const p2 = raw(data.password2);
        if (!p1 || !p2) throw new Seed004Error(Code.badForm, 'form 验证错误 (password1 and password2 are required)');
        if (p1 !== p2)
          throw new Seed004Error(Code.badForm, 'form 验证错误 (两次输入的密码不一致: the passwords differ)');
        if (passwordProblem(p1)) throw new Seed004Error(Code.notYourself, PASSWORD_RULE_MSG);
        await operators.setPassword(operator.id, p1);
        // As natively: the operator's other sessions end, this one goes on.
        await sessions.revokeAll(operator.id, principal.keyId);
        auth.changed();
        return answer(Code.ok, '修改密码成功');
      },
    },
    {
      method: 'get',
      path: '/login_rules',
      handle: async ({ principal }) => answer(Code.ok, '', { rules_list: [...(principal.permissions ?? [])] }),
    },
    { method: 'post', path: '/user/update_status/:id', permission: 'operators.manage', handle: updateStatus },
    {
      method: 'post',
      path: '/admin_userprofile/update_status/:id',
      permission: 'operators.manage',
      handle: updateStatus,
    },
  ];
}
