export { LaunchItemsError, LaunchService, type LaunchTaskView } from './launch.service';
export { materialsOf, sortGroups, type LaunchItem, type LaunchRefusal, type MiniProgramIdentity } from './launch-rules';
