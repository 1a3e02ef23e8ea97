import { createRequire } from 'node:module';

/** opencc-js's traditional-to-simplified build (its own types are ES-module only, so typed here). */
interface OpenCCT2Cn {
  Converter(options: { from: 't'; to: 'cn' }): (text: string) => string;
}

/**
 * Traditional Chinese characters to simplified ones (OpenCC's tables via opencc-js), one code
 * point at a time and remembered, so screening maps each character of a text to one of its own.
 */
export function simplifiedChar(): (ch: string) => string {
  const { Converter } = createRequire(__filename)('opencc-js/t2cn') as OpenCCT2Cn;
  const convert = Converter({ from: 't', to: 'cn' });
  const seen = new Map<string, string>();
  return (ch: string) => {
    let out = seen.get(ch);
    if (out === undefined) {
      out = convert(ch);
      // A conversion that is not one character for one is not used: spans must map back.
      if ([...out].length !== 1) out = ch;
      if (seen.size > 50_000) seen.clear();
      seen.set(ch, out);
    }
    return out;
  };
}
