import type { Db } from '../../db/types';
import type { Clock } from '../core/clock';
import { robotCommandModel, type RobotCommandDoc, type RobotCommandKind } from './robot-command.model';

/** A command claimed by the process it was addressed to. */
export interface Command {
  id: string;
  robotId: string;
  kind: RobotCommandKind;
  args: Record<string, unknown>;
  /** False for a notice nobody waits for (it is removed once run). */
  reply: boolean;
}

/** A failed command's error as the other process saw it (an HTTP status for client errors). */
export interface CommandError {
  name?: string;
  code?: string;
  message?: string;
  status?: number;
}

/** How a command ended, as its caller reads it. */
export type CommandOutcome =
  { state: 'done'; result: unknown } | { state: 'failed'; error: CommandError } | { state: 'timeout' };

/**
 * The command queue between processes, in the database: a caller addresses a command to the
 * process holding the robot and polls for its outcome; that process claims its commands, runs
 * them and writes the outcome. Plain documents, so any process that reaches the database can
 * call any other, wherever it runs.
 */
export class CommandService {
  readonly Command;
  constructor(
    conn: Db,
    private readonly clock: Clock,
  ) {
    this.Command = robotCommandModel(conn);
  }

  /** Addresses a command to process `to`; its id. */
  async send(to: string, robotId: string, kind: RobotCommandKind, args: object, reply = true): Promise<string> {
    const doc = await this.Command.create({ to, robotId, kind, args: { ...args, reply }, state: 'pending' });
    return doc._id.toString();
  }

  /** Waits up to `timeoutMs` for the command's outcome, reading it every `pollMs`; the command is then removed. */
  async outcome(id: string, timeoutMs: number, pollMs: number): Promise<CommandOutcome> {
    const until = this.clock.now() + timeoutMs;
    for (;;) {
      const doc = await this.Command.findById(id, { state: 1, result: 1, error: 1 }).lean();
      if (doc?.state === 'done' || doc?.state === 'failed') {
        await this.Command.deleteOne({ _id: id });
        return doc.state === 'done'
          ? { state: 'done', result: doc.result }
          : { state: 'failed', error: { ...doc.error } as CommandError };
      }
      if (!doc || this.clock.now() >= until) {
        // Nobody ran it in time: withdraw it if still pending (a late run would surprise the caller).
        await this.Command.deleteOne({ _id: id, state: 'pending' });
        return { state: 'timeout' };
      }
      await this.clock.sleep(pollMs);
    }
  }

  /** Claims the oldest pending command addressed to `me`, or null. */
  async next(me: string): Promise<Command | null> {
    const doc = await this.Command.findOneAndUpdate(
      { to: me, state: 'pending' },
      { $set: { state: 'running' } },
      { sort: { createdAt: 1 }, returnDocument: 'after' },
    ).lean<RobotCommandDoc>();
    if (!doc) return null;
    const { reply, ...args } = (doc.args ?? {}) as Record<string, unknown>;
    return { id: doc._id.toString(), robotId: doc.robotId.toString(), kind: doc.kind, args, reply: reply !== false };
  }

  async done(cmd: Command, result: unknown): Promise<void> {
    if (!cmd.reply) await this.Command.deleteOne({ _id: cmd.id });
    else await this.Command.updateOne({ _id: cmd.id }, { $set: { state: 'done', result: result ?? null } });
  }

  async failed(cmd: Command, err: Error & { code?: unknown; status?: unknown }): Promise<void> {
    if (!cmd.reply) await this.Command.deleteOne({ _id: cmd.id });
    else
      await this.Command.updateOne(
        { _id: cmd.id },
        {
          $set: {
            state: 'failed',
            error: {
              name: err.name,
              ...(typeof err.code === 'string' ? { code: err.code } : {}),
              ...(typeof err.status === 'number' ? { status: err.status } : {}),
              message: err.message,
            },
          },
        },
      );
  }
}
