import type { mock } from 'wechaty-puppet-mock';

export interface DemoWorldOptions {
  rooms?: number;
  membersPerRoom?: number;
  /** Milliseconds between chat lines (someone in some room says something). */
  chatEveryMs?: number;
  /** Milliseconds from start to the QR code, and from the QR code to the login. */
  scanAfterMs?: number;
  loginAfterMs?: number;
}

const LINES = [
  '大家好',
  '今天有什么优惠？',
  '签到',
  '请问怎么下单',
  '谢谢群主',
  'ping',
  '@小助手 在吗',
  '明天几点发货',
  '好的收到',
];
const TOPICS = ['粉丝福利群', '团购交流群', '新品体验群', '会员服务群'];

/**
 * A simulated WeChat for `mock` robots (the demo, and anyone trying qunbot without an account):
 * shows a login QR code, logs in, and has members chatting and joining in a few rooms.
 */
export function demoWorld(opts: DemoWorldOptions = {}): mock.EnvironmentMock {
  const { rooms = 3, membersPerRoom = 6, chatEveryMs = 4000, scanAfterMs = 500, loginAfterMs = 3000 } = opts;
  return (mocker) => {
    const timers: NodeJS.Timeout[] = [];
    const user = mocker.createContact({ name: '小助手' });
    const world = Array.from({ length: rooms }, (_, i) => {
      const people = mocker.createContacts(membersPerRoom);
      const room = mocker.createRoom({
        topic: TOPICS[i % TOPICS.length],
        memberIdList: [user.id, ...people.map((p) => p.id)],
        ownerId: people[0].id,
      });
      return { room, people };
    });
    let n = 0;
    timers.push(
      setTimeout(() => {
        mocker.scan(`https://login.weixin.qq.com/l/qunbot-demo-${Date.now()}`, 2);
        timers.push(
          setTimeout(() => {
            mocker.login(user);
            timers.push(
              setInterval(() => {
                n++;
                const { room, people } = world[n % world.length];
                if (n % 7 === 0) {
                  room.add(mocker.createContact()).by(people[0]);
                  return;
                }
                const line = LINES[n % LINES.length];
                people[n % people.length].say(line, line.includes('@小助手') ? [user] : []).to(room);
              }, chatEveryMs),
            );
          }, loginAfterMs),
        );
      }, scanAfterMs),
    );
    return () => timers.forEach((t) => clearTimeout(t));
  };
}
