import safeRegex from 'safe-regex2';
import { PhraseFinder } from '../../lib/phrase-finder';
import { foldText } from '../shared/text';

/** How a rule's keywords match: the whole command text, a part of it, or a regular expression. */
export type MatchMode = 'exact' | 'contains' | 'regex';

/** A rule as the matcher needs it (no database, no Wechaty). */
export interface MatchRule {
  id: string;
  keywords: readonly string[];
  mode: MatchMode;
  priority: number;
  /** Rooms the rule applies to; empty means every room of the owner. */
  roomIds: readonly string[];
}

/** Longest message text the regular-expression rules look at. */
export const REGEX_INPUT_LIMIT = 500;

/** Why a pattern is refused: not a valid RegExp, or one that can backtrack catastrophically. */
export function regexProblem(pattern: string): string | null {
  if (pattern.length > 200) return 'pattern longer than 200 characters';
  try {
    new RegExp(pattern, 'iu');
  } catch (err) {
    return `invalid regular expression: ${(err as Error).message}`;
  }
  return safeRegex(pattern) ? null : 'pattern may backtrack catastrophically (nested quantifiers)';
}

interface Compiled {
  rule: MatchRule;
  order: number;
}

/**
 * Rules compiled for matching: exact keywords in a hash map, contains keywords in one phrase
 * finder (a loop for a few keywords, an Aho-Corasick automaton for many: cost per message
 * independent of the number of rules), regular expressions tried separately on at most
 * REGEX_INPUT_LIMIT characters. The highest priority applicable rule wins; ties go to the rule
 * listed first.
 */
export class KeywordMatcher {
  private readonly exact = new Map<string, Compiled[]>();
  private readonly contains = new Map<string, Compiled[]>();
  private readonly finder: PhraseFinder;
  private readonly regexes: { re: RegExp; c: Compiled }[] = [];

  constructor(rules: readonly MatchRule[]) {
    rules.forEach((rule, order) => {
      const c = { rule, order };
      if (rule.mode === 'regex') {
        for (const k of rule.keywords) if (regexProblem(k) === null) this.regexes.push({ re: new RegExp(k, 'iu'), c });
        return;
      }
      const target = rule.mode === 'exact' ? this.exact : this.contains;
      for (const k of rule.keywords) {
        const key = foldText(k);
        if (!key) continue;
        const list = target.get(key) ?? [];
        list.push(c);
        target.set(key, list);
      }
    });
    this.finder = new PhraseFinder(this.contains.keys());
  }

  get size(): number {
    return this.exact.size + this.contains.size + this.regexes.length;
  }

  /** The winning rule for `text` in `roomId`, or undefined. */
  match(text: string, roomId?: string): MatchRule | undefined {
    return this.matchFolded(foldText(text), text, roomId);
  }

  /**
   * `match` for a caller that already folded the text (the plugins fold a message once and share
   * it): `folded` must be `foldText(text)`. Regular expressions still see the unfolded text.
   */
  matchFolded(folded: string, text: string, roomId?: string): MatchRule | undefined {
    if (!folded) return undefined;
    let best = this.exact.size > 0 ? pick(undefined, this.exact.get(folded), roomId) : undefined;
    if (this.contains.size > 0)
      for (const keyword of this.finder.found(folded)) best = pick(best, this.contains.get(keyword), roomId);
    if (this.regexes.length > 0) {
      const input = text.slice(0, REGEX_INPUT_LIMIT);
      for (const r of this.regexes) if (r.re.test(input)) best = pick(best, [r.c], roomId);
    }
    return best?.rule;
  }
}

/** The better of `best` and the applicable candidates: higher priority, then listed first. */
function pick(
  best: Compiled | undefined,
  candidates: Compiled[] | undefined,
  roomId: string | undefined,
): Compiled | undefined {
  if (!candidates) return best;
  for (const c of candidates) {
    if (roomId !== undefined && c.rule.roomIds.length > 0 && !c.rule.roomIds.includes(roomId)) continue;
    if (
      !best ||
      c.rule.priority > best.rule.priority ||
      (c.rule.priority === best.rule.priority && c.order < best.order)
    )
      best = c;
  }
  return best;
}
