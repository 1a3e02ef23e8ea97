import { AhoCorasick } from '@monyone/aho-corasick/fast';
import { alphabetPattern } from './alphabet';

/** One occurrence of a phrase: code units `begin` (inclusive) to `end` (exclusive). */
export interface PhraseHit {
  phrase: string;
  begin: number;
  end: number;
}

/**
 * Up to this many phrases a loop of `includes` is faster than the Aho-Corasick automaton, which
 * allocates for every character it walks (bench/keywords, its paired `crossover` figures: the loop
 * 1.34x as fast at 8 and 16 phrases, 1.14x at 32, 0.9x at 48).
 */
export const LOOP_UP_TO = 32;

const NONE: readonly string[] = Object.freeze([]);

/**
 * Finds every occurrence of a fixed set of phrases in a text, the strategy picked by the size of
 * the set: a loop for a few phrases, one Aho-Corasick automaton for many (its cost per text does
 * not grow with the set). The automaton starts at the first code unit of the text that occurs in
 * some phrase (no phrase can start before it) and is skipped when there is none, as for much chat
 * traffic. Texts and phrases are compared as given: fold both the same way first.
 */
export class PhraseFinder {
  private readonly phrases: readonly string[];
  private readonly automaton: AhoCorasick | undefined;
  private readonly alphabet: RegExp | undefined;

  constructor(phrases: Iterable<string>, loopUpTo = LOOP_UP_TO) {
    this.phrases = [...new Set([...phrases].filter((p) => p.length > 0))];
    this.automaton = this.phrases.length > loopUpTo ? new AhoCorasick([...this.phrases]) : undefined;
    // Only the automaton gains from it: a few includes() cost less than the search itself.
    this.alphabet = this.automaton ? alphabetPattern(this.phrases) : undefined;
  }

  get size(): number {
    return this.phrases.length;
  }

  /** Which strategy this set uses (for tests and benchmarks). */
  get strategy(): 'loop' | 'automaton' {
    return this.automaton ? 'automaton' : 'loop';
  }

  /** Every occurrence of every phrase, overlapping ones included, in no particular order. */
  hits(text: string): PhraseHit[] {
    if (!this.automaton) {
      const out: PhraseHit[] = [];
      for (const phrase of this.phrases)
        for (let at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1))
          out.push({ phrase, begin: at, end: at + phrase.length });
      return out;
    }
    const from = this.alphabet ? text.search(this.alphabet) : -1;
    if (from < 0) return [];
    const out = this.automaton.matchInText(from === 0 ? text : text.slice(from));
    return out.map((m) => ({ phrase: m.keyword, begin: m.begin + from, end: m.end + from }));
  }

  /** The phrases that occur in the text (each once for the loop; the automaton may repeat one). Do not change the array. */
  found(text: string): readonly string[] {
    if (!this.automaton) {
      // No array unless something is found (most texts hold no phrase).
      let out: string[] | undefined;
      for (const phrase of this.phrases) if (text.includes(phrase)) (out ??= []).push(phrase);
      return out ?? NONE;
    }
    const from = this.alphabet ? text.search(this.alphabet) : -1;
    if (from < 0) return NONE;
    return this.automaton.matchInText(from === 0 ? text : text.slice(from)).map((m) => m.keyword);
  }
}
