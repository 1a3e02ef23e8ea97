import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../src/lib/package-root';

describe('packageRoot', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-root-'));
  beforeAll(() => {
    fs.writeFileSync(path.join(root, 'package.json'), '{}');
    for (const dir of ['src/db', 'dist/src/db', 'dist-bench/src/db'])
      fs.mkdirSync(path.join(root, dir), { recursive: true });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test.each(['src/db', 'dist/src/db', 'dist-bench/src/db', '.'])(
    'when asked from %s (sources or a compiled tree), then it is the folder of package.json',
    (from) => {
      expect(packageRoot(path.join(root, from))).toBe(root);
    },
  );

  test("when asked from this repository's src/db, then it holds scripts/mongo-test-server.sh", () => {
    const found = packageRoot(path.join(__dirname, '../../src/db'));
    expect(fs.existsSync(path.join(found, 'scripts', 'mongo-test-server.sh'))).toBe(true);
  });

  test('when no package.json is above, then it says so', () => {
    expect(() => packageRoot(path.parse(root).root)).toThrow(/no package.json above/);
  });
});
