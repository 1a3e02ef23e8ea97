import { FileBox } from 'file-box';
import type { Contact, Message, Room, Sayable as WechatySayable, Wechaty } from 'wechaty';
import type { OutboundContent } from './content';
import type { ConversationKind, SendOutcome } from './outbox';
import { toSayable, type Sayable } from './sayable';

/**
 * The kind of a conversation as the puppet knows it: a room when it has a room payload for the
 * id. Rooms come first because some protocols also list rooms among contacts.
 */
export function conversationKind(bot: Wechaty, conversationId: string): Promise<ConversationKind> {
  return bot.puppet.roomPayload(conversationId).then(
    () => 'room',
    () => 'contact',
  );
}

/** The value Wechaty's `say()` takes for a decided Sayable. */
function toWechaty(bot: Wechaty, sayable: Sayable): WechatySayable {
  switch (sayable.kind) {
    case 'text':
      return sayable.text;
    case 'file':
      return FileBox.fromUrl(sayable.url);
    case 'url-link':
      return new bot.UrlLink(sayable.fields);
    case 'mini-program':
      return new bot.MiniProgram(sayable.fields);
  }
}

/**
 * Says `content` in a room or to a contact through a logged-in Wechaty. `kind` comes from the
 * caller when it knows; otherwise the puppet is asked. Text to a room @-mentions `mentionIds`.
 */
export async function sayTo(
  bot: Wechaty,
  conversationId: string,
  content: OutboundContent,
  mentionIds: readonly string[],
  kind?: ConversationKind,
): Promise<SendOutcome> {
  const isRoom = (kind ?? (await conversationKind(bot, conversationId))) === 'room';
  const target: Room | Contact | undefined = isRoom
    ? await bot.Room.find({ id: conversationId })
    : await bot.Contact.find({ id: conversationId });
  if (!target) return { status: 'room_not_found' };
  const sayable = toSayable(content);
  let sent: Message | void;
  if (sayable.kind === 'text' && isRoom && mentionIds.length > 0) {
    const contacts = (await Promise.all(mentionIds.map((id) => bot.Contact.find({ id })))).filter((c): c is Contact =>
      Boolean(c),
    );
    sent = await (target as Room).say(sayable.text, ...contacts);
  } else {
    sent = await target.say(toWechaty(bot, sayable));
  }
  return { status: 'sent', ...(sent && sent.id ? { messageId: sent.id } : {}) };
}
