/**
 * Text folding shared by matchers: NFKC turns full-width letters, digits and punctuation into
 * their half-width forms (ＡＢＣ１２３！ -> ABC123!), then case is folded and space trimmed.
 */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase().trim();
}

/** The separators WeChat puts after an @name (a four-per-em space, or a plain space). */
const MENTION_END = '[\\u2005\\u0020\\s]|$';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when the text contains `@<one of names>` followed by a separator or the end. */
export function mentionsAny(text: string, names: readonly string[]): boolean {
  return names.some((n) => n && new RegExp(`@${escapeRegExp(n)}(?:${MENTION_END})`).test(text));
}

/** Removes every `@<name>` of the given names (with its separator) and trims. */
export function stripMentions(text: string, names: readonly string[]): string {
  let out = text;
  for (const n of names) if (n) out = out.replace(new RegExp(`@${escapeRegExp(n)}(?:${MENTION_END})`, 'g'), ' ');
  return out.replace(/\s+/g, ' ').trim();
}

/** Fills `{key}` placeholders; unknown keys stay as they are. */
export function fillTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
