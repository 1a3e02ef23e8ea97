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
  for (let at = 0; at < text.length;) {
    const unit = text.charCodeAt(at);
    // The common cases without a regex: ASCII (letters and digits kept, lower case; the rest
    // dropped) and the CJK ideographs (made simplified).
    if (unit < 0x80) {
      if ((unit >= 0x30 && unit <= 0x39) || (unit >= 0x61 && unit <= 0x7a)) {
        out += text[at];
        origin.push(at);
      } else if (unit >= 0x41 && unit <= 0x5a) {
        out += String.fromCharCode(unit + 32);
        origin.push(at);
      }
      at++;
      continue;
    }
    if (unit >= 0x4e00 && unit <= 0x9fff) {
      const c = simplified(text[at]);
      out += c;
      for (let k = 0; k < c.length; k++) origin.push(at);
      at++;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(at) ?? unit);
    const here = at;
    at += ch.length;
    for (const folded of ch.normalize('NFKC').toLowerCase()) {
      if (IGNORED.test(folded)) continue;
      const c = CJK.test(folded) ? simplified(folded) : folded;
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
