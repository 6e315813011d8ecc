// undici 8.x's EventSource parser behind the adapter protocol; see undici-common.mjs. Needs
// Node >= 22.19 (its engines field).
import { serveUndici } from './undici-common.mjs';

serveUndici({ packageName: 'undici', adapterUrl: import.meta.url });
