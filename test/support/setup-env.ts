import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log as puppetLog } from 'wechaty-puppet';

// Wechaty's own logger writes to the console; tests read qunbot's logs instead.
puppetLog.level('silent');
// The puppet-service client may write a cache under $HOME/.wechaty: keep it out of the real home.
process.env.HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-home-'));
