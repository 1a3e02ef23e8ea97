/** A written text to check, named by its field path in the request (`text`, `replies.0.text`). */
export interface ScreenedField {
  path: string;
  text: string;
}

/**
 * Checks texts an operator or owner wrote against the sensitive-word lists of `owner` (the
 * global one and the owner's): resolves when none holds a listed word, else rejects with
 * 400 `sensitive_word` naming each field and span, so the caller stores nothing.
 */
export type TextScreen = (owner: string, fields: readonly ScreenedField[]) => Promise<void>;
