import { RobotService } from '../../src/bot/robot.service';
import { useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);

describe('RobotService', () => {
  let robots: RobotService;
  beforeAll(() => {
    robots = new RobotService(t.db.connection, {
      kind: 'service',
      token: 'default-secret-token',
      endpoint: 'puppet.local:8788',
    });
  });

  test('when a robot is created without puppet settings, then it gets the configured default', async () => {
    const r = await robots.create({ name: 'seed robot', owner: 'o1' });
    expect(r).toMatchObject({ puppetKind: 'service', status: 'created', desired: 'stopped' });
    expect(await robots.puppetSettings(r.id)).toEqual({
      kind: 'service',
      token: 'default-secret-token',
      endpoint: 'puppet.local:8788',
    });
  });

  test('when a robot is read or listed, then its puppet token never appears', async () => {
    const r = await robots.create({ name: 'secretive', owner: 'o2', puppet: { kind: 'service', token: 'own-token' } });
    expect(JSON.stringify(await robots.get(r.id))).not.toContain('own-token');
    expect(JSON.stringify(await robots.list({ owner: 'o2' }))).not.toContain('own-token');
    expect((await robots.puppetSettings(r.id))?.token).toBe('own-token');
  });

  test('when the status moves on, then the QR code is kept only while waiting for a scan', async () => {
    const r = await robots.create({ name: 'qr', owner: 'o3', puppet: { kind: 'mock' } });
    const qr = {
      payload: 'https://login/qr',
      dataUrl: 'data:image/png;base64,AAAA',
      expiresAt: new Date(Date.now() + 60_000),
    };
    await robots.setStatus(r.id, 'waiting_for_scan', { qr });
    expect((await robots.get(r.id))?.qr?.payload).toBe('https://login/qr');
    await robots.setStatus(r.id, 'logged_in', { wxId: 'wxid_1', wxName: 'Bot', qr: null });
    const after = await robots.get(r.id);
    expect(after).toMatchObject({ status: 'logged_in', wxId: 'wxid_1', wxName: 'Bot' });
    expect(after?.qr).toBeUndefined();
  });

  test('when ids are malformed or unknown, then reads return null and nothing is written', async () => {
    expect(await robots.get('../../etc')).toBeNull();
    expect(await robots.get('6740c0000000000000000000')).toBeNull();
    expect(await robots.update('{"$gt":""}', { name: 'x' })).toBeNull();
    expect(await robots.delete('nope')).toBe(false);
  });

  test('when robots are marked to run and one is pinned, then toRun and runPlans list exactly those with the pin', async () => {
    const a = await robots.create({ name: 'run-a', owner: 'o4', puppet: { kind: 'mock' } });
    const b = await robots.create({ name: 'run-b', owner: 'o4', puppet: { kind: 'mock' } });
    const c = await robots.create({ name: 'run-c', owner: 'o4', puppet: { kind: 'mock' } });
    await robots.setDesired(a.id, 'running');
    await robots.setDesired(c.id, 'running');
    expect(await robots.update(c.id, { pin: 'edge-2' })).toMatchObject({ pin: 'edge-2' });
    expect(await robots.toRun()).toEqual([{ id: a.id }, { id: c.id, pin: 'edge-2' }]);
    expect(await robots.runPlans([a.id, b.id, c.id, 'nope'])).toEqual(
      new Map([
        [a.id, {}],
        [c.id, { pin: 'edge-2' }],
      ]),
    );
    expect(await robots.update(c.id, { pin: null })).not.toHaveProperty('pin');
  });
});
