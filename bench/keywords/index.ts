/**
 * bench/keywords: qunbot's compiled KeywordMatcher versus a straightforward loop over the rules
 * (`includes` per keyword, same folding), on the same 100,000 Chinese messages of 8 to 40
 * characters (one in five carries a keyword), with 10 to 10,000 rules of 2 to 5 character
 * keywords; the phrase finder's two strategies against each other around LOOP_UP_TO (where the
 * loop gives way to the automaton); and the sensitive-word screen at 10,000 words against a loop
 * over the words on the same folded text.
 */
import { LOOP_UP_TO, PhraseFinder } from '../../src/lib/phrase-finder';
import { KeywordMatcher, type MatchRule } from '../../src/plugins/keyword-reply/matcher';
import { foldText } from '../../src/plugins/shared/text';
import { simplifiedChar } from '../../src/sensitive/chinese-variants';
import { foldForScreening, SensitiveScreen } from '../../src/sensitive/screen-rules';
import { log, machine, median, percentile, printResult, round } from '../support';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const SIZES = [10, 30, 100, 300, 1_000, 10_000];
const CROSSOVER = [8, 16, 32, 48, 64, 96, 128];

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

/**
 * Times `a` and `b` on the same messages in chunks that take turns (the order swapping each
 * chunk), so each ratio compares runs made seconds apart on this drifting machine. `speedup` is
 * the median of the chunks' b/a ratios.
 */
function paired(
  messages: string[],
  a: (m: string) => unknown,
  b: (m: string) => unknown,
  chunk = 5_000,
): { a: ReturnType<typeof time>; b: ReturnType<typeof time>; speedup: number; ratios: number[] } {
  const ra: ReturnType<typeof time>[] = [];
  const rb: ReturnType<typeof time>[] = [];
  for (let i = 0, n = 0; i < messages.length; i += chunk, n++) {
    const part = messages.slice(i, i + chunk);
    if (n % 2 === 0) {
      ra.push(time(part, a));
      rb.push(time(part, b));
    } else {
      rb.push(time(part, b));
      ra.push(time(part, a));
    }
  }
  const join = (rs: ReturnType<typeof time>[]) => ({
    perMsgNs: rs.flatMap((r) => r.perMsgNs),
    totalMs: rs.reduce((x, r) => x + r.totalMs, 0),
    hits: rs.reduce((x, r) => x + r.hits, 0),
  });
  const ratios = ra.map((r, i) => rb[i].totalMs / r.totalMs);
  return { a: join(ra), b: join(rb), speedup: median(ratios), ratios };
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
    // Warm both up.
    time(messages.slice(0, 5000), (m) => matcher.match(m));
    time(messages.slice(0, size > 1000 ? 200 : 5000), (m) => loopMatch(folded, m));
    const {
      a: q,
      b,
      speedup,
      ratios,
    } = paired(
      messages,
      (m) => matcher.match(m),
      (m) => loopMatch(folded, m),
    );
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
      speedup: round(speedup, 2),
      speedupP10P90: [round(percentile(ratios, 10), 2), round(percentile(ratios, 90), 2)],
      matched: q.hits,
    };
    log(JSON.stringify(row));
    results.push(row);
  }

  // The finder's strategies against each other: where the loop stops paying.
  const crossover = CROSSOVER.map((n) => {
    const phrases = POOL.slice(0, n);
    const loop = new PhraseFinder(phrases, Infinity);
    const automaton = new PhraseFinder(phrases, 0);
    const folded = messages.map(foldText);
    time(folded.slice(0, 2000), (m) => automaton.found(m).length);
    const l = time(folded, (m) => loop.found(m).length);
    const a = time(folded, (m) => automaton.found(m).length);
    return {
      phrases: n,
      loopMs: round(l.totalMs, 0),
      automatonMs: round(a.totalMs, 0),
      loopOverAutomaton: round(a.totalMs / l.totalMs, 2),
    };
  });
  log(JSON.stringify({ crossover, LOOP_UP_TO }));

  // Sensitive words at 10,000: the screen (fold once, one finder) vs a loop over the folded words.
  const simplified = simplifiedChar();
  const words = POOL.slice(0, 10_000);
  const screen = new SensitiveScreen(words, simplified);
  const foldedWords = words.map((w) => foldForScreening(w, simplified).text);
  const loopScreen = (m: string) => {
    const f = foldForScreening(m, simplified).text;
    let n = 0;
    for (const w of foldedWords) if (f.includes(w)) n++;
    return n;
  };
  const sample = messages.slice(0, Math.min(MESSAGES, 20_000));
  time(sample.slice(0, 2000), (m) => screen.check(m).length);
  const { a: sq, b: sb, speedup: sensitiveSpeedup } = paired(sample, (m) => screen.check(m).length, loopScreen, 2_000);
  const sensitive = {
    words: words.length,
    messages: sample.length,
    qunbot: {
      p50us: round(percentile(sq.perMsgNs, 50) / 1000, 2),
      p99us: round(percentile(sq.perMsgNs, 99) / 1000, 2),
    },
    loop: { p50us: round(percentile(sb.perMsgNs, 50) / 1000, 2), p99us: round(percentile(sb.perMsgNs, 99) / 1000, 2) },
    speedup: round(sensitiveSpeedup, 1),
    flagged: sq.hits,
  };
  log(JSON.stringify({ sensitive }));

  const big = results[results.length - 1];
  const slowest = results.reduce((a, b) => (b.speedup < a.speedup ? b : a));
  printResult({
    bench: 'keywords',
    metric: `speed-up over a loop at ${big.rules} rules (messages/s)`,
    qunbot: big.qunbot.msgsPerSec,
    baseline: big.loop.msgsPerSec,
    ratio: big.speedup,
    target: 300,
    unit: 'msg/s',
    p99us: big.qunbot.p99us,
    p99TargetUs: 20,
    slowestSize: { rules: slowest.rules, speedup: slowest.speedup, target: 1 },
    bySize: results,
    crossover,
    sensitive,
    messages: MESSAGES,
    machine: machine(),
  });
}

main();
