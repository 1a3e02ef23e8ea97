import fs from 'node:fs';
import path from 'node:path';
import { configSchema, envBindings, type Config, type EnvBinding } from './schema';

export type { Config } from './schema';

/** Start-up stops with this error; its message names every bad key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Raw = Record<string, unknown>;

// From source (tsx, jest) the JSON files sit beside this file; from the build (dist/config) they do not.
const CONFIG_DIR = fs.existsSync(path.join(__dirname, 'default.json'))
  ? __dirname
  : path.resolve(__dirname, '../../config');

function readJson(file: string): Raw {
  if (!fs.existsSync(file)) return {};
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Raw;
  } catch (err) {
    throw new ConfigError(`Invalid configuration: ${file} is not valid JSON (${(err as Error).message})`);
  }
}

function isPlainObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: Raw, over: Raw): Raw {
  const out: Raw = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? merge(out[k] as Raw, v) : v;
  }
  return out;
}

function getPath(obj: Raw, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((o, k) => (isPlainObject(o) ? o[k] : undefined), obj);
}

function setPath(obj: Raw, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (!isPlainObject(o[k])) o[k] = {};
    o = o[k] as Raw;
  }
  o[keys[keys.length - 1]] = value;
}

function parseEnvValue(b: EnvBinding, text: string): unknown {
  if (b.kind === 'number') return text.trim() === '' ? text : Number(text);
  if (b.kind === 'list')
    return text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  if (b.kind === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(text)) return true;
    if (/^(0|false|no|off)$/i.test(text)) return false;
    return text;
  }
  return text;
}

function deepFreeze<T>(o: T): T {
  if (isPlainObject(o) || Array.isArray(o)) {
    for (const v of Object.values(o as object)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * Loads config/default.json, then config/<NODE_ENV>.json, then the environment variables of
 * `envBindings`; validates with zod and returns a deeply frozen object.
 * Throws ConfigError naming each bad key (and the variable that set it).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, dir: string = CONFIG_DIR): Readonly<Config> {
  const nodeEnv = env.NODE_ENV || 'development';
  const files = [path.join(dir, 'default.json'), path.join(dir, `${nodeEnv}.json`)];
  let raw: Raw = { env: nodeEnv };
  for (const f of files) raw = merge(raw, readJson(f));

  const fromEnv = new Map<string, EnvBinding>();
  for (const b of envBindings) {
    if (b.secret && getPath(raw, b.path) !== undefined) {
      throw new ConfigError(
        `Invalid configuration: ${b.path} is a secret; set it only through ${b.env}, not in a config file`,
      );
    }
    const text = env[b.env];
    if (text === undefined || text === '') continue;
    setPath(raw, b.path, parseEnvValue(b, text));
    fromEnv.set(b.path, b);
  }

  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(root)';
      const b = fromEnv.get(key);
      const source = b ? ` (from ${b.env}${b.secret ? '' : `=${JSON.stringify(env[b.env])}`})` : '';
      return `  - ${key}${source}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return deepFreeze(result.data);
}
