import { createHash } from 'node:crypto';
import request from 'supertest';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** A seed 004 client of one qunbot: login as the seed's clients do, and signed queries. */
export function seed004Client(url: () => string, prefix = '/zhugeleida/admin') {
  const api = () => request(url());
  /** A fresh millisecond timestamp for each request (two requests within one ms would sign alike: a replay). */
  let lastStamp = 0;
  const nextStamp = () => String((lastStamp = Math.max(Date.now(), lastStamp + 1)));
  /** The seed's common query part: user_id, timestamp (ms) and rand_str = md5(timestamp + token). */
  const signed = (userId: number, token: string, timestamp = nextStamp()) =>
    `user_id=${userId}&timestamp=${timestamp}&rand_str=${md5(timestamp + token)}`;
  /** The seed's login: a form POST (its clients post forms). */
  const login = (username: string, password: string) =>
    api().post(`${prefix}/login`).type('form').send({ username, password });
  /** A signed-in user: form POSTs and GETs under the prefix, signed. */
  const as = (user: { userId: number; token: string }) => ({
    post: (path: string, form: Record<string, unknown> = {}) =>
      api()
        .post(`${prefix}/${path}${path.includes('?') ? '&' : '?'}${signed(user.userId, user.token)}`)
        .type('form')
        .send(form as Record<string, string>),
    postJson: (path: string, body: Record<string, unknown>) =>
      api()
        .post(`${prefix}/${path}?${signed(user.userId, user.token)}`)
        .send(body),
    get: (path: string) =>
      api().get(`${prefix}/${path}${path.includes('?') ? '&' : '?'}${signed(user.userId, user.token)}`),
  });
  /** Logs in and answers the signed-in user (the login must succeed). */
  const signIn = async (username: string, password: string) => {
    const res = await login(username, password);
    if (res.body.code !== 200) throw new Error(`login ${username}: ${JSON.stringify(res.body)}`);
    return { userId: res.body.data.user_id as number, token: res.body.data.token as string, data: res.body.data };
  };
  return { api, signed, login, as, signIn };
}
