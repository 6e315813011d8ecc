// eventsource-parser 3.x (npm alias eventsource-parser-3), the major inside @ai-sdk/provider-utils and
// @modelcontextprotocol/sdk, behind the adapter protocol; see eventsource-parser-common.mjs.
import { createParser } from 'eventsource-parser-3';
import { serveEventsourceParser } from './eventsource-parser-common.mjs';

serveEventsourceParser({ packageName: 'eventsource-parser-3', createParser, adapterUrl: import.meta.url });
