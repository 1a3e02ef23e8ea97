/**
 * The baseline of bench/fleet, in a process of its own (its heap is not mixed with qunbot's): as
 * many bare Wechaty clients over puppet-service as the farm has servers (read as JSON from
 * stdin), started together; prints {"startupMs","heapMb"}: the time until all are logged in and
 * the heap per client.
 */
import { log as wechatyLog } from 'wechaty';
import { bareServiceClient, settledHeap } from '../support';

async function main() {
  wechatyLog.level('silent' as never);
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const servers = JSON.parse(input) as { token: string; endpoint: string }[];
  process.setMaxListeners(servers.length * 5 + 50);
  const before = await settledHeap();
  const t0 = Date.now();
  const bots = await Promise.all(servers.map(bareServiceClient));
  const startupMs = Date.now() - t0;
  const heapMb = ((await settledHeap()) - before) / servers.length / 2 ** 20;
  process.stdout.write(`${JSON.stringify({ startupMs, heapMb })}\n`);
  await Promise.all(bots.map((b) => b.stop().catch(() => undefined)));
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`bare clients failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
