import fs from 'node:fs';
import path from 'node:path';
import madge from 'madge';
import ts from 'typescript';

/**
 * The rules of the house (DESIGN.md §1), checked on the source's own imports: every import
 * points down the floors (api / jobs -> domain folders -> bot -> db / lib / http), mongoose is
 * named only by `*.model.ts` files and `src/db/`, pure decision code imports neither wechaty nor
 * mongoose, and no two files import each other in a circle.
 */
const ROOT = path.resolve(__dirname, '..');

interface Import {
  from: string;
  /** A repository path without extension for relative imports (`src/bot/robot`), else the package. */
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

function importsOf(file: string): Import[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false);
  const out: Import[] = [];
  const add = (spec: string, typeOnly: boolean) => {
    const to = spec.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)) : spec;
    out.push({ from: file, to, typeOnly });
  };
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = Boolean(
        clause?.isTypeOnly ||
        (clause &&
          !clause.name &&
          clause.namedBindings &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.every((e) => e.isTypeOnly)),
      );
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    }
  }
  return out;
}

const files = sourceFiles('src');
const imports = files.flatMap(importsOf);
const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);
const pkg = (to: string, name: string) => to === name || to.startsWith(`${name}/`);

/** Folder -> folders it must never import (the arrows that would run up the house). */
const NEVER: [string, string[]][] = [
  [
    'src/lib',
    [
      'src/db',
      'src/http',
      'src/bot',
      'src/plugins',
      'src/broadcasts',
      'src/webhooks',
      'src/auth',
      'src/scripts',
      'src/stats',
      'src/sensitive',
      'src/owners',
      'src/launch',
      'src/metrics',
      'src/api',
      'src/jobs',
    ],
  ],
  [
    'src/db',
    [
      'src/http',
      'src/bot',
      'src/plugins',
      'src/broadcasts',
      'src/webhooks',
      'src/auth',
      'src/scripts',
      'src/stats',
      'src/sensitive',
      'src/owners',
      'src/launch',
      'src/metrics',
      'src/api',
      'src/jobs',
    ],
  ],
  [
    'src/http',
    [
      'src/bot',
      'src/plugins',
      'src/broadcasts',
      'src/webhooks',
      'src/auth',
      'src/scripts',
      'src/stats',
      'src/sensitive',
      'src/owners',
      'src/launch',
      'src/metrics',
      'src/api',
      'src/jobs',
    ],
  ],
  [
    'src/bot',
    [
      'src/plugins',
      'src/broadcasts',
      'src/webhooks',
      'src/auth',
      'src/scripts',
      'src/stats',
      'src/sensitive',
      'src/owners',
      'src/launch',
      'src/metrics',
      'src/api',
      'src/jobs',
      'src/demo',
    ],
  ],
  [
    'src/plugins',
    ['src/broadcasts', 'src/webhooks', 'src/auth', 'src/scripts', 'src/sensitive', 'src/api', 'src/jobs', 'src/demo'],
  ],
  ['src/broadcasts', ['src/plugins', 'src/api', 'src/jobs', 'src/demo']],
  ['src/webhooks', ['src/broadcasts', 'src/api', 'src/jobs', 'src/demo']],
  ['src/auth', ['src/plugins', 'src/broadcasts', 'src/webhooks', 'src/scripts', 'src/api', 'src/jobs', 'src/demo']],
  ['src/scripts', ['src/plugins', 'src/broadcasts', 'src/webhooks', 'src/auth', 'src/api', 'src/jobs', 'src/demo']],
  [
    'src/stats',
    ['src/plugins', 'src/broadcasts', 'src/webhooks', 'src/auth', 'src/scripts', 'src/api', 'src/jobs', 'src/demo'],
  ],
  [
    'src/sensitive',
    [
      'src/plugins',
      'src/broadcasts',
      'src/webhooks',
      'src/auth',
      'src/scripts',
      'src/stats',
      'src/api',
      'src/jobs',
      'src/demo',
    ],
  ],
  [
    'src/owners',
    [
      'src/plugins',
      'src/broadcasts',
      'src/webhooks',
      'src/auth',
      'src/scripts',
      'src/stats',
      'src/sensitive',
      'src/api',
      'src/jobs',
      'src/demo',
    ],
  ],
  [
    'src/launch',
    [
      'src/plugins',
      'src/webhooks',
      'src/auth',
      'src/scripts',
      'src/stats',
      'src/sensitive',
      'src/owners',
      'src/api',
      'src/jobs',
      'src/demo',
    ],
  ],
  [
    'src/metrics',
    [
      'src/plugins',
      'src/broadcasts',
      'src/webhooks',
      'src/scripts',
      'src/stats',
      'src/sensitive',
      'src/owners',
      'src/launch',
      'src/api',
      'src/jobs',
      'src/demo',
    ],
  ],
  ['src/api', ['src/jobs', 'src/demo']],
];

/** Decision code: no I/O libraries, tested table-driven. */
const PURE = [
  /^src\/lib\//,
  /^src\/bot\/core\//,
  /-rules\.ts$/,
  /^src\/bot\/sayable\.ts$/,
  /^src\/plugins\/keyword-reply\/matcher\.ts$/,
  /^src\/plugins\/shared\/(text|cooldown)\.ts$/,
  /^src\/broadcasts\/(schedule|report)\.ts$/,
  /^src\/stats\/day-tally\.ts$/,
  /^src\/sensitive\/screen-rules\.ts$/,
  /^src\/webhooks\/runtime-events\.ts$/,
  /^src\/api\/compat\/seed001\/developer-callback\.ts$/,
];

describe('the house', () => {
  test('the source tree was read (the rules below have something to hold)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(imports.filter((i) => i.to === 'mongoose').length).toBeGreaterThan(10);
  });

  test.each(NEVER)('no file under %s imports %j', (folder, forbidden) => {
    const bad = imports.filter((i) => under(i.from, folder) && forbidden.some((f) => under(i.to, f)));
    expect(bad.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  test('only *.model.ts files and src/db/ import mongoose (types included)', () => {
    const bad = imports.filter(
      (i) => pkg(i.to, 'mongoose') && !i.from.endsWith('.model.ts') && !under(i.from, 'src/db'),
    );
    expect(bad.map((i) => i.from)).toEqual([]);
  });

  test('pure decision files import neither wechaty nor mongoose nor the database', () => {
    const pure = files.filter((f) => PURE.some((p) => p.test(f)));
    expect(pure.length).toBeGreaterThan(15);
    const bad = imports.filter(
      (i) =>
        pure.includes(i.from) &&
        !i.typeOnly &&
        (pkg(i.to, 'wechaty') || pkg(i.to, 'mongoose') || /^wechaty-/.test(i.to) || under(i.to, 'src/db')),
    );
    expect(bad.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  test('a plugin folder is named only by its own files and the registry', () => {
    const plugins = fs
      .readdirSync(path.join(ROOT, 'src/plugins'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'shared')
      .map((e) => `src/plugins/${e.name}`);
    expect(plugins.length).toBeGreaterThanOrEqual(4);
    // Other domain folders may use a plugin's service (webhooks publish mentions, dialects
    // define sign-in keywords), but the runtime and the other plugins never reach into one.
    const bad = imports.filter(
      (i) =>
        plugins.some((p) => under(i.to, p) && !under(i.from, p)) &&
        (under(i.from, 'src/bot') || (under(i.from, 'src/plugins') && i.from !== 'src/plugins/index.ts')),
    );
    expect(bad.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  test('no import cycle among the source files', async () => {
    const graph = await madge([path.join(ROOT, 'src'), path.join(ROOT, 'config')], {
      baseDir: ROOT,
      fileExtensions: ['ts'],
      tsConfig: path.join(ROOT, 'tsconfig.json'),
    });
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(100);
    expect(graph.circular()).toEqual([]);
  });
});
