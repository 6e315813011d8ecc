// runtime-eventsource.mjs: a runtime's own global EventSource behind the client mode: Node's (undici's,
// `node --experimental-eventsource`) or Deno's (`deno run --allow-net`). One translation: a runtime has
// no document, so a relative constructor URL is first resolved against the scenario's document URL
// (`base_url`) with the runtime's WHATWG URL parser, as constructor step 4 would with the document's
// base URL; withCredentials goes to the constructor as it is.
import process from 'node:process';
import { serveClient } from './client-mode.mjs';

const deno = globalThis.Deno;
if (typeof globalThis.EventSource !== 'function') {
  process.stderr.write('no global EventSource (Node needs --experimental-eventsource)\n');
  process.exit(2);
}
serveClient({
  name: deno ? 'deno (EventSource)' : 'node (EventSource)',
  version: deno ? deno.version.deno : process.versions.node,
  create: (url, init, baseUrl) => new EventSource(new URL(url, baseUrl).href, init),
});
