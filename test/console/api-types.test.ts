import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiHarness } from '../support/api';
import { useTestDatabase } from '../support/mongo';

/**
 * The console's API types (console/src/api/schema.d.ts) are generated from the native API's
 * OpenAPI document by openapi-typescript, never written by hand. This test regenerates them (with
 * the package's CLI: its module graph is ESM, which jest's runtime cannot load) and fails when the
 * committed file is stale; `npm run console:types` writes it.
 */
const t = useTestDatabase(__filename);
const ROOT = path.join(__dirname, '../..');
const FILE = path.join(ROOT, 'console/src/api/schema.d.ts');
const CLI = path.join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');

describe('console API types', () => {
  test('when the OpenAPI document is turned into TypeScript, then it equals the committed console/src/api/schema.d.ts', async () => {
    const h = await apiHarness(t.db);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-api-types-'));
    try {
      const doc = path.join(dir, 'openapi.json');
      const out = path.join(dir, 'schema.d.ts');
      fs.writeFileSync(doc, JSON.stringify(h.native.document()));
      await new Promise<void>((resolve, reject) =>
        execFile(process.execPath, [CLI, doc, '--output', out, '--alphabetize'], { cwd: ROOT }, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
      const text = fs.readFileSync(out, 'utf8');
      expect(text).toContain('"/api/v1/robots/{id}/qrcode"');
      if (process.env.UPDATE_API_TYPES === '1') fs.writeFileSync(FILE, text);
      expect(fs.readFileSync(FILE, 'utf8')).toBe(text);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
