import fs from 'node:fs';
import path from 'node:path';

/**
 * The folder of qunbot's package.json above `from`: the same answer from the sources
 * (`src/db/`) and from the compiled tree (`dist/src/db/`, `dist-bench/src/db/`).
 */
export function packageRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
