import { ownerOf } from './platforms';
import { endpoint, type EndpointDeps, type EndpointFactory } from './router';
import { signRuleBody } from './schemas';

/**
 * POST /robot/define_sign_rule/ {md_username, keyword, platform_id}: the user's sign-in keyword.
 * One rule per platform user (created the first time, its keyword replaced after), applying in
 * every room of every robot of that user; a member who types the keyword there is signed in by
 * the sign-in plugin. The rule's other settings (points, replies, windows) keep their defaults
 * or what the native API set (/api/v1/sign-in-rules, owner `seed000:<platform>:<md_username>`).
 */
export const signRuleEndpoints: EndpointFactory = (deps: EndpointDeps) => [
  endpoint({
    method: 'post',
    path: '/robot/define_sign_rule',
    input: signRuleBody,
    handle: async ({ platform, input }) => {
      const rule = await deps.signIn.defineKeyword(ownerOf(platform.id, input.md_username), input.keyword);
      return { md_username: input.md_username, keyword: rule.keywords[0] };
    },
  }),
];
