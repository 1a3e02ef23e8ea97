import { z } from 'zod';
import { isSafeText, UNSAFE_TEXT_MESSAGE } from '../lib/safe-text';

/** Text as people write it (newlines allowed), without control characters or broken unicode. */
export const safeText = (max: number) => z.string().min(1).max(max).refine(isSafeText, UNSAFE_TEXT_MESSAGE);

/** Everything qunbot can send to a room or contact. The API validates input with these schemas. */
export const textContent = z.object({ type: z.literal('text'), text: safeText(4000) });
/** An image by http(s) URL. */
export const imageContent = z.object({ type: z.literal('image'), url: z.url({ protocol: /^https?$/ }).max(2000) });
/** A link card: title, URL, optional description and thumbnail. */
export const linkContent = z.object({
  type: z.literal('link'),
  title: safeText(200),
  description: z.string().max(500).refine(isSafeText, UNSAFE_TEXT_MESSAGE).optional(),
  url: z.url({ protocol: /^https?$/ }).max(2000),
  thumbnailUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
});
/** A mini-program card. */
export const miniProgramContent = z.object({
  type: z.literal('miniprogram'),
  appid: z.string().min(1).max(100),
  username: z.string().min(1).max(100),
  title: safeText(200),
  pagePath: z.string().max(1000).optional(),
  description: z.string().max(500).refine(isSafeText, UNSAFE_TEXT_MESSAGE).optional(),
  thumbUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
});
/** Anything a robot can send: text, image, link card or mini-program card. */
export const outboundContent = z.discriminatedUnion('type', [
  textContent,
  imageContent,
  linkContent,
  miniProgramContent,
]);

/** Anything a robot can send (see `outboundContent`). */
export type OutboundContent = z.infer<typeof outboundContent>;

/** A short human-readable summary (logs, lists). */
export function describeContent(c: OutboundContent): string {
  switch (c.type) {
    case 'text':
      return c.text.length > 40 ? `${c.text.slice(0, 40)}…` : c.text;
    case 'image':
      return `[image] ${c.url}`;
    case 'link':
      return `[link] ${c.title}`;
    case 'miniprogram':
      return `[miniprogram] ${c.title}`;
  }
}

/** The written texts of a content (what a person wrote: a text, a card's title and description), by field path. */
export function writtenTexts(c: OutboundContent, path: string): { path: string; text: string }[] {
  switch (c.type) {
    case 'text':
      return [{ path: `${path}.text`, text: c.text }];
    case 'link':
    case 'miniprogram':
      return [
        { path: `${path}.title`, text: c.title },
        ...(c.description ? [{ path: `${path}.description`, text: c.description }] : []),
      ];
    default:
      return [];
  }
}
