import { wallText } from '../../../lib/wall-clock';
import { AppError } from '../../../http/errors';
import { ungranted } from '../../../http/principal';
import { passwordProblem } from '../../../auth/password-rule';
import { limitedVerify, signInAttemptOf } from '../../middleware/auth-limit';
import { clientAddressOf } from '../../middleware/client-address';
import { noteSignIn } from '../../v1/audit';
import { answer, Code, illegal, Seed004Error } from './envelope';
import type { Seed004Deps, Seed004Endpoint, Seed004OpenEndpoint } from './router';
import { seed004TokenOf } from './signature';

/** `YYYY-MM-DD HH:mm:ss` in the configured time zone, as the seed shows dates; '' for none. */
export const seedDate = (at: Date | undefined, timeZone: string): string => (at ? wallText(at, timeZone) : '');

const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

const PASSWORD_RULE_MSG = '密码复杂度检查未通过,请检查最小长度为八位,包含大小写字母和数字';

/** Seed 004 1.0 login, 1.1 modify_password, 1.2 login_rules, 1.3 / 5.5 update_status. */
export function accountEndpoints(deps: Seed004Deps): (Seed004Endpoint | Seed004OpenEndpoint)[] {
  const { auth, operators, roles, sessions } = deps.people;

  const updateStatus: Seed004Endpoint['handle'] = async ({ data, principal, operator, id }) => {
    const status = text(data.status);
    if (status !== '1' && status !== '2')
      throw new Seed004Error(Code.badType, '数据类型验证失败 (status: 1 启用 or 2 未启用)');
    const target = /^\d{1,12}$/.test(id) ? await operators.byNumber(Number(id)) : null;
    if (!target || !(principal.admin || (target.owner !== undefined && target.owner === principal.owner)))
      throw new Seed004Error(Code.noSuchId, '对应ID不存在 (no such user)');
    if (target.id === operator.id)
      throw new Seed004Error(Code.notYourself, '不允许修改自己的状态 (nobody changes their own status)');
    // Nobody acts on a user holding more than they do (as in the native API).
    const role = await roles.get(target.roleId);
    if (role && ungranted(principal, role.permissions).length > 0)
      throw illegal('the user holds permissions you do not');
    await operators.update(target.id, { enabled: status === '1' });
    if (status === '2') await sessions.revokeAll(target.id);
    auth.changed();
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
        const username = text(data.username)?.trim();
        const password = text(data.password);
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
        return answer(Code.ok, '登录成功', {
          token,
          user_id: operator.number,
          set_avatar: '',
          company_name: operator.owner ?? '',
          company_id: 0,
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
        const p1 = text(data.password1);
        const p2 = text(data.password2);
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
