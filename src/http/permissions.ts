/**
 * The permission tree (seed 004 权限 3.1-3.4): groups of permissions, each with a stable key that
 * endpoints declare and roles hold. The keys are the contract; names are for people.
 */
export const PERMISSION_TREE = [
  {
    key: 'robots',
    name: '机器人 Robots',
    children: [
      { key: 'robots.read', name: '查看机器人 See robots and their QR codes' },
      { key: 'robots.write', name: '管理机器人 Create, change, log in, log out, stop and delete robots' },
    ],
  },
  {
    key: 'rooms',
    name: '群 Rooms',
    children: [
      { key: 'rooms.read', name: '查看群 See rooms' },
      { key: 'rooms.write', name: '管理群 Sync rooms, change room settings' },
    ],
  },
  {
    key: 'messages',
    name: '消息 Messages',
    children: [
      { key: 'messages.read', name: '查看发送记录 See sends and their outcomes' },
      { key: 'messages.send', name: '发送消息 Send messages into rooms' },
    ],
  },
  {
    key: 'broadcasts',
    name: '定时群发 Broadcasts',
    children: [
      { key: 'broadcasts.read', name: '查看群发 See broadcasts and their runs' },
      { key: 'broadcasts.write', name: '管理群发 Create, change, run, recall and delete broadcasts' },
    ],
  },
  {
    key: 'plugins',
    name: '群功能 Room features',
    children: [
      { key: 'keywords.read', name: '查看关键词 See keyword replies' },
      { key: 'keywords.write', name: '管理关键词 Manage keyword replies' },
      { key: 'sign_in.read', name: '查看签到 See sign-in rules and leaderboards' },
      { key: 'sign_in.write', name: '管理签到 Manage sign-in rules' },
      { key: 'welcome.read', name: '查看欢迎语 See welcome messages' },
      { key: 'welcome.write', name: '管理欢迎语 Manage welcome messages' },
      { key: 'mentions.read', name: '查看@消息 See captured mentions' },
      { key: 'mentions.write', name: '处理@消息 Reply to mentions, mark them read, switch notifications' },
    ],
  },
  {
    key: 'scripts',
    name: '话术 Reply scripts',
    children: [
      { key: 'scripts.read', name: '查看话术 See reply scripts' },
      { key: 'scripts.write', name: '管理话术 Manage reply-script groups and items' },
      { key: 'scripts.send', name: '发送话术 Send a script item into a room or as a reply' },
    ],
  },
  {
    key: 'integrations',
    name: '对接 Integrations',
    children: [
      { key: 'webhooks.read', name: '查看回调 See webhooks, deliveries and developer callbacks' },
      { key: 'webhooks.write', name: '管理回调 Manage webhooks and developer callbacks' },
      { key: 'api_keys.manage', name: '管理 API 密钥 Manage API keys' },
    ],
  },
  {
    key: 'group_owners',
    name: '群主 Group owners',
    children: [
      { key: 'group_owners.read', name: '查看群主 See group owners, their robots and groups' },
      {
        key: 'group_owners.write',
        name: '管理群主 Assign robots, change, block group owners; assign and cancel their groups',
      },
    ],
  },
  {
    key: 'content_safety',
    name: '内容安全 Content safety',
    children: [
      { key: 'sensitive_words.read', name: '查看敏感词 See sensitive-word lists' },
      { key: 'sensitive_words.write', name: '管理敏感词 Add and remove sensitive words' },
    ],
  },
  {
    key: 'system',
    name: '系统 System',
    children: [
      { key: 'operators.manage', name: '管理用户 Manage operator accounts' },
      { key: 'roles.manage', name: '管理角色与权限 Manage roles and the permission tree' },
      { key: 'audit.read', name: '查看操作日志 Read the audit log' },
    ],
  },
] as const;

/** A permission key, e.g. `robots.write`. */
export type Permission = (typeof PERMISSION_TREE)[number]['children'][number]['key'];

/** Every permission key, in tree order. */
export const ALL_PERMISSIONS: readonly Permission[] = PERMISSION_TREE.flatMap((g) => g.children.map((c) => c.key));

const KNOWN = new Set<string>(ALL_PERMISSIONS);

/** True when `key` is a permission of the tree. */
export const isPermission = (key: string): key is Permission => KNOWN.has(key);
