import { answer, RtCode } from './envelope';
import { boundRobot, iface, loggedIn, parse, type InterfaceFactory } from './endpoint';
import { emptyBody } from './schemas';

/** botStatus: `login` while the bound robot is logged in to WeChat, else `logout`. */
export const botStatusInterfaces: InterfaceFactory = (deps) => ({
  botStatus: iface({
    parse: (b) => parse(emptyBody, b, 'reqBody'),
    async act({ channel, head }) {
      const robotId = await boundRobot(deps, channel, head.botcode);
      return {
        answer: answer(RtCode.ok, '成功', { botStatus: (await loggedIn(deps, robotId)) ? 'login' : 'logout' }),
        meta: { robotId },
      };
    },
  }),
});
