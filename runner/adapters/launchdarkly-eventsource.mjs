// launchdarkly-eventsource (npm), LaunchDarkly's fork of eventsource 1.x used by its server SDKs,
// behind the adapter protocol; see http-client-common.mjs. It parses bytes itself (WebKit's parser
// ported). Its reconnection delay goes through its backoff strategy; the adapter runs the scheduled
// reconnection at once whatever the delay.
import { EventSource } from 'launchdarkly-eventsource';
import { serveHttpClient } from './http-client-common.mjs';
import { packageVersion } from './protocol.mjs';

serveHttpClient({
  name: 'launchdarkly-eventsource',
  version: packageVersion('launchdarkly-eventsource', import.meta.url),
  create: (url, headers) => new EventSource(url, { headers }),
  emitsOnlyWithListeners: false,
});
