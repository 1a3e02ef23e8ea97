import en from '../../console/src/i18n/en';
import zh from '../../console/src/i18n/zh-CN';

/** Every message of a tree, with its key path. */
function messages(tree: object, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : messages(v as object, `${prefix}${k}.`),
  );
}

/**
 * vue-i18n compiles messages: `@` starts a linked message, `|` separates plural forms, `{x}` is a
 * placeholder. A stray one breaks the page at run time (as `@消息` once did), so each is checked.
 */
describe('console messages', () => {
  test.each([
    ['zh-CN', zh],
    ['en', en],
  ])('when the %s messages are read, then none has message syntax by mistake', (_, tree) => {
    const all = messages(tree);
    expect(all.length).toBeGreaterThan(50);
    const bad = all.filter(([, text]) => {
      const plain = text.replace(/\{'[@|{}]'\}/g, '').replace(/\{[a-zA-Z]+\}/g, '');
      return /[@|{}]/.test(plain);
    });
    expect(bad).toEqual([]);
  });

  test('when both languages are read, then they have the same keys', () => {
    expect(messages(en).map(([k]) => k)).toEqual(messages(zh).map(([k]) => k));
  });
});
