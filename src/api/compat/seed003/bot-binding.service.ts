import type { RobotManager } from '../../../bot/robot-manager';
import type { RobotService } from '../../../bot/robot.service';
import { isDuplicateKey } from '../../../db/errors';
import type { Db, Model } from '../../../db/types';
import { bindingModel, type BindingDoc } from './bot-binding.model';
import type { Seed003Channel } from './channels';

/**
 * `botcode` → robot, per channel. The rule: `login` with a botcode the channel has not bound yet
 * binds the channel owner's robot whose `username` is that botcode (so an operator may prepare
 * one through the native API, e.g. with its own puppet settings), or else creates one for the
 * owner with the default puppet (name and username = botcode). Every other interface answers
 * 3001 for an unbound botcode. A binding whose robot was deleted is dropped.
 */
export class BotBindings {
  private readonly Binding: Model<BindingDoc>;
  private ready: Promise<unknown> | undefined;

  constructor(
    conn: Db,
    private readonly deps: {
      robots: Pick<RobotService, 'get' | 'list'>;
      manager: Pick<RobotManager, 'create' | 'delete'>;
      now: () => number;
    },
  ) {
    this.Binding = bindingModel(conn);
  }

  private init(): Promise<unknown> {
    this.ready ??= this.Binding.init().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /** The robot bound to the botcode, or null. */
  async find(chid: string, botcode: string): Promise<string | null> {
    const b = await this.Binding.findOne({ chid, botcode }).lean();
    if (!b) return null;
    if (await this.deps.robots.get(b.robotId)) return b.robotId;
    await this.Binding.deleteOne({ _id: b._id });
    return null;
  }

  /** The bound robot, binding (and if needed creating) it first. */
  async ensure(channel: Seed003Channel, botcode: string): Promise<{ robotId: string; created: boolean }> {
    await this.init();
    for (let attempt = 0; ; attempt++) {
      const bound = await this.find(channel.chid, botcode);
      if (bound) return { robotId: bound, created: false };
      const existing = (await this.deps.robots.list({ owner: channel.owner })).find((r) => r.username === botcode);
      const robot =
        existing ?? (await this.deps.manager.create({ name: botcode, owner: channel.owner, username: botcode }));
      try {
        await this.Binding.create({
          chid: channel.chid,
          botcode,
          robotId: robot.id,
          createdAt: new Date(this.deps.now()),
        });
        return { robotId: robot.id, created: !existing };
      } catch (err) {
        if (!isDuplicateKey(err) || attempt >= 2) throw err;
        // Another login bound the botcode first: drop the robot made for this one, use theirs.
        if (!existing) await this.deps.manager.delete(robot.id);
      }
    }
  }

  /**
   * The seed: a botcode "跟微信号一一对应" (one botcode, one WeChat account). The first account a
   * botcode's robot logs in as becomes the botcode's; false when the botcode already stands for
   * another account, or the account already has another botcode of the channel.
   */
  async claimAccount(chid: string, botcode: string, wxId: string): Promise<boolean> {
    await this.init();
    try {
      const r = await this.Binding.updateOne(
        { chid, botcode, $or: [{ wxId: { $exists: false } }, { wxId }] },
        { $set: { wxId } },
      );
      return r.matchedCount === 1;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** The (channel, botcode) pairs bound to a robot (notifications go to each channel). */
  async of(robotId: string): Promise<{ chid: string; botcode: string }[]> {
    const docs = await this.Binding.find({ robotId }).lean();
    return docs.map((d) => ({ chid: d.chid, botcode: d.botcode }));
  }
}
