import { types } from 'wechaty-puppet';

const M = types.Message;

/** Placeholders for what a text cannot carry (the seed only names `content`, "消息内容"). */
const PLACEHOLDER: Partial<Record<number, string>> = {
  [M.Image]: '[图片]',
  [M.Emoticon]: '[表情]',
  [M.Audio]: '[语音]',
  [M.Video]: '[视频]',
  [M.Contact]: '[名片]',
  [M.Location]: '[位置]',
  [M.ChatHistory]: '[聊天记录]',
  [M.RedEnvelope]: '[红包]',
  [M.Transfer]: '[转账]',
  [M.Recalled]: '[撤回了一条消息]',
};

/** Kinds whose text says what they are (a file's name, a link's or mini program's title): shown after a label. */
const LABELLED: Partial<Record<number, string>> = {
  [M.Attachment]: '[文件]',
  [M.Url]: '[链接]',
  [M.MiniProgram]: '[小程序]',
};

/**
 * The `content` of a developer callback: a text message's text; other kinds a placeholder in
 * WeChat's own style (`[图片]`, `[语音]`, …), with the puppet's text after a label for files,
 * links and mini programs (`[链接] 标题`). Media URLs are not included: puppets give none without
 * downloading the file.
 */
export function callbackContent(type: number | undefined, text: string): string {
  if (type === undefined || type === M.Text) return text;
  const placeholder = PLACEHOLDER[type];
  if (placeholder) return placeholder;
  const label = LABELLED[type];
  if (label) return text.trim() ? `${label} ${text.trim()}` : label;
  return text;
}
