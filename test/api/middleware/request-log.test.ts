import Koa from 'koa';
import request from 'supertest';
import { requestLog } from '../../../src/api/middleware/request-log';
import { memoryLog } from '../../support/logger';

describe('request log', () => {
  test.each([
    [200, 30],
    [404, 30],
    [401, 20],
    [429, 20],
    [500, 50],
  ])('when a request is answered %i, then its line is logged at level %i', async (status, level) => {
    const logs = memoryLog('debug');
    const app = new Koa();
    app.use(requestLog(logs.log));
    app.use((ctx) => {
      ctx.status = status;
      ctx.body = { status };
    });
    await request(app.callback()).get('/x');
    expect(logs.lines.map((l) => [l.msg, l.level, l.status])).toEqual([['request', level, status]]);
  });
});
