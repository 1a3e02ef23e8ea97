/**
 * bench/keywords: qunbot's compiled KeywordMatcher versus a straightforward loop over the rules
 * (`includes` per keyword, same folding), on the same 100,000 Chinese messages of 8 to 40
 * characters (one in five carries a keyword), with 10, 1,000 and 10,000 rules of 2 to 5
 * character keywords.
 */
import { KeywordMatcher, type MatchRule } from '../../src/plugins/keyword-reply/matcher';
import { foldText } from '../../src/plugins/shared/text';
import { log, machine, percentile, printResult, round } from '../support';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const SIZES = [10, 1_000, 10_000];

/** Deterministic pseudo-random numbers, so every run sees the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const CJK_START = 0x4e00;
const COMMON = 3000; // draw from the 3,000 most common-looking range so keywords do occur
function text(random: () => number, min: number, max: number): string {
  const n = min + Math.floor(random() * (max - min + 1));
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(CJK_START + Math.floor(random() * COMMON));
  return s;
}

/** One pool of keywords; a rule set of n rules uses the first n. */
const POOL = (() => {
  const random = rng(7);
  return Array.from({ length: Math.max(...SIZES) }, () => text(random, 2, 5));
})();

function rules(n: number): MatchRule[] {
  return POOL.slice(0, n).map((k, i) => ({
    id: `r${i}`,
    keywords: [k],
    mode: 'contains' as const,
    priority: i % 7,
    roomIds: [],
  }));
}

/** A message of 8 to 40 characters; one in five carries a keyword from the pool. */
function message(random: () => number): string {
  const body = text(random, 8, 36);
  if (random() >= 0.2) return body;
  const k = POOL[Math.floor(random() * POOL.length)];
  const at = Math.floor(random() * body.length);
  return body.slice(0, at) + k + body.slice(at);
}

function loopMatch(rs: MatchRule[], message: string): MatchRule | undefined {
  const folded = foldText(message);
  let best: MatchRule | undefined;
  for (const r of rs) {
    for (const k of r.keywords) {
      if (folded.includes(foldText(k)) && (!best || r.priority > best.priority)) best = r;
    }
  }
  return best;
}

function time(messages: string[], fn: (m: string) => unknown): { perMsgNs: number[]; totalMs: number; hits: number } {
  const perMsgNs = new Array<number>(messages.length);
  let hits = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < messages.length; i++) {
    const t0 = process.hrtime.bigint();
    if (fn(messages[i])) hits++;
    perMsgNs[i] = Number(process.hrtime.bigint() - t0);
  }
  return { perMsgNs, totalMs: Number(process.hrtime.bigint() - start) / 1e6, hits };
}

function main(): void {
  const random = rng(42);
  const messages = Array.from({ length: MESSAGES }, () => message(random));
  const results = [];
  for (const size of SIZES) {
    const rs = rules(size);
    // The loop folds keywords per comparison; give it pre-folded keywords so it is not handicapped.
    const folded = rs.map((r) => ({ ...r, keywords: r.keywords.map(foldText) }));
    const matcher = new KeywordMatcher(rs);
    time(messages.slice(0, 2000), (m) => matcher.match(m)); // warm up
    const q = time(messages, (m) => matcher.match(m));
    const b = time(messages, (m) => loopMatch(folded, m));
    if (q.hits !== b.hits)
      throw new Error(`matcher and loop disagree at ${size} rules: ${q.hits} vs ${b.hits} messages matched`);
    const row = {
      rules: size,
      qunbot: {
        msgsPerSec: round(MESSAGES / (q.totalMs / 1000), 0),
        p50us: round(percentile(q.perMsgNs, 50) / 1000, 2),
        p99us: round(percentile(q.perMsgNs, 99) / 1000, 2),
      },
      loop: {
        msgsPerSec: round(MESSAGES / (b.totalMs / 1000), 0),
        p50us: round(percentile(b.perMsgNs, 50) / 1000, 2),
        p99us: round(percentile(b.perMsgNs, 99) / 1000, 2),
      },
      speedup: round(b.totalMs / q.totalMs, 1),
      matched: q.hits,
    };
    log(JSON.stringify(row));
    results.push(row);
  }
  const big = results[results.length - 1];
  printResult({
    bench: 'keywords',
    metric: `speed-up over a loop at ${big.rules} rules (messages/s)`,
    qunbot: big.qunbot.msgsPerSec,
    baseline: big.loop.msgsPerSec,
    ratio: big.speedup,
    target: 50,
    unit: 'msg/s',
    p99us: big.qunbot.p99us,
    p99TargetUs: 20,
    bySize: results,
    messages: MESSAGES,
    machine: machine(),
  });
}

main();
