import { AppError } from '../http/errors';

/** Thrown for operations on a robot id that does not exist or is not running anywhere. */
export class RobotNotFoundError extends Error {
  override name = 'RobotNotFoundError';
  readonly code = 'robot_not_found';
}

/**
 * A robot runs in another qunbot process that did not answer a call about it in time (it may be
 * stopping or cut off; its lease expires and another process takes the robot over).
 */
export class RobotUnreachableError extends AppError {
  override name = 'RobotUnreachableError';
  constructor(robotId: string, waitedMs: number) {
    super(
      503,
      'robot_unreachable',
      `robot ${robotId} runs in another qunbot process that did not answer within ${Math.round(waitedMs / 1000)} s; try again`,
    );
  }
}
