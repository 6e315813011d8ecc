// undici 7.x (npm alias undici-7), the major Node 20 and 22 bundle, behind the adapter protocol;
// see undici-common.mjs.
import { serveUndici } from './undici-common.mjs';

serveUndici({ packageName: 'undici-7', adapterUrl: import.meta.url });
