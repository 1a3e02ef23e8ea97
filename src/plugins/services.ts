import type { Connection } from 'mongoose';
import type { RuntimeServices } from '../bot/runtime';
import { KeywordRuleService } from './keyword-reply/keyword-rule.service';
import { MentionService } from './mention-capture/mention.service';
import { SignInService } from './sign-in/sign-in.service';
import { WelcomeService } from './welcome/welcome.service';

/** Services of the plugins (rules, settings, records), shared with the API. */
export interface PluginOwnServices {
  keywords: KeywordRuleService;
  welcome: WelcomeService;
  mentions: MentionService;
  signIn: SignInService;
}

export function createPluginServices(conn: Connection, opts: { timeZone: string }): PluginOwnServices {
  return {
    keywords: new KeywordRuleService(conn),
    welcome: new WelcomeService(conn),
    mentions: new MentionService(conn),
    signIn: new SignInService(conn, opts.timeZone),
  };
}

/** What a plugin's `create` gets as `services`. */
export type PluginServices = RuntimeServices;
