import { PhraseFinder } from '../lib/phrase-finder';

/** A text folded for screening, with where each of its code units came from in the original. */
export interface ScreenText {
  text: string;
  /** `origin[i]`: the index in the original text of the character unit `i` came from. */
  origin: number[];
}

/** Characters that do not count: punctuation, symbols (emoji too), spaces, controls, zero-width marks. */
const IGNORED = /[\p{P}\p{S}\p{Z}\p{Cc}\p{Cf}]/u;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/**
 * Folds a text so the usual evasions of a word list do not work: full-width forms and case
 * (NFKC, lower case), spaces, punctuation and emoji put between the characters (dropped), and
 * traditional characters (made simplified by `simplified`, one character for one). `origin`
 * maps every unit of the result back to the original text, so a hit names the span as written.
 */
export function foldForScreening(text: string, simplified: (ch: string) => string): ScreenText {
  let out = '';
  const origin: number[] = [];
  let at = 0;
  for (const ch of text) {
    const here = at;
    at += ch.length;
    const folded = ch.charCodeAt(0) < 0x80 && ch.length === 1 ? ch.toLowerCase() : ch.normalize('NFKC').toLowerCase();
    for (const unit of folded) {
      if (IGNORED.test(unit)) continue;
      const c = CJK.test(unit) ? simplified(unit) : unit;
      out += c;
      for (let k = 0; k < c.length; k++) origin.push(here);
    }
  }
  return { text: out, origin };
}

/** A listed word found in a text: the span `[start, end)` of the original text that spells it. */
export interface SensitiveHit {
  /** The word as listed. */
  word: string;
  start: number;
  end: number;
}

/**
 * A word list compiled for screening texts: the words folded like the texts, in one phrase
 * finder (its cost per text does not grow with the list). Pure: the traditional-to-simplified
 * mapping comes in.
 */
export class SensitiveScreen {
  private readonly finder: PhraseFinder;
  /** Folded word -> the word as listed. */
  private readonly listed = new Map<string, string>();

  constructor(
    words: Iterable<string>,
    private readonly simplified: (ch: string) => string,
  ) {
    for (const w of words) {
      const folded = foldForScreening(w, simplified).text;
      if (folded && !this.listed.has(folded)) this.listed.set(folded, w);
    }
    this.finder = new PhraseFinder(this.listed.keys());
  }

  get size(): number {
    return this.listed.size;
  }

  /** Every listed word in the text, by position (first first; the longer first at one position). */
  check(text: string): SensitiveHit[] {
    if (this.listed.size === 0 || !text) return [];
    const folded = foldForScreening(text, this.simplified);
    const hits = this.finder.hits(folded.text).map((h) => {
      const last = folded.origin[h.end - 1];
      const lastLength = (text.codePointAt(last) ?? 0) > 0xffff ? 2 : 1;
      return { word: this.listed.get(h.phrase) ?? h.phrase, start: folded.origin[h.begin], end: last + lastLength };
    });
    return hits.sort((a, b) => a.start - b.start || b.end - a.end);
  }
}
