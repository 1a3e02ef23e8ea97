import { z } from 'zod';
import { AppError } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import { idParam, ownerName } from '../../http/schemas';
import { ownerFilter, visibleRoom } from '../../http/access';
import { addDays, dayText, daysBetween, isCalendarDay, wallTime } from '../../lib/wall-clock';
import type { RoomStats } from '../../stats';
import type { V1Deps } from './deps';

const tag = 'statistics';
/** The longest range one request may ask for. */
const MAX_DAYS = 366;

const calendarDay = z.string().refine(isCalendarDay, 'must be a calendar day YYYY-MM-DD');

const roomDayView = z
  .object({
    day: z.string().meta({ description: 'YYYY-MM-DD in the time zone of the answer' }),
    members: z.number().int().nullable().meta({ description: 'member count last seen that day (null: not seen)' }),
    joins: z.number().int(),
    exits: z.number().int(),
    speakers: z.number().int().meta({ description: 'distinct members who spoke' }),
    messages: z.number().int().meta({ description: 'messages received in the room' }),
    sent: z.number().int().meta({ description: "the robot's messages that went out into the room" }),
  })
  .meta({ id: 'RoomDay' });

const dayTotalsView = z
  .object({
    day: z.string(),
    timeZone: z.string(),
    rooms: z.number().int().meta({ description: 'rooms with anything counted that day' }),
    messages: z.number().int().meta({ description: 'messages received' }),
    sent: z.number().int().meta({ description: 'messages sent by the robots' }),
    joins: z.number().int(),
    exits: z.number().int(),
  })
  .meta({ id: 'DayTotals' });

/**
 * Rooms' daily statistics (seed 002 group statistics), counted from the event stream: one room's
 * days, and one day's sums over the caller's rooms (the console's "messages today"). Reads flush
 * this process's counts first, so they include everything up to the request.
 */
export function statisticsEndpoints(api: EndpointRouter, deps: V1Deps, stats: RoomStats): void {
  const { runtime: rt } = deps;
  const today = () => dayText(wallTime(Date.now(), stats.timeZone));

  api.add({
    method: 'get',
    path: '/rooms/:id/statistics',
    tag,
    permission: 'rooms.read',
    summary: `A room's daily counters from \`from\` to \`to\` (default: the last 7 days; at most ${MAX_DAYS} days)`,
    params: idParam,
    query: z.object({ from: calendarDay.optional(), to: calendarDay.optional() }),
    response: z.object({ roomId: z.string(), timeZone: z.string(), items: z.array(roomDayView) }),
    handle: async ({ params, query, principal }) => {
      const { room } = await visibleRoom(rt, principal, params.id);
      const to = query.to ?? today();
      const from = query.from ?? addDays(to, -6);
      const span = daysBetween(from, to);
      if (span < 0)
        throw new AppError(400, 'invalid_request', '`from` is after `to`', [{ path: 'from', message: 'after to' }]);
      if (span >= MAX_DAYS)
        throw new AppError(400, 'invalid_request', `at most ${MAX_DAYS} days at once`, [
          { path: 'from', message: `more than ${MAX_DAYS} days before to` },
        ]);
      await stats.recorder.flush();
      return { roomId: room.id, timeZone: stats.timeZone, items: await stats.service.days(room.id, from, to) };
    },
  });

  api.add({
    method: 'get',
    path: '/statistics/day',
    tag,
    permission: 'rooms.read',
    summary: "One day's sums over the rooms of the caller's robots (default: today in the configured time zone)",
    query: z.object({ day: calendarDay.optional(), owner: ownerName.optional() }),
    response: dayTotalsView,
    handle: async ({ query, principal }) => {
      const owner = ownerFilter(principal, query.owner);
      const robotIds = owner === undefined ? undefined : (await rt.robots.list({ owner })).map((r) => r.id);
      await stats.recorder.flush();
      return { ...(await stats.service.totals(query.day ?? today(), robotIds)), timeZone: stats.timeZone };
    },
  });
}
