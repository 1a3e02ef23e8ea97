import { randomUUID } from 'node:crypto';
import { PuppetServer } from 'wechaty-puppet-service';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { freePort } from '../../src/lib/free-port';

/** What the robot sent, as the mock WeChat side received it. */
export interface Received {
  conversationId: string;
  kind: 'text' | 'file' | 'url' | 'miniprogram';
  text?: string;
  mentionIds?: string[];
  payload?: unknown;
  messageId: string;
}

/**
 * PuppetMock that records every send and returns a message id for it (the stock mock returns
 * none; puppet-service passes the id to the client, hence the casts: the mock's methods are typed
 * as returning void). Text still goes through the mock, so room listeners see it too.
 */
export class RecordingPuppetMock extends PuppetMock {
  readonly received: Received[] = [];
  private readonly waiters: { count: number; resolve: (r: Received[]) => void }[] = [];

  /**
   * The puppet-service clients (qunbot processes) whose event streams are connected to this
   * account now, the most ever connected at once, and when each connected. The server attaches
   * one `dong` listener per event stream (and refuses a second stream while one is open).
   */
  streamsOpen = 0;
  maxStreamsOpen = 0;
  readonly streamOpenedAt: number[] = [];
  private readonly streamWaiters: { count: number; resolve: () => void }[] = [];

  constructor(...args: ConstructorParameters<typeof PuppetMock>) {
    super(...args);
    const emitter = this as unknown as NodeJS.EventEmitter;
    emitter.on('newListener', (name: string) => {
      if (name !== 'dong') return;
      this.streamsOpen++;
      this.maxStreamsOpen = Math.max(this.maxStreamsOpen, this.streamsOpen);
      this.streamOpenedAt.push(Date.now());
      for (const w of [...this.streamWaiters])
        if (this.streamOpenedAt.length >= w.count) {
          this.streamWaiters.splice(this.streamWaiters.indexOf(w), 1);
          w.resolve();
        }
    });
    emitter.on('removeListener', (name: string) => {
      if (name === 'dong') this.streamsOpen--;
    });
  }

  /** Resolves once at least `count` event streams have connected in total. */
  streamsOpened(count: number): Promise<void> {
    if (this.streamOpenedAt.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.streamWaiters.push({ count, resolve }));
  }

  private record(r: Omit<Received, 'messageId'>): string {
    const messageId = `sent-${this.received.length + 1}`;
    this.received.push({ ...r, messageId });
    // Register the payload so the client can load the sent message by its id.
    const payload = {
      id: messageId,
      talkerId: this.currentUserId,
      ...(r.conversationId.includes('@') ? { roomId: r.conversationId } : { listenerId: r.conversationId }),
      text: r.text ?? '',
      timestamp: Date.now(),
      type: r.kind === 'text' ? 7 : 6,
    };
    this.mocker.cacheMessagePayload.set(
      messageId,
      payload as unknown as Parameters<typeof this.mocker.cacheMessagePayload.set>[1],
    );
    for (const w of [...this.waiters]) {
      if (this.received.length >= w.count) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(this.received.slice(0, w.count));
      }
    }
    return messageId;
  }

  /** Resolves once at least `count` sends have been received in total. */
  receivedCount(count: number): Promise<Received[]> {
    if (this.received.length >= count) return Promise.resolve(this.received.slice(0, count));
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Opt-in: recalls succeed and are recorded. Off by default, like the stock mock (which refuses every recall). */
  recallable = false;
  readonly recalled: string[] = [];

  override async messageRecall(messageId: string): Promise<boolean> {
    if (!this.recallable) return super.messageRecall(messageId);
    this.recalled.push(messageId);
    return true;
  }

  /** Friend requests and room invitations sent to the robot (askFriend, inviteToRoom), by id. */
  private readonly requests = new Map<string, Record<string, unknown>>();
  /** Ids of the friend requests and room invitations the robot accepted. */
  readonly accepted: string[] = [];

  /** `contactId` asks to be the robot's friend (the stock mock cannot); answers the request's id. */
  askFriend(contactId: string, hello: string): string {
    const id = `friendship-${randomUUID()}`;
    this.requests.set(id, { id, contactId, hello, type: 2, timestamp: Math.floor(Date.now() / 1000) });
    this.emit('friendship', { friendshipId: id });
    return id;
  }

  /** `inviterId` invites the robot into a room (the stock mock cannot); answers the invitation's id. */
  inviteToRoom(inviterId: string, topic: string): string {
    const id = `invitation-${randomUUID()}`;
    this.requests.set(id, {
      id,
      inviterId,
      topic,
      avatar: '',
      invitation: '',
      memberCount: 3,
      memberIdList: [],
      timestamp: Math.floor(Date.now() / 1000),
      receiverId: this.currentUserId,
    });
    this.emit('room-invite', { roomInvitationId: id });
    return id;
  }

  override async friendshipRawPayload(id: string): Promise<never> {
    return (this.requests.get(id) ?? (await super.friendshipRawPayload(id))) as never;
  }

  override async friendshipAccept(id: string): Promise<void> {
    this.accepted.push(id);
  }

  override async roomInvitationRawPayload(id: string): Promise<never> {
    return (this.requests.get(id) ?? (await super.roomInvitationRawPayload(id))) as never;
  }

  override async roomInvitationAccept(id: string): Promise<void> {
    this.accepted.push(id);
  }

  /** Rooms the robot left (the stock mock only logs a quit). */
  readonly quitRooms: string[] = [];

  override async roomQuit(roomId: string): Promise<void> {
    this.quitRooms.push(roomId);
  }

  override async messageSendText(conversationId: string, text: string, mentionIdList?: string[]): Promise<void> {
    await super.messageSendText(conversationId, text);
    return this.record({
      conversationId,
      kind: 'text',
      text,
      ...(mentionIdList?.length ? { mentionIds: mentionIdList } : {}),
    }) as unknown as void;
  }

  override async messageSendFile(
    conversationId: string,
    file: Parameters<PuppetMock['messageSendFile']>[1],
  ): Promise<void> {
    return this.record({
      conversationId,
      kind: 'file',
      payload: file.toJSON ? file.toJSON() : String(file),
    }) as unknown as void;
  }

  override async messageSendUrl(
    conversationId: string,
    payload: Parameters<PuppetMock['messageSendUrl']>[1],
  ): Promise<void> {
    return this.record({ conversationId, kind: 'url', payload }) as unknown as void;
  }

  override async messageSendMiniProgram(
    conversationId: string,
    payload: Parameters<PuppetMock['messageSendMiniProgram']>[1],
  ): Promise<void> {
    return this.record({ conversationId, kind: 'miniprogram', payload }) as unknown as void;
  }
}

/** A puppet-service gRPC server on 127.0.0.1 backed by a recording PuppetMock. */
export interface MockService {
  endpoint: string;
  token: string;
  mocker: mock.Mocker;
  puppet: RecordingPuppetMock;
  /** The robot's own contact (log in with `mocker.login(user)`). */
  user: mock.ContactMock;
  /** Stops the gRPC server and starts a new one on the same endpoint over the same puppet. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Like a real puppet service, the session survives its clients: when a client stops (the puppet
 * is stopped) and a new one connects, a user who was logged in is logged in again.
 */
export async function startMockService(
  userName = 'QunBot',
  opts: {
    /** Like a real service, show a login QR code when a client starts and no session is there. */
    qrWithoutSession?: boolean;
  } = {},
): Promise<MockService> {
  const mocker = new mock.Mocker();
  const puppet = new RecordingPuppetMock({ mocker });
  let session: string | undefined;
  puppet.on('login', ({ contactId }) => {
    session = contactId;
  });
  puppet.on('logout', ({ data }) => {
    // Stopping the puppet (a client went away) is not a WeChat logout: the session stays.
    if (data !== 'puppet stop()') session = undefined;
  });
  mocker.use((m) => {
    if (session) {
      const id = session;
      setImmediate(() => m.login(m.ContactMock.load(id)));
    } else if (opts.qrWithoutSession) {
      setImmediate(() => m.scan(`https://login.weixin.qq.com/l/mock-${randomUUID()}`));
    }
    return () => undefined;
  });
  const token = `insecure_${randomUUID()}`;
  const endpoint = `127.0.0.1:${await freePort()}`;
  const serve = async () => {
    const s = new PuppetServer({ endpoint, puppet, token, tls: { disable: true } } as ConstructorParameters<
      typeof PuppetServer
    >[0]);
    await s.start();
    return s;
  };
  let server = await serve();
  const user = mocker.createContact({ name: userName });
  const restart = async () => {
    await server.stop();
    server = await serve();
  };
  return { endpoint, token, mocker, puppet, user, restart, stop: () => server.stop() };
}

/** Rooms with the robot's user and `members` other people each. */
export function createRooms(
  svc: Pick<MockService, 'mocker' | 'user'>,
  count: number,
  members: number,
  topic = (i: number) => `Group ${i}`,
) {
  return Array.from({ length: count }, (_, i) => {
    const people = svc.mocker.createContacts(members);
    const room = svc.mocker.createRoom({
      topic: topic(i),
      memberIdList: [svc.user.id, ...people.map((p) => p.id)],
      ownerId: people[0]?.id,
    });
    return { room, people };
  });
}
