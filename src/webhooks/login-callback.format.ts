import { baseHeaders, type DeliveryFormat } from './formats';

/** The robot's own callback URL, called after each QR login. */
export const LOGIN_CALLBACK_FORMAT = 'login-callback';

/** A plain GET of the robot's callback URL, naming the robot in a header (unsigned, no body). */
export const loginCallbackFormat: DeliveryFormat = {
  render(d, ctx) {
    if (!d.url) return { drop: 'no url' };
    return {
      url: d.url,
      method: 'GET',
      headers: { ...baseHeaders(d), ...(d.robotId ? { 'X-Qunbot-Robot-Id': d.robotId } : {}) },
      timeoutMs: ctx.timeouts.callbackMs,
    };
  },
};
