// reference.js: the WASM reference parser (the package in wasm/, served at /wasm/), as the page
// uses it:
//   observe(bytes, initialLastEventId, splits) -> observation log (all kinds, fixture JSON shape),
//                                                 fed chunk by chunk as the server sends it
//   compare(expected, observed)                -> {equal, diff}  (conformance::compare_logs)
//   escape(bytesOrString)                      -> text           (conformance::escape_bytes)
// Resolves to null when the package is not built (the page then shows the corpus's logs).
export async function loadReference() {
  let pkg;
  try {
    pkg = await import('/wasm/index.js');
  } catch (e) {
    console.warn('WASM reference not available:', e);
    return null;
  }
  return {
    description: 'sse-conformance-reference (the C++ reference parser compiled to WebAssembly)',
    observe(bytes, initialLastEventId, splits) {
      const parser = new pkg.Parser({ lastEventId: initialLastEventId || '', comments: true });
      try {
        const log = [];
        const cuts = [0, ...(splits || []), bytes.length];
        for (let k = 0; k + 1 < cuts.length; k++) log.push(...parser.feed(bytes.subarray(cuts[k], cuts[k + 1])));
        log.push(...parser.finish());
        return log;
      } finally {
        parser.dispose();
      }
    },
    compare: (expected, observed) => pkg.compareLogs(expected, observed),
    escape: (value) => pkg.escapeBytes(value),
  };
}
