import fs from 'node:fs';
import { isRecordId } from '../bot/core/ids';
import { isDuplicateKey } from '../db/errors';
import type { Db } from '../db/types';
import { badRequest } from '../http/errors';
import type { ScreenedField } from '../http/text-screen';
import { simplifiedChar } from './chinese-variants';
import { foldForScreening, SensitiveScreen } from './screen-rules';
import { sensitiveWordModel } from './sensitive-word.model';

/** A listed word as the API shows it (`owner` null: the global list). */
export interface SensitiveWordView {
  id: string;
  owner: string | null;
  word: string;
  createdAt: Date;
}

/** How long a compiled list is trusted before it is read again (another process may have changed it). */
const SCREEN_TTL_MS = 10_000;

/**
 * The sensitive-word lists: a global one (a configured file, one word a line, `#` comments, plus
 * words an admin adds) and one per owner on top. Texts are screened against the global list and
 * their owner's, compiled once per owner into one phrase finder and kept until a word changes
 * here or for SCREEN_TTL_MS (changes by another process).
 */
export class SensitiveWordService {
  private readonly Word;
  private readonly simplified = simplifiedChar();
  private readonly fileWords: string[];
  private readonly screens = new Map<string, { at: number; version: number; screen: SensitiveScreen }>();
  private version = 0;
  private readonly now: () => number;

  constructor(conn: Db, opts: { wordsFile?: string | undefined; now?: () => number } = {}) {
    this.Word = sensitiveWordModel(conn);
    this.fileWords = opts.wordsFile ? readWordsFile(opts.wordsFile) : [];
    this.now = opts.now ?? Date.now;
  }

  /** How many words the configured file holds. */
  get fileSize(): number {
    return this.fileWords.length;
  }

  /** Listed words: of one owner, the global ones (`null`), or all (`undefined`); newest first. */
  async list(owner?: string | null): Promise<SensitiveWordView[]> {
    const docs = await this.Word.find(owner === undefined ? {} : { owner })
      .sort({ _id: -1 })
      .limit(20_000)
      .lean();
    return docs.map((d) => ({ id: String(d._id), owner: d.owner ?? null, word: d.word, createdAt: d.createdAt }));
  }

  /**
   * Adds words to an owner's list (`null`: the global one). Words already listed (however
   * spelled) are reported, not added again; a word that folds to nothing is refused.
   */
  async add(
    owner: string | null,
    words: readonly string[],
  ): Promise<{ added: SensitiveWordView[]; existing: string[] }> {
    const folded = words.map((w) => ({ word: w, folded: foldForScreening(w, this.simplified).text }));
    const empty = folded.findIndex((f) => !f.folded);
    if (empty >= 0)
      throw badRequest('invalid_request', 'a word must hold a letter, digit or ideograph', [
        { path: `words.${empty}`, message: 'only spaces, punctuation or symbols' },
      ]);
    const added: SensitiveWordView[] = [];
    const existing: string[] = [];
    const seen = new Set<string>();
    for (const f of folded) {
      if (seen.has(f.folded)) {
        existing.push(f.word);
        continue;
      }
      seen.add(f.folded);
      try {
        const d = await this.Word.create({ owner, word: f.word, folded: f.folded });
        added.push({ id: String(d._id), owner, word: d.word, createdAt: d.createdAt });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        existing.push(f.word);
      }
    }
    if (added.length > 0) this.version++;
    return { added, existing };
  }

  /** The word, or null when there is none with this id. */
  async get(id: string): Promise<SensitiveWordView | null> {
    if (!isRecordId(id)) return null;
    const d = await this.Word.findById(id).lean();
    return d ? { id: String(d._id), owner: d.owner ?? null, word: d.word, createdAt: d.createdAt } : null;
  }

  async remove(id: string): Promise<boolean> {
    if (!isRecordId(id)) return false;
    const r = await this.Word.deleteOne({ _id: id });
    if (r.deletedCount === 1) this.version++;
    return r.deletedCount === 1;
  }

  /** The compiled list for an owner's texts: the file's words, the global ones and the owner's. */
  async screenFor(owner: string): Promise<SensitiveScreen> {
    const hit = this.screens.get(owner);
    if (hit && hit.version === this.version && this.now() - hit.at < SCREEN_TTL_MS) return hit.screen;
    const version = this.version;
    const docs = await this.Word.find({ owner: { $in: [null, owner] } }, { word: 1 }).lean();
    const screen = new SensitiveScreen([...this.fileWords, ...docs.map((d) => d.word)], this.simplified);
    if (this.screens.size > 10_000) this.screens.clear();
    this.screens.set(owner, { at: this.now(), version, screen });
    return screen;
  }

  /** Refuses (400 sensitive_word, each field and span named) texts that hold a listed word. */
  readonly screen = async (owner: string, fields: readonly ScreenedField[]): Promise<void> => {
    if (fields.length === 0) return;
    const screen = await this.screenFor(owner);
    if (screen.size === 0) return;
    const details = fields.flatMap((f) =>
      screen.check(f.text).map((h) => ({
        path: f.path,
        message: `contains the sensitive word "${h.word}" (characters ${h.start}-${h.end}: "${f.text.slice(h.start, h.end)}")`,
        word: h.word,
        start: h.start,
        end: h.end,
      })),
    );
    if (details.length > 0)
      throw badRequest(
        'sensitive_word',
        `the text holds sensitive words: ${[...new Set(details.map((d) => d.word))].join(', ')}`,
        details,
      );
  };
}

/** The words of a list file: one a line, blank lines and `#` comments skipped. */
export function readWordsFile(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the sensitive-words file ${file}: ${(err as Error).message}`);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}
