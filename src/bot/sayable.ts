import type { OutboundContent } from './content';

/** The fields of a link card, as Wechaty's `UrlLink` takes them. */
export interface UrlLinkFields {
  title: string;
  url: string;
  description?: string;
  thumbnailUrl?: string;
}

/** The fields of a mini program card, as Wechaty's `MiniProgram` takes them. */
export interface MiniProgramFields {
  appid: string;
  username: string;
  title: string;
  pagePath?: string;
  description?: string;
  thumbUrl?: string;
}

/**
 * What a robot says for one piece of content, as plain data: the robot turns it into the value
 * Wechaty's `say()` takes (a string, a FileBox, a UrlLink or a MiniProgram).
 */
export type Sayable =
  | { kind: 'text'; text: string }
  | { kind: 'file'; url: string }
  | { kind: 'url-link'; fields: UrlLinkFields }
  | { kind: 'mini-program'; fields: MiniProgramFields };

/** Decides what to say for `content`; optional fields left empty are not passed on. */
export function toSayable(content: OutboundContent): Sayable {
  switch (content.type) {
    case 'text':
      return { kind: 'text', text: content.text };
    case 'image':
      return { kind: 'file', url: content.url };
    case 'link':
      return {
        kind: 'url-link',
        fields: {
          title: content.title,
          url: content.url,
          ...(content.description ? { description: content.description } : {}),
          ...(content.thumbnailUrl ? { thumbnailUrl: content.thumbnailUrl } : {}),
        },
      };
    case 'miniprogram':
      return {
        kind: 'mini-program',
        fields: {
          appid: content.appid,
          username: content.username,
          title: content.title,
          ...(content.pagePath ? { pagePath: content.pagePath } : {}),
          ...(content.description ? { description: content.description } : {}),
          ...(content.thumbUrl ? { thumbUrl: content.thumbUrl } : {}),
        },
      };
  }
}
