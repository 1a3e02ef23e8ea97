import type { Clock } from '../../src/bot/core/clock';

interface Timer {
  at: number;
  resolve: () => void;
}

/**
 * A clock that only moves when told. `sleep` registers a timer; `nextSleep()` resolves when the
 * code under test starts waiting; `advance(ms)` fires the timers that fall due.
 */
export class FakeClock implements Clock {
  private t: number;
  private timers: Timer[] = [];
  private sleepWaiters: ((ms: number) => void)[] = [];

  constructor(start = Date.UTC(2026, 10, 22, 1, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = { at: this.t + ms, resolve };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(signal.reason);
      });
      for (const w of this.sleepWaiters.splice(0)) w(ms);
    });
  }

  /** Resolves with the duration of the next sleep the code under test starts. */
  nextSleep(): Promise<number> {
    return new Promise((resolve) => this.sleepWaiters.push(resolve));
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Moves time to the earliest pending timer and fires it; false when none is pending. */
  advanceToNext(): boolean {
    const next = [...this.timers].sort((a, b) => a.at - b.at)[0];
    if (!next) return false;
    this.advance(next.at - this.t);
    return true;
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.resolve();
    }
    this.t = end;
  }
}
