// eventsource-parser 4.x (npm) `createParser` behind the adapter protocol; see
// eventsource-parser-common.mjs for the translation. Needs Node >= 22.12 (its engines field).
import { createParser } from 'eventsource-parser';
import { serveEventsourceParser } from './eventsource-parser-common.mjs';

serveEventsourceParser({ packageName: 'eventsource-parser', createParser, adapterUrl: import.meta.url });
