/**
 * A character class of every UTF-16 code unit in `words`, e.g. `[\u4e00-\u4e02\u4e8c]`, or
 * undefined when there are none. `text.search()` with it gives the first place where one of the
 * words could start, or -1 when none can occur in the text at all. Code units, not code points
 * (no `u` flag), as the Aho-Corasick automaton also walks code units; irregexp rejects a text
 * quickly this way (a class without one-byte characters never matches a one-byte string).
 */
export function alphabetPattern(words: Iterable<string>): RegExp | undefined {
  const units = new Set<number>();
  for (const w of words) for (let i = 0; i < w.length; i++) units.add(w.charCodeAt(i));
  if (units.size === 0) return undefined;
  const sorted = [...units].sort((a, b) => a - b);
  let cls = '';
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    cls += j === i ? hex(sorted[i]) : `${hex(sorted[i])}-${hex(sorted[j])}`;
    i = j + 1;
  }
  return new RegExp(`[${cls}]`);
}

/** Every unit written as \uXXXX, so no character of the class needs escaping. */
const hex = (unit: number) => `\\u${unit.toString(16).padStart(4, '0')}`;
