import { z } from 'zod';
import { outboundContent } from '../../bot/content';
import { DELIVERY_STATUSES } from '../../broadcasts/report';
import { nameText, recordId } from '../../http/schemas';
import { ownerName } from '../../http/schemas';

const isoTime = z.iso
  .datetime({ offset: true })
  .meta({ description: 'ISO 8601 time with a zone, e.g. 2026-11-23T09:30:00+08:00' });

const scheduleBody = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('now') }).strict(),
    z.object({ kind: z.literal('once'), at: isoTime }).strict(),
    z
      .object({
        kind: z.literal('cron'),
        expression: z.string().min(1).max(120).meta({
          description: '5 fields (minute hour day month weekday) or 6 with seconds first, e.g. "0 30 9 * * 1-5"',
        }),
        timeZone: z
          .string()
          .min(1)
          .max(64)
          .optional()
          .meta({ description: 'IANA zone, default the configured one (Asia/Shanghai)' }),
      })
      .strict(),
  ])
  .meta({ id: 'BroadcastSchedule' });

/** Only rooms rated at least this many stars (seed 002 star ratings); absent: any. */
const minStar = z
  .number()
  .int()
  .min(1)
  .max(5)
  .optional()
  .meta({ description: 'only rooms rated at least this many stars (1-5)' });

const targetsBody = z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('rooms'), roomIds: z.array(recordId).min(1).max(5000) }).strict(),
    z.object({ mode: z.literal('flag'), flag: z.enum(['production', 'launch', 'bound']), minStar }).strict(),
    z.object({ mode: z.literal('all'), minStar }).strict(),
  ])
  .meta({
    id: 'BroadcastTargets',
    description:
      'listed rooms, every room with a flag on, or every room of the owner (rooms the robot is in at run time); flag and all may keep only rooms rated at least minStar stars',
  });

const broadcastFields = {
  name: nameText(100),
  materials: z
    .array(outboundContent)
    .min(1)
    .max(10)
    .meta({ description: 'sent to each room in order; each is one paced send' }),
  targets: targetsBody,
  schedule: scheduleBody,
  endAt: isoTime.optional().meta({ description: 'no run after this time' }),
  maxRuns: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .meta({ description: 'runs executed at most (missed runs do not count)' }),
};

/** The fields of a broadcast, as PUT replaces them (unknown keys refused). */
export const broadcastBody = z.object(broadcastFields).strict();
/** A new broadcast: its fields plus, for admin keys, the owner. */
export const createBroadcastBody = z
  .object({
    ...broadcastFields,
    owner: ownerName
      .optional()
      .meta({ description: 'required with an admin key; an owner key creates for its own owner' }),
  })
  .strict();

const countsView = z
  .object(
    Object.fromEntries([...DELIVERY_STATUSES, 'total'].map((s) => [s, z.number().int()])) as Record<
      string,
      z.ZodNumber
    >,
  )
  .meta({ id: 'BroadcastCounts' });

/** One run of a broadcast: when it was due, its state and its counts. */
export const runView = z
  .object({
    id: z.string(),
    seq: z.number().int().meta({ description: 'run number: 1, 2, 3...' }),
    scheduledFor: z.date(),
    plan: z.enum(['run', 'missed']),
    missed: z.number().int().meta({ description: 'occurrences passed over because qunbot was down' }),
    state: z.enum(['dispatching', 'sending', 'finished', 'missed']),
    startedAt: z.date().optional(),
    finishedAt: z.date().optional(),
    report: countsView,
  })
  .meta({ id: 'BroadcastRun' });

/** One room's delivery in a run. */
export const deliveryView = z
  .object({
    roomId: z.string(),
    robotId: z.string(),
    topic: z.string().optional(),
    status: z.enum(DELIVERY_STATUSES),
    reason: z.enum(['robot_not_running', 'room_not_found']).optional(),
    sends: z.array(
      z.object({
        id: z.string(),
        status: z.string(),
        puppetMessageId: z.string().optional(),
        sentAt: z.date().optional(),
        recalledAt: z.date().optional(),
        recallError: z.string().optional(),
        error: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'BroadcastDelivery' });

/** A broadcast as the API shows it. */
export const broadcastView = z
  .object({
    id: z.string(),
    owner: z.string(),
    name: z.string(),
    materials: z.array(outboundContent),
    targets: targetsBody,
    schedule: z.union([
      z.object({ kind: z.literal('now') }),
      z.object({ kind: z.literal('once'), at: z.date() }),
      z.object({ kind: z.literal('cron'), expression: z.string(), timeZone: z.string() }),
    ]),
    endAt: z.date().optional(),
    maxRuns: z.number().int().optional(),
    state: z.enum(['active', 'paused', 'finished', 'recalled']),
    nextRunAt: z.date().nullable(),
    runs: z.number().int(),
    executed: z.number().int(),
    source: z.string().optional(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'Broadcast' });

/** A broadcast with its last run and that run's per-room deliveries. */
export const broadcastDetailView = broadcastView.extend({
  lastRun: runView.nullable(),
  deliveries: z.array(deliveryView).meta({ description: 'per-room status of the last run' }),
});

/** What a recall did: sends cancelled, messages withdrawn, and why others were not. */
export const recallView = z
  .object({
    cancelled: z.number().int().meta({ description: 'sends cancelled before they went out' }),
    recalled: z.number().int().meta({ description: 'sent messages withdrawn in WeChat' }),
    notRecalled: z.array(
      z.object({
        roomId: z.string(),
        sendId: z.string(),
        reason: z.enum(['recall_window_passed', 'robot_not_running', 'recall_refused', 'no_message_id']),
      }),
    ),
  })
  .meta({ id: 'BroadcastRecall' });

/** Query filters of the broadcast list: owner (admin keys) and state. */
export const broadcastListFilter = {
  owner: ownerName.optional(),
  state: z.enum(['active', 'paused', 'finished', 'recalled']).optional(),
};

/** A broadcast id and a run number in a path. */
export const runParams = z.object({ id: z.string().min(1).max(64), seq: z.coerce.number().int().min(1).max(1e9) });
