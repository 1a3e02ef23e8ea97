import { countStatuses, deliveryStatus, isSettled, type PartState } from '../../src/broadcasts/report';

const p = (status: PartState['status'], recalled = false): PartState => ({ status, ...(recalled ? { recalled } : {}) });

describe('deliveryStatus', () => {
  test.each<[string, 'queued' | 'skipped', PartState[], string]>([
    ['queued, its sends still being written', 'queued', [], 'queued'],
    ['skipped: robot not running', 'skipped', [], 'failed'],
    ['skipped: the room is gone', 'skipped', [], 'room_not_found'],
    ['one text sent', 'queued', [p('sent')], 'sent'],
    ['text and image sent', 'queued', [p('sent'), p('sent')], 'sent'],
    ['second material still queued', 'queued', [p('sent'), p('queued')], 'queued'],
    ['one in flight', 'queued', [p('sending'), p('queued')], 'queued'],
    ['only in flight', 'queued', [p('sent'), p('sending')], 'sending'],
    ['crash mid-send', 'queued', [p('sent'), p('unknown')], 'unknown'],
    ['group gone', 'queued', [p('room_not_found')], 'room_not_found'],
    ['puppet error', 'queued', [p('sent'), p('failed')], 'failed'],
    ['cancelled before sending', 'queued', [p('cancelled'), p('cancelled')], 'cancelled'],
    ['cancelled half way', 'queued', [p('sent'), p('cancelled')], 'partial'],
    ['recalled', 'queued', [p('sent', true)], 'recalled'],
    ['recalled one, cancelled the other', 'queued', [p('sent', true), p('cancelled')], 'recalled'],
    ['unknown outweighs failed', 'queued', [p('failed'), p('unknown')], 'unknown'],
  ])('when %s, then %s', (_name, state, parts, expected) => {
    expect(deliveryStatus(state, parts, _name.includes('gone') ? 'room_not_found' : undefined)).toBe(expected);
  });
});

describe('countStatuses', () => {
  test('when statuses are counted, then each has its count and the total adds up', () => {
    const c = countStatuses(['sent', 'sent', 'failed', 'queued']);
    expect(c).toMatchObject({ sent: 2, failed: 1, queued: 1, unknown: 0, total: 4 });
    expect(isSettled(c)).toBe(false);
    expect(isSettled(countStatuses(['sent', 'unknown', 'recalled']))).toBe(true);
  });
});
