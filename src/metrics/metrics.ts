import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuthFailureLimiter } from '../auth/auth-failure-limiter';
import { STAGE_SAMPLE_EVERY, type RobotManager, type RuntimeEvents } from '../bot/robot-manager';
import type { RobotService } from '../bot/robot.service';
import type { Fleet } from '../bot/fleet/fleet';

/** What the metrics read and listen to. */
export interface MetricsDeps {
  manager: Pick<RobotManager, 'on' | 'off' | 'hostedIds' | 'outbox'>;
  robots: Pick<RobotService, 'list'>;
  /** Counts failed authentications (absent: not counted). */
  authLimiter?: Pick<AuthFailureLimiter, 'onFailure'>;
  /** Webhook deliveries by status (absent: not reported). */
  webhookBacklog?: () => Promise<Map<string, number>>;
  /** This process's label on every series (several processes share one scrape config). */
  processLabel: string;
  /** This process's robot leases (absent: not reported). */
  fleet?: Pick<Fleet, 'on' | 'off' | 'size'>;
  /** Registers a listener of each broadcast run's lateness, in ms (absent: not reported). */
  onBroadcastFired?: (listener: (latenessMs: number) => void) => void;
}

/** A record id's creation second (ObjectIds start with it): when a send was queued. */
const queuedAtMs = (id: string) => parseInt(id.slice(0, 8), 16) * 1000;

/**
 * qunbot's Prometheus metrics (prom-client): the default process metrics and robots by status,
 * messages received and sent per robot, outbox queue depth and send latency, webhook backlog,
 * failed authentications, broadcast lateness, plugin stage times (sampled), robot leases held,
 * taken (takeovers) and lost; every series labelled with the process.
 */
export function startMetrics(deps: MetricsDeps): { registry: Registry; close(): void } {
  const registry = new Registry();
  registry.setDefaultLabels({ process: deps.processLabel });
  collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'qunbot_robots',
    help: 'Robots by status (all of the database, as this process reads it)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const r of await deps.robots.list()) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      for (const [status, n] of counts) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'qunbot_outbox_queue_depth',
    help: 'Sends waiting in the outbox of each robot running in this process',
    labelNames: ['robot'],
    registers: [registry],
    collect() {
      this.reset();
      for (const id of deps.manager.hostedIds()) this.set({ robot: id }, deps.manager.outbox(id)?.size ?? 0);
    },
  });
  const received = new Counter({
    name: 'qunbot_messages_received_total',
    help: 'Messages the robots of this process received (and handled)',
    labelNames: ['robot'],
    registers: [registry],
  });
  const sent = new Counter({
    name: 'qunbot_messages_sent_total',
    help: 'Sends that reached an outcome, by outcome (sent, failed, room_not_found, cancelled, unknown)',
    labelNames: ['robot', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'qunbot_send_latency_seconds',
    help: 'From queued to sent (whole seconds: the queue time is the record id’s second)',
    buckets: [1, 2, 5, 10, 30, 60, 120, 300, 900],
    registers: [registry],
  });
  const stageTime = new Histogram({
    name: 'qunbot_plugin_stage_seconds',
    help: `A plugin’s own time on an event (its handler and what it awaited, without the plugins after it), on one event in ${STAGE_SAMPLE_EVERY}`,
    labelNames: ['plugin'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  const authFailures = new Counter({
    name: 'qunbot_auth_failures_total',
    help: 'Failed authentications by door (native, operator, seed dialects)',
    labelNames: ['door'],
    registers: [registry],
  });
  const lateness = new Histogram({
    name: 'qunbot_broadcast_lateness_seconds',
    help: 'How late this process fired each broadcast run after its scheduled time',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  deps.onBroadcastFired?.((ms) => lateness.observe(Math.max(0, ms) / 1000));
  const takes = new Counter({
    name: 'qunbot_lease_takes_total',
    help: 'Robot leases this process took: kind "takeover" from a process that stopped renewing, "free" a released or new one',
    labelNames: ['kind'],
    registers: [registry],
  });
  const lost = new Counter({
    name: 'qunbot_lease_losses_total',
    help: 'Robot leases this process lost (not renewed in time, or taken by another): the robot stopped here',
    registers: [registry],
  });
  if (deps.fleet) {
    const fleet = deps.fleet;
    new Gauge({
      name: 'qunbot_leases_held',
      help: 'Robot leases this process holds (the robots it runs)',
      registers: [registry],
      collect() {
        this.set(fleet.size);
      },
    });
  }
  if (deps.webhookBacklog) {
    const backlog = deps.webhookBacklog;
    new Gauge({
      name: 'qunbot_webhook_deliveries',
      help: 'Webhook deliveries by status (queued and delivering: the backlog; dead: failed for good)',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [status, n] of await backlog()) this.set({ status }, n);
      },
    });
  }

  const onHandled = ({ robotId, event }: RuntimeEvents['handled'][0]) => {
    if (event.kind === 'message') received.inc({ robot: robotId });
  };
  const onSettled = ({ robotId, record }: RuntimeEvents['settled'][0]) => {
    sent.inc({ robot: robotId, status: record.status });
    if (record.status === 'sent' && record.sentAt)
      latency.observe(Math.max(0, (record.sentAt.getTime() - queuedAtMs(record.id)) / 1000));
  };
  const onStageTimed = ({ plugin, seconds }: RuntimeEvents['stage-timed'][0]) => stageTime.observe({ plugin }, seconds);
  const onTaken = ({ from }: { from: string | null }) => takes.inc({ kind: from ? 'takeover' : 'free' });
  const onLost = () => lost.inc();
  deps.manager.on('handled', onHandled);
  deps.manager.on('settled', onSettled);
  deps.manager.on('stage-timed', onStageTimed);
  deps.fleet?.on('taken', onTaken);
  deps.fleet?.on('lost', onLost);
  deps.authLimiter?.onFailure((door) => authFailures.inc({ door }));
  return {
    registry,
    close() {
      deps.manager.off('handled', onHandled);
      deps.manager.off('settled', onSettled);
      deps.manager.off('stage-timed', onStageTimed);
      deps.fleet?.off('taken', onTaken);
      deps.fleet?.off('lost', onLost);
    },
  };
}
