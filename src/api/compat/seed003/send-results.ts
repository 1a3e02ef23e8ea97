import type { RobotManager, RuntimeEvents } from '../../../bot/robot-manager';
import type { Logger } from '../../../logger';
import type { BotBindings } from './bot-binding.service';
import type { Seed003Channel } from './channels';
import { sendResultKey, type Seed003Notifier } from './notifier';
import type { ReplayStore } from './replay.service';
import { sendStatusOf } from './room-send.endpoints';

export interface SendResultDeps {
  manager: Pick<RobotManager, 'on' | 'off'>;
  replay: Pick<ReplayStore, 'answeredQueued'>;
  bindings: Pick<BotBindings, 'of'>;
  channels: ReadonlyMap<string, Seed003Channel>;
  notifier: Pick<Seed003Notifier, 'toChannel'>;
  log: Logger;
}

/**
 * `sendResult` notifications from the send log's outcomes: a seed 003 send answered "0" (still
 * queued) tells its channel the final sendStatus when it settles, in whichever process and after
 * however many restarts (the request record says it was answered "0"). The request path queues the
 * same notification when it sees the send settle itself; the key makes them one.
 */
export function followSendResults(deps: SendResultDeps): () => void {
  const fail = (err: unknown) => deps.log.error({ err, module: 'seed003' }, 'seed003 sendResult failed');
  const onSettled = ({ robotId, record }: RuntimeEvents['settled'][0]) => {
    if (record.source !== 'seed003') return;
    void (async () => {
      const queued = await deps.replay.answeredQueued(record.id);
      const channel = queued && deps.channels.get(queued.chid);
      if (!queued || !channel?.notifyUrl) return;
      const binding = (await deps.bindings.of(robotId)).find((b) => b.chid === queued.chid);
      if (!binding) return;
      await deps.notifier.toChannel(
        channel,
        binding.botcode,
        robotId,
        { event: 'sendResult', msgid: queued.msgid, sendStatus: sendStatusOf(record) },
        sendResultKey(record.id),
      );
    })().catch(fail);
  };
  deps.manager.on('settled', onSettled);
  return () => deps.manager.off('settled', onSettled);
}
