import type { OutboundContent } from '../bot/content';
import type { Schedule } from './schedule';
import type { DeliveryStatus, RunCounts, SkipReason } from './report';

export type TargetFlag = 'production' | 'launch' | 'bound';

/** Which rooms a broadcast goes to (always among its owner's robots). */
/** Listed rooms; or every present room with a flag on, or every one (optionally only those rated at least `minStar`). */
export type Targets =
  | { mode: 'rooms'; roomIds: string[] }
  | { mode: 'flag'; flag: TargetFlag; minStar?: number }
  | { mode: 'all'; minStar?: number };

/** The schedule as callers give it; a cron without a zone is read in the configured zone. */
export type ScheduleInput =
  { kind: 'now' } | { kind: 'once'; at: Date } | { kind: 'cron'; expression: string; timeZone?: string | undefined };

export interface BroadcastInput {
  owner: string;
  name: string;
  materials: OutboundContent[];
  targets: Targets;
  schedule: ScheduleInput;
  endAt?: Date | undefined;
  maxRuns?: number | undefined;
  source?: string | undefined;
}

export type BroadcastState = 'active' | 'paused' | 'finished' | 'recalled';

export interface BroadcastView {
  id: string;
  owner: string;
  name: string;
  materials: OutboundContent[];
  targets: Targets;
  schedule: Schedule;
  endAt?: Date;
  maxRuns?: number;
  state: BroadcastState;
  nextRunAt: Date | null;
  /** Runs recorded (executed and missed) and executed. */
  runs: number;
  executed: number;
  source?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface RunView {
  id: string;
  taskId: string;
  seq: number;
  scheduledFor: Date;
  plan: 'run' | 'missed';
  missed: number;
  state: 'dispatching' | 'sending' | 'finished' | 'missed';
  startedAt?: Date;
  finishedAt?: Date;
  /** Live counts until the run finishes, then the counts it finished with. */
  report: RunCounts;
}

export interface SendPartView {
  id: string;
  status: string;
  puppetMessageId?: string;
  sentAt?: Date;
  recalledAt?: Date;
  recallError?: string;
  error?: string;
}

export interface DeliveryView {
  roomId: string;
  robotId: string;
  topic?: string;
  status: DeliveryStatus;
  reason?: SkipReason;
  sends: SendPartView[];
}

/** A broadcast error a caller caused; the API turns `kind` into 400/404/409. */
export class BroadcastError extends Error {
  override name = 'BroadcastError';
  constructor(
    readonly kind: 'invalid' | 'not_found' | 'conflict',
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
