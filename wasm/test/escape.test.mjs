// The page's own escaper (wasm/page/escape.js, used before the WASM package has loaded or without
// it) writes exactly what conformance::escape_bytes writes (the package's escapeBytes, compiled from
// the C++): for every Unicode scalar value, every byte that cannot start a sequence, cut-off and
// ill-formed sequences, and every input of the corpus. So a person sees the same escapes everywhere.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { escapeBytes } from '../index.js';
import { escapeBytesRuns, escapeString, splitEscapes } from '../page/escape.js';

const fixtures = process.env.SSE_FIXTURES_DIR || fileURLToPath(new URL('../../fixtures', import.meta.url));
const utf8 = new TextEncoder();
