// This project's WebAssembly package (wasm/, npm name sse-conformance-reference) behind the adapter
// protocol: the same C++ reference, compiled with Emscripten, driven from JavaScript. Its Parser
// already reports observations in the fixture format, so this file only forwards them.
// Needs the package built first (wasm/dist/; see wasm/README.md).
import { readFileSync } from 'node:fs';
import { serve } from './protocol.mjs';

const packageDir = new URL('../../wasm/', import.meta.url);
let Parser;
try {
  ({ Parser } = await import(new URL('index.js', packageDir).href));
} catch (error) {
  process.stderr.write(
    `wasm adapter: cannot load the WASM package from ${packageDir.pathname} (${error.message}).\n` +
      'Build it first: see wasm/README.md (emcmake cmake ... && cmake --build ...).\n',
  );
  process.exit(3);
}
const { version } = JSON.parse(readFileSync(new URL('package.json', packageDir), 'utf8'));

serve({
  name: 'sse-conformance-reference (wasm)',
  version,
  capabilities: { events: true, last_event_id_commits: true, retry: true, comments: true, end: true },
  start(initialLastEventId) {
    const parser = new Parser({ lastEventId: initialLastEventId, comments: true });
    return {
      feed(bytes) {
        return parser.feed(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
      },
      end() {
        const observations = parser.finish();
        parser.dispose();
        return observations;
      },
    };
  },
});
