/**
 * The WeChat side of bench/fleet, in a process of its own (so its work is not charged to
 * qunbot's heap or event loop): `robots` puppet-service servers, each a PuppetMock whose account
 * has `rooms` rooms of `members` people and logs in when a client connects. Talks JSON lines:
 * prints {"ready":[{token,endpoint}]} once serving; reads {"load":{robots,perSec,seconds}} (room
 * messages to the first `robots` accounts at `perSec` in total; answers {"loaded":n}),
 * {"expect":n} (answers {"received":n,"at":ms,"first":ms} once the accounts together received n
 * sends) and {"quit":true}.
 */
import { randomUUID } from 'node:crypto';
import readline from 'node:readline';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { PuppetServer } from 'wechaty-puppet-service';
import { freePort } from '../../src/lib/free-port';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROBOTS = arg('robots', 1000);
const ROOMS = arg('rooms', 10);
const MEMBERS = arg('members', 20);

const received: number[] = [];
let expected: number | undefined;
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const check = () => {
  if (expected !== undefined && received.length >= expected) {
    say({ received: received.length, first: received[0], at: received[expected - 1] });
    expected = undefined;
  }
};

/** A mock that counts what the robot sends (the stock one keeps nothing). */
class CountingMock extends PuppetMock {
  override async messageSendText(conversationId: string, text: string): Promise<void> {
    received.push(Date.now());
    check();
    void conversationId;
    void text;
  }
}

interface Account {
  token: string;
  endpoint: string;
  mocker: mock.Mocker;
  rooms: { room: mock.RoomMock; talker: mock.ContactMock }[];
}

async function main() {
  process.setMaxListeners(ROBOTS * 2 + 20);
  const accounts: Account[] = [];
  const servers: PuppetServer[] = [];
  // One after another: each takes a free port and binds it before the next asks for one.
  for (let i = 0; i < ROBOTS; i++) {
    const mocker = new mock.Mocker();
    const user = mocker.createContact({ name: `fleet ${i}` });
    const rooms = Array.from({ length: ROOMS }, (_, r) => {
      const people = mocker.createContacts(MEMBERS);
      const room = mocker.createRoom({ topic: `room ${i}-${r}`, memberIdList: [user.id, ...people.map((p) => p.id)] });
      return { room, talker: people[0] as mock.ContactMock };
    });
    const puppet = new CountingMock({ mocker });
    // Each client that connects finds the account logged in (a session the service keeps).
    mocker.use((m) => {
      setImmediate(() => {
        if (!puppet.isLoggedIn) m.login(user);
      });
      return () => undefined;
    });
    // A real service sends heartbeats; without them the clients' watchdogs reset quiet streams after a minute.
    setInterval(() => puppet.emit('heartbeat', { data: 'farm heartbeat' }), 15_000).unref();
    const token = `insecure_${randomUUID()}`;
    const endpoint = `127.0.0.1:${await freePort()}`;
    const server = new PuppetServer({ endpoint, token, puppet, tls: { disable: true } } as never);
    await server.start();
    servers.push(server);
    accounts.push({ token, endpoint, mocker, rooms });
  }
  say({ ready: accounts.map(({ token, endpoint }) => ({ token, endpoint })) });

  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const cmd = JSON.parse(line) as {
      load?: { robots: number; perSec: number; seconds: number };
      expect?: number;
      quit?: boolean;
    };
    if (cmd.load) {
      const { robots, perSec, seconds } = cmd.load;
      const total = perSec * seconds;
      const start = Date.now();
      for (let n = 0; n < total; n++) {
        const wait = start + (n * 1000) / perSec - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const a = accounts[n % robots] as Account;
        const { room, talker } = a.rooms[Math.floor(n / robots) % a.rooms.length] as Account['rooms'][number];
        talker.say(`load ${n}`).to(room);
      }
      say({ loaded: total });
    }
    if (cmd.expect !== undefined) {
      expected = cmd.expect;
      check();
    }
    if (cmd.quit) break;
  }
  await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`farm failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
