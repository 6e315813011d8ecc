// Debian's node-eventsource (the `eventsource` npm package 2.x, /usr/share/nodejs/eventsource), the
// version many distributions still ship, behind the adapter protocol; see http-client-common.mjs.
// It parses bytes itself (WebKit's parser ported); Debian's Node runs it.
import { createRequire } from 'node:module';
import { serveHttpClient } from './http-client-common.mjs';
import { packageVersion } from './protocol.mjs';

const packageFolder = '/usr/share/nodejs/eventsource';
const EventSource = createRequire(import.meta.url)(packageFolder);

serveHttpClient({
  name: 'eventsource (Debian node-eventsource)',
  version: packageVersion(packageFolder, import.meta.url),
  create: (url, headers) => new EventSource(url, { headers }),
  emitsOnlyWithListeners: true,
});
