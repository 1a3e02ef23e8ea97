/**
 * Text folding shared by matchers: NFKC turns full-width letters, digits and punctuation into
 * their half-width forms (ＡＢＣ１２３！ -> ABC123!), then case is folded and space trimmed.
 */
export function foldText(text: string): string {
  // Most chat text (lower-case ASCII, CJK ideographs) is only trimmed: one scan decides that.
  if (!NOT_PLAIN.test(text)) return text.trim();
  if (NEEDS_NFKC.test(text)) {
    const t = text.normalize('NFKC');
    return (HAS_UPPER.test(t) ? t.toLowerCase() : t).trim();
  }
  // ASCII and CJK ideographs only: NFKC changes nothing there, and the only upper-case letters
  // are A-Z (a plain class is much cheaper than \p{Lu} on ideographs).
  return text.toLowerCase().trim();
}

/** Anything but tab/newline, printable ASCII other than A-Z, and the CJK ideographs. */
const NOT_PLAIN = /[^\t\n\r\u0020-\u0040\u005b-\u007e\u4e00-\u9fff]/;
// Anything outside printable ASCII, tab/newline and the CJK ideographs may change under NFKC.
const NEEDS_NFKC = /[^\t\n\r\u0020-\u007e\u4e00-\u9fff]/;
const HAS_UPPER = /\p{Lu}/u;

/** The separators WeChat puts after an @name (a four-per-em space, or a plain space). */
const MENTION_END = '[\\u2005\\u0020\\s]|$';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const mentionPatterns = new Map<string, RegExp>();

/** The (cached) pattern of `@name` plus its separator. */
function mentionPattern(name: string): RegExp {
  let re = mentionPatterns.get(name);
  if (!re) {
    re = new RegExp(`@${escapeRegExp(name)}(?:${MENTION_END})`, 'g');
    if (mentionPatterns.size > 10_000) mentionPatterns.clear();
    mentionPatterns.set(name, re);
  }
  re.lastIndex = 0;
  return re;
}

/** True when the text contains `@<one of names>` followed by a separator or the end. */
export function mentionsAny(text: string, names: readonly string[]): boolean {
  if (!text.includes('@')) return false;
  return names.some((n) => n && mentionPattern(n).test(text));
}

/** Removes every `@<name>` of the given names (with its separator) and trims. */
export function stripMentions(text: string, names: readonly string[]): string {
  if (!text.includes('@')) return text.trim();
  let out = text;
  for (const n of names) if (n) out = out.replace(mentionPattern(n), ' ');
  return out.replace(/\s+/g, ' ').trim();
}

/** Fills `{key}` placeholders; unknown keys stay as they are. */
export function fillTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
