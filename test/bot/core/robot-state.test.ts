import { nextStatus, type RobotSignal, type RobotStatus } from '../../../src/bot/core/robot-state';

describe('nextStatus', () => {
  test.each([
    ['created', 'start', 'starting'],
    ['starting', 'scan', 'waiting_for_scan'],
    ['waiting_for_scan', 'scan', 'waiting_for_scan'],
    ['waiting_for_scan', 'login', 'logged_in'],
    ['starting', 'login', 'logged_in'],
    ['logged_in', 'logout', 'logged_out'],
    ['logged_out', 'scan', 'waiting_for_scan'],
    ['starting', 'network_down', 'offline'],
    ['logged_in', 'network_down', 'offline'],
    ['offline', 'start', 'starting'],
    ['offline', 'login', 'logged_in'],
    ['logged_in', 'stop', 'stopped'],
    ['stopped', 'start', 'starting'],
    ['waiting_for_scan', 'fatal', 'error'],
    ['error', 'start', 'starting'],
  ] as [RobotStatus, RobotSignal, RobotStatus][])('when %s gets %s, then %s', (from, signal, to) => {
    expect(nextStatus(from, signal)).toBe(to);
  });

  test.each([
    ['stopped', 'scan'],
    ['stopped', 'login'],
    ['created', 'logout'],
    ['logged_in', 'start'],
    ['offline', 'network_down'],
    ['created', 'network_down'],
  ] as [RobotStatus, RobotSignal][])('when %s gets %s, then the signal is ignored', (from, signal) => {
    expect(nextStatus(from, signal)).toBeNull();
  });
});
