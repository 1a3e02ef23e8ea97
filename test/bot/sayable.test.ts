import type { OutboundContent } from '../../src/bot/content';
import { toSayable, type Sayable } from '../../src/bot/sayable';

describe('toSayable', () => {
  const cases: [string, OutboundContent, Sayable][] = [
    ['text', { type: 'text', text: '早上好\n第二行' }, { kind: 'text', text: '早上好\n第二行' }],
    [
      'an image',
      { type: 'image', url: 'https://example.com/a.png' },
      { kind: 'file', url: 'https://example.com/a.png' },
    ],
    [
      'a link with only a title and url',
      { type: 'link', title: '公告', url: 'https://example.com/n' },
      { kind: 'url-link', fields: { title: '公告', url: 'https://example.com/n' } },
    ],
    [
      'a link with every field',
      {
        type: 'link',
        title: '公告',
        url: 'https://example.com/n',
        description: '本周活动',
        thumbnailUrl: 'https://example.com/t.png',
      },
      {
        kind: 'url-link',
        fields: {
          title: '公告',
          url: 'https://example.com/n',
          description: '本周活动',
          thumbnailUrl: 'https://example.com/t.png',
        },
      },
    ],
    [
      'a link with an empty description',
      { type: 'link', title: 't', url: 'https://example.com/n', description: '' },
      { kind: 'url-link', fields: { title: 't', url: 'https://example.com/n' } },
    ],
    [
      'a mini program with only the required fields',
      { type: 'miniprogram', appid: 'wx123', username: 'gh_abc@app', title: '小程序' },
      { kind: 'mini-program', fields: { appid: 'wx123', username: 'gh_abc@app', title: '小程序' } },
    ],
    [
      'a mini program with every field',
      {
        type: 'miniprogram',
        appid: 'wx123',
        username: 'gh_abc@app',
        title: '小程序',
        pagePath: 'pages/index?id=1',
        description: '打开看看',
        thumbUrl: 'https://example.com/m.png',
      },
      {
        kind: 'mini-program',
        fields: {
          appid: 'wx123',
          username: 'gh_abc@app',
          title: '小程序',
          pagePath: 'pages/index?id=1',
          description: '打开看看',
          thumbUrl: 'https://example.com/m.png',
        },
      },
    ],
    [
      'a mini program with an empty page path',
      { type: 'miniprogram', appid: 'wx1', username: 'gh_1', title: 'm', pagePath: '' },
      { kind: 'mini-program', fields: { appid: 'wx1', username: 'gh_1', title: 'm' } },
    ],
  ];

  test.each(cases)('when the content is %s, then the robot says what the table says', (_name, content, expected) => {
    expect(toSayable(content)).toStrictEqual(expected);
  });
});
