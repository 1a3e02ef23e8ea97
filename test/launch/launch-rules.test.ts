import { materialsOf, sortGroups, type LaunchItem, type LaunchRoom } from '../../src/launch/launch-rules';

const MINI = { appid: 'wx1234567890abcdef', username: 'gh_abc@app' };

describe('materialsOf: a delivery task’s items as sends', () => {
  test.each<[string, LaunchItem, unknown]>([
    ['text', { type: 1, content: ' 早上好 ' }, { type: 'text', text: '早上好' }],
    ['image', { type: 2, filePath: 'https://x.test/a.png' }, { type: 'image', url: 'https://x.test/a.png' }],
    [
      'link with description and thumbnail',
      { type: 3, title: '书单', content: '十本', url: 'https://x.test/l', filePath: 'https://x.test/t.png' },
      {
        type: 'link',
        title: '书单',
        url: 'https://x.test/l',
        description: '十本',
        thumbnailUrl: 'https://x.test/t.png',
      },
    ],
    [
      'link without extras',
      { type: 3, title: 'T', url: 'http://x.test/' },
      { type: 'link', title: 'T', url: 'http://x.test/' },
    ],
    [
      'mini-program with a page path and image',
      { type: 4, title: '小程序', url: 'pages/index?id=1', content: 'https://x.test/c.png' },
      { type: 'miniprogram', ...MINI, title: '小程序', pagePath: 'pages/index?id=1', thumbUrl: 'https://x.test/c.png' },
    ],
    [
      'mini-program with a web url (not a page: the home page opens)',
      { type: 4, title: 'M', url: 'https://x.test/web' },
      { type: 'miniprogram', ...MINI, title: 'M' },
    ],
  ])('%s', (_, item, expected) => {
    expect(materialsOf([item], MINI)).toEqual({ materials: [expected], problems: [] });
  });

  test.each<[string, LaunchItem, string]>([
    ['empty text', { type: 1, content: '  ' }, 'content'],
    ['image without an http URL', { type: 2, filePath: '/tmp/a.png' }, 'filePath'],
    ['link without url', { type: 3, title: 'T' }, 'url'],
    ['link without title', { type: 3, url: 'https://x.test' }, 'title'],
    ['mini-program without title', { type: 4, url: 'pages/a' }, 'title'],
    ['unknown type', { type: 5 }, 'type'],
  ])('%s is a problem naming %s', (_, item, field) => {
    expect(materialsOf([{ type: 1, content: 'ok' }, item], MINI).problems).toEqual([
      { index: 1, field, message: expect.any(String) },
    ]);
  });

  test('a mini-program item without a configured mini-program is a problem', () => {
    expect(materialsOf([{ type: 4, title: 'M' }], undefined).problems).toEqual([
      { index: 0, field: 'type', message: expect.stringContaining('no mini-program') },
    ]);
  });
});

describe('sortGroups: who gets a task', () => {
  const rooms = new Map<string, LaunchRoom>([
    ['a', { id: 'a', launch: true, present: true }],
    ['b', { id: 'b', launch: false, present: true }],
    ['c', { id: 'c', launch: true, present: false }],
  ]);
  test.each<[string[], string[], [string, string][]]>([
    [['a'], ['a'], []],
    [['b'], [], [['b', 'switch_off']]],
    [['c'], [], [['c', 'robot_not_in_group']]],
    [['z'], [], [['z', 'unknown_group']]],
    [['a', 'A', 'a'], ['a'], []],
    [
      ['z', 'a', 'b'],
      ['a'],
      [
        ['z', 'unknown_group'],
        ['b', 'switch_off'],
      ],
    ],
  ])('%j: accepted %j, refused %j', (ids, accepted, refused) => {
    expect(sortGroups(ids, rooms)).toEqual({
      accepted,
      refused: refused.map(([groupId, reason]) => ({ groupId, reason })),
    });
  });
});

describe('materialsOf: sends are checked as every send is', () => {
  test.each<[string, LaunchItem]>([
    ['a text with a control character', { type: 1, content: 'hi\u0000there' }],
    [
      'a link description over 500 characters',
      { type: 3, title: 'T', url: 'https://x.test', content: 'd'.repeat(501) },
    ],
    ['a title over 200 characters', { type: 3, title: 't'.repeat(201), url: 'https://x.test' }],
  ])('%s is a problem, not a send', (_, item) => {
    const out = materialsOf([item], MINI);
    expect(out.materials).toEqual([]);
    expect(out.problems).toEqual([{ index: 0, field: 'content', message: expect.stringContaining('not sendable') }]);
  });
});
