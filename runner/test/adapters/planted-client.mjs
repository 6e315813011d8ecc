// planted-client.mjs: a client-mode adapter with a bug planted on purpose, for `fuzz --client`'s
// test (fuzz_client.sh). It is the eventsource package's EventSource over a fetch whose body, when
// one read ends with CR and the next starts with LF, turns that LF into CR LF: a CRLF split across
// two chunks reads as two line ends. Everything else is the library's own (correct) parsing.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { serveClient } from '../../adapters/client-mode.mjs';

// The library is installed in runner/adapters, not beside this file.
const require = createRequire(new URL('../../adapters/package.json', import.meta.url));
const { EventSource } = await import(pathToFileURL(require.resolve('eventsource')).href);

const CR = 0x0d;
const LF = 0x0a;

function splitCrlfAsTwoLineEnds(body) {
  let lastWasCr = false;
  return body.pipeThrough(
    new TransformStream({
      transform(chunk, controller) {
        if (chunk.length === 0) return;
        let out = chunk;
        if (lastWasCr && chunk[0] === LF) {
          out = new Uint8Array(chunk.length + 1);
          out[0] = CR;
          out.set(chunk, 1);
        }
        lastWasCr = chunk[chunk.length - 1] === CR;
        controller.enqueue(out);
      },
    }),
  );
}

async function plantedFetch(url, init) {
  const response = await fetch(url, init);
  if (!response.body) return response;
  return new Response(splitCrlfAsTwoLineEnds(response.body), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

serveClient({
  name: 'planted-split-crlf',
  version: '1',
  create: (url, init, baseUrl) => new EventSource(new URL(url, baseUrl).href, { ...init, fetch: plantedFetch }),
});
