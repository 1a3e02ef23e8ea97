/** Seed 002 group-owner platform API, robot and group operations (see /work/shared/seeds/002 and the README's "Seed 002"). */
import { appEndpoints } from './app.endpoints';
import { groupEndpoints } from './groups.endpoints';
import { keywordEndpoints } from './keywords.endpoints';
import { mentionEndpoints } from './mentions.endpoints';
import { starEndpoints } from './stars.endpoints';
import { launchEndpoints } from './launch.endpoints';
import { OwnerTasks } from './owner-tasks.service';
import { taskEndpoints } from './tasks.endpoints';
import { RobotCards } from './robot-profile';
import { robotEndpoints } from './robots.endpoints';
import { buildSeed002Router, type Seed002Deps } from './router';
import { userEndpoints } from './users.endpoints';
import { welcomeEndpoints } from './welcome.endpoints';

/** The seed 002 router with every endpoint. */
export function seed002Router(deps: Seed002Deps) {
  const cards = new RobotCards(deps.runtime, deps.log.child({ module: 'seed002' }));
  return buildSeed002Router(deps, [
    appEndpoints,
    userEndpoints,
    robotEndpoints(cards),
    groupEndpoints,
    welcomeEndpoints,
    keywordEndpoints,
    mentionEndpoints,
    starEndpoints,
    launchEndpoints,
    taskEndpoints(new OwnerTasks(deps.connection, deps.tenant)),
  ]);
}

export type { Seed002Deps } from './router';
export { seed002Mount, rewriteSeed002Error, Code } from './envelope';
export { AppStatusService } from './app-status.service';
export { OwnerTokens } from './owner-tokens';
export { startMentionNotices } from './mention-notices';
