import { outboundContent, type OutboundContent } from '../bot/content';

/** One content item of a delivery task, as the seed sends it (群投放 content.items). */
export interface LaunchItem {
  /** 1 text, 2 image, 3 link, 4 mini-program. */
  type: number;
  title?: string | null;
  /** Text; a link's description; a mini-program's image URL. */
  content?: string | null;
  /** An image's URL; a link's thumbnail. */
  filePath?: string | null;
  /** A link's landing page; a mini-program's page (or its web URL, which is not sent). */
  url?: string | null;
}

/** The mini-program a delivery credential's type-4 items open (the seed's items carry no appid). */
export interface MiniProgramIdentity {
  appid: string;
  username: string;
}

export interface ItemProblem {
  index: number;
  field: keyof LaunchItem;
  message: string;
}

const isHttp = (s: string | null | undefined): s is string => typeof s === 'string' && /^https?:\/\/\S+$/i.test(s);
const text = (s: string | null | undefined) => (typeof s === 'string' ? s.trim() : '');

/**
 * The sends of a task's items, in order, or the problems that stop it (nothing is delivered
 * when any item cannot be sent as the seed describes it).
 */
export function materialsOf(
  items: readonly LaunchItem[],
  miniProgram: MiniProgramIdentity | undefined,
): { materials: OutboundContent[]; problems: ItemProblem[] } {
  const materials: OutboundContent[] = [];
  const problems: ItemProblem[] = [];
  items.forEach((item, index) => {
    const bad = (field: keyof LaunchItem, message: string) => problems.push({ index, field, message });
    const before = materials.length;
    checkItem(item, miniProgram, bad, materials);
    // What every send must be (safe text, lengths, URLs), as the API checks its own sends.
    const made = materials[before];
    if (made && !outboundContent.safeParse(made).success) {
      materials.length = before;
      bad('content', 'not sendable: control characters, or a text, title or address too long');
    }
  });
  return { materials, problems };
}

/** Appends the item's send to `materials`, or reports what is missing. */
function checkItem(
  item: LaunchItem,
  miniProgram: MiniProgramIdentity | undefined,
  bad: (field: keyof LaunchItem, message: string) => void,
  materials: OutboundContent[],
): void {
  switch (item.type) {
    case 1:
      if (!text(item.content)) bad('content', 'a text item needs content');
      else materials.push({ type: 'text', text: text(item.content) });
      return;
    case 2:
      if (!isHttp(item.filePath)) bad('filePath', 'an image item needs the image’s http(s) URL in filePath');
      else materials.push({ type: 'image', url: item.filePath });
      return;
    case 3:
      if (!isHttp(item.url)) bad('url', 'a link item needs an http(s) url');
      else if (!text(item.title)) bad('title', 'a link item needs a title');
      else
        materials.push({
          type: 'link',
          title: text(item.title),
          url: item.url,
          ...(text(item.content) ? { description: text(item.content) } : {}),
          ...(isHttp(item.filePath) ? { thumbnailUrl: item.filePath } : {}),
        });
      return;
    case 4:
      if (!miniProgram) bad('type', 'no mini-program is configured for this delivery credential');
      else if (!text(item.title)) bad('title', 'a mini-program item needs a title');
      else
        materials.push({
          type: 'miniprogram',
          appid: miniProgram.appid,
          username: miniProgram.username,
          title: text(item.title),
          // A page path opens that page; a web URL (the seed's weburl) is not a page: the home page opens.
          ...(text(item.url) && !isHttp(item.url) ? { pagePath: text(item.url) } : {}),
          ...(isHttp(item.content) ? { thumbUrl: item.content } : {}),
        });
      return;
    default:
      bad('type', 'type must be 1 text, 2 image, 3 link or 4 mini-program');
  }
}

/** Why a listed group does not get a task. */
export type LaunchRefusal = 'unknown_group' | 'switch_off' | 'robot_not_in_group';

/** A listed group as the owner's rooms know it (undefined: not a room of the owner's robots). */
export interface LaunchRoom {
  id: string;
  launch: boolean;
  present: boolean;
}

/** Which listed groups get the task (switch on, robot in the group) and why the others do not; each id once. */
export function sortGroups(
  groupIds: readonly string[],
  rooms: ReadonlyMap<string, LaunchRoom>,
): { accepted: string[]; refused: { groupId: string; reason: LaunchRefusal }[] } {
  const accepted: string[] = [];
  const refused: { groupId: string; reason: LaunchRefusal }[] = [];
  const seen = new Set<string>();
  for (const groupId of groupIds) {
    const key = groupId.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const room = rooms.get(key);
    if (!room) refused.push({ groupId, reason: 'unknown_group' });
    else if (!room.launch) refused.push({ groupId, reason: 'switch_off' });
    else if (!room.present) refused.push({ groupId, reason: 'robot_not_in_group' });
    else accepted.push(room.id);
  }
  return { accepted, refused };
}
