// library-eventsource.mjs NAME: an npm library's EventSource class behind the client mode (see
// client-mode.mjs and ../ADAPTERS.md, "Client mode"), with its own connection code over the real
// network. NAME is one of the libraries below, each constructed as an application would construct
// it; a relative URL is resolved against the runner's base_url first (Node has no document).
import process from 'node:process';
import { packageVersion } from './protocol.mjs';
import { serveClient } from './client-mode.mjs';

const libraries = {
  // eventsource 5.x: a WHATWG-shaped EventSource over fetch (Node >= 22).
  eventsource: async () => (await import('eventsource')).EventSource,
  // undici 8.x's EventSource (the one Node 24 ships behind --experimental-eventsource, as a package).
  undici: async () => (await import('undici')).EventSource,
  // extended-eventsource 2.x: EventSource with retry options; defaults kept.
  'extended-eventsource': async () => (await import('extended-eventsource')).EventSource,
  // launchdarkly-eventsource 2.x: the eventsource 2.x API over http.request.
  'launchdarkly-eventsource': async () => (await import('launchdarkly-eventsource')).EventSource,
};

const name = process.argv[2];
if (!(name in libraries)) {
  process.stderr.write(`usage: library-eventsource.mjs ${Object.keys(libraries).join('|')}\n`);
  process.exit(2);
}
const EventSourceClass = await libraries[name]();
serveClient({
  name,
  version: packageVersion(name, import.meta.url),
  create: (url, init, baseUrl) => new EventSourceClass(new URL(url, baseUrl).href, init),
});
