#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script: builds the libFuzzer targets of parser/fuzz/ with the
# infrastructure's compiler and flags and puts them, with their seed corpora, in $OUT:
#   $CXX, $CXXFLAGS        the compiler and its sanitizer/coverage flags (every library is built with them)
#   $LIB_FUZZING_ENGINE    the engine's link flags (libFuzzer: -fsanitize=fuzzer)
#   $OUT                   where the fuzzers go: sse_fuzz_<name> and sse_fuzz_<name>_seed_corpus.zip
#   $SRC, $WORK            (optional) the source checkout's parent and a scratch folder
# Run locally (what `.ci/test` does):
#   CXX=clang++ CXXFLAGS='-fsanitize=address,undefined -fsanitize=fuzzer-no-link' \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out .clusterfuzzlite/build.sh
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${WORK:-/tmp}/sse-conformance-fuzz-build
targets=(parser fixture_loader adapter_answer request_body)

cmake -S "$source_dir" -B "$build_dir" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DSSE_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
  -DSSE_BUILD_FUZZERS=ON -DSSE_BUILD_TESTS=OFF -DSSE_BUILD_BENCHMARKS=OFF -DSSE_BUILD_RUNNER=OFF
cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]/#/sse_fuzz_}"

mkdir -p "$OUT"
for t in "${targets[@]}"; do
  cp "$build_dir/parser/fuzz/sse_fuzz_$t" "$OUT/"
  # The committed seeds (parser/fuzz/corpus/<name>), zipped the way OSS-Fuzz expects.
  rm -f "$OUT/sse_fuzz_${t}_seed_corpus.zip"
  (cd "$source_dir/parser/fuzz/corpus/$t" && python3 -c '
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(".")):
        z.write(name)' "$OUT/sse_fuzz_${t}_seed_corpus.zip")
done
echo "build.sh: ${#targets[@]} fuzzers and their seed corpora in $OUT"
