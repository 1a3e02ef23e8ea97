import { AppError } from '../../../http/errors';
import { Code, Seed004Error, type CodeValue } from './envelope';

/** The seed's password-rule text (code 305, as the seed answers modify_password). */
export const PASSWORD_RULE_MSG = '密码复杂度检查未通过,请检查最小长度为八位,包含大小写字母和数字';

/** qunbot's stable error codes in seed 004 terms: [code, msg]. */
const BY_CODE: Record<string, [CodeValue, string]> = {
  role_name_taken: [Code.roleNameTaken, '角色名已存在'],
  role_builtin: [Code.badForm, 'form 验证错误 (the built-in admin role cannot be changed)'],
  role_in_use: [Code.hasChildren, '含有子级数据,请先删除或转移子级数据 (users hold this role)'],
  username_taken: [Code.badForm, 'form 验证错误 (用户名已存在: that login_user is taken)'],
  script_group_name_taken: [Code.badForm, 'form 验证错误 (分组名称已存在: that groupName is taken)'],
  cannot_delete_self: [Code.notYourself, '不允许删除自己'],
  cannot_change_self: [
    Code.notYourself,
    '不允许修改自己的角色、公司或状态 (nobody changes their own role, company or status)',
  ],
  weak_password: [Code.notYourself, PASSWORD_RULE_MSG],
};

/**
 * Turns a refusal of qunbot's services (an AppError with its stable code) into the seed's code:
 * the codes above, a missing record 302, a permission or scope not held 404 非法请求, other bad
 * input 303. Anything else is no refusal and goes on (an internal error).
 */
export function seedRefusal(err: unknown): never {
  if (err instanceof AppError) {
    const known = BY_CODE[err.code];
    if (known) throw new Seed004Error(known[0], known[1]);
    if (err.status === 404) throw new Seed004Error(Code.noSuchId, '对应ID不存在');
    if (err.status === 403) throw new Seed004Error(Code.illegal, `非法请求 (${err.message})`);
    if (err.status === 400 || err.status === 409)
      throw new Seed004Error(Code.badForm, `form 验证错误 (${err.message})`);
  }
  throw err;
}

/** A form or JSON field as text (numbers too); undefined when absent or of another type. */
export const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined;

/** A numeric id of the path or a field, else 301 数据类型验证失败. */
export function numberOf(value: string | undefined, what: string): number {
  if (!value || !/^\d{1,12}$/.test(value))
    throw new Seed004Error(Code.badType, `数据类型验证失败 (${what} must be a number)`);
  return Number(value);
}

/** A required text field of at most `max` characters, else 303 form 验证错误. */
export function required(data: Record<string, unknown>, field: string, max: number): string {
  const v = text(data[field]);
  if (!v || v.length > max)
    throw new Seed004Error(Code.badForm, `form 验证错误 (${field} is required, at most ${max} characters)`);
  return v;
}

/** An optional text field of at most `max` characters (303 when longer or of another type). */
export function optional(data: Record<string, unknown>, field: string, max: number): string | undefined {
  if (data[field] === undefined || data[field] === null || data[field] === '') return undefined;
  const v = text(data[field]);
  if (v === undefined || v.length > max)
    throw new Seed004Error(Code.badForm, `form 验证错误 (${field}: text of at most ${max} characters)`);
  return v;
}
