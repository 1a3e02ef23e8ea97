// C0 control characters other than tab, newline and carriage return, and DEL.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * True for text that can be stored and shown as it is: no control characters (they break
 * WeChat clients and logs) and no broken UTF-16 (it would be stored as U+FFFD, not as sent).
 */
export function isSafeText(s: string): boolean {
  return !CONTROL.test(s) && !LONE_SURROGATE.test(s);
}

export const UNSAFE_TEXT_MESSAGE = 'control characters and broken unicode are not allowed';
