import Router from '@koa/router';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { EndpointRouter } from '../../http/endpoint';
import { callerAuthenticator } from '../middleware/authenticate';
import type { V1Deps } from './deps';
import { queueSend } from './send';
import { docsRoutes } from './docs.routes';
import { apiKeyEndpoints } from './api-keys.endpoints';
import { messageEndpoints } from './messages.endpoints';
import { eventEndpoints } from './events.endpoints';
import { robotEndpoints } from './robots.endpoints';
import { roomEndpoints } from './rooms.endpoints';
import { webhookEndpoints } from './webhooks.endpoints';
import { broadcastEndpoints } from './broadcasts.endpoints';
import { operatorEndpoints } from './operators.endpoints';
import { auditAction } from './audit';
import { auditEndpoints } from './audit.endpoints';
import { companyEndpoints } from './companies.endpoints';
import { scriptEndpoints } from './scripts.endpoints';
import { sessionEndpoints } from './sessions.endpoints';
import { statisticsEndpoints } from './statistics.endpoints';
import { groupOwnerEndpoints } from './group-owners.endpoints';
import { launchEndpoints } from './launch.endpoints';
import { sensitiveWordEndpoints } from './sensitive-words.endpoints';
import { processEndpoints } from './processes.endpoints';

export const V1_PREFIX = '/api/v1';

/** The native API: every endpoint validated by zod and listed in one OpenAPI 3.1 document. */
export function nativeApi(deps: V1Deps) {
  const router = new Router({ prefix: V1_PREFIX });
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: Authorization: Bearer qb_... (or the X-Api-Key header)',
  });
  registry.registerComponent('securitySchemes', 'session', {
    type: 'http',
    scheme: 'bearer',
    description:
      "An operator session: Authorization: Bearer qs_... from POST /api/v1/sessions, or its HttpOnly cookie (then state-changing requests send the session's csrfToken in X-CSRF-Token)",
  });
  const api = new EndpointRouter(
    router,
    registry,
    callerAuthenticator(deps.keys, deps.people?.auth, deps.authLimiter),
    V1_PREFIX,
    deps.people ? auditAction(deps.people) : undefined,
  );
  robotEndpoints(api, deps);
  processEndpoints(api, deps);
  const events = eventEndpoints(api, {
    runtime: deps.runtime,
    keys: deps.keys,
    ...(deps.people ? { people: deps.people } : {}),
    ...(deps.mentions ? { mentions: deps.mentions } : {}),
    ...(deps.eventsHeartbeatMs ? { heartbeatMs: deps.eventsHeartbeatMs } : {}),
  });
  const rt = deps.runtime;
  deps.pluginEndpoints?.(api, {
    robots: rt.robots,
    rooms: rt.rooms,
    send: (robotId, send) => queueSend(rt, robotId, send),
    maxPageSize: deps.maxPageSize,
    ...(deps.sensitive ? { screen: deps.sensitive.screen } : {}),
  });
  roomEndpoints(api, deps);
  if (deps.stats) statisticsEndpoints(api, deps, deps.stats);
  if (deps.groupOwners) groupOwnerEndpoints(api, deps, deps.groupOwners);
  if (deps.launch) launchEndpoints(api, deps, deps.launch);
  if (deps.sensitive) sensitiveWordEndpoints(api, deps.sensitive);
  messageEndpoints(api, deps);
  apiKeyEndpoints(api, deps);
  webhookEndpoints(api, deps);
  broadcastEndpoints(api, deps);
  deps.dialectEndpoints?.(api);
  if (deps.scripts)
    scriptEndpoints(api, {
      scripts: deps.scripts,
      runtime: deps.runtime,
      ...(deps.mentions ? { mentions: deps.mentions } : {}),
      ...(deps.sensitive ? { screen: deps.sensitive.screen } : {}),
    });
  if (deps.people) {
    sessionEndpoints(api, deps, deps.people);
    operatorEndpoints(api, deps.people);
    auditEndpoints(api, deps.people, deps.maxPageSize);
    companyEndpoints(api, deps.people);
  }

  let doc: object | undefined;
  const document = () =>
    (doc ??= new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: 'qunbot API',
        version: '1',
        description: 'Native management API of qunbot. Errors: { error: { code, message, details } }.',
      },
    }));
  router.get('/openapi.json', (ctx) => {
    ctx.body = document();
  });
  docsRoutes(router, V1_PREFIX);
  /** Ends the open event streams (at shutdown, before the HTTP server closes). */
  const close = () => events.close();
  return { router, document, close };
}
