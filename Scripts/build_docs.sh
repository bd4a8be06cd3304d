#!/usr/bin/env bash
# Builds the API documentation of the four libraries with the Swift toolchain's DocC into
# .build/docs/<Module> (static HTML): swift-symbolgraph-extract reads the modules of the last
# release build, then `docc convert` joins each module's symbols with its catalog
# Sources/<Module>/<Module>.docc. Any DocC warning, such as a broken ``Symbol`` link, fails,
# except a parameter list that leaves parameters out (counted and printed, not yet fixed).
#
# It reuses the release build (`make test` builds it first); it builds the libraries only when
# their modules are missing or older than a source file.
set -euo pipefail
cd "$(dirname "$0")/.."
libraries=(FaceTensor FaceNets Adversary FacePipeline)

# The toolchain's tools sit next to swift on Linux (there is no xcrun).
tools=$(dirname "$(readlink -f "$(command -v swift)")")
for tool in docc swift-symbolgraph-extract; do
  if [[ ! -x "$tools/$tool" ]]; then
    echo "error: $tools/$tool not found: it comes with a Swift 6 toolchain" >&2
    exit 1
  fi
done

newest_module=.build/release/Modules/FacePipeline.swiftmodule
if [[ ! -e "$newest_module" ]] ||
  [[ -n "$(find "${libraries[@]/#/Sources/}" -name '*.swift' -newer "$newest_module" | head -1)" ]]; then
  swift build -c release --product advcli
fi

# The search paths and module maps the compiler used for FacePipeline (which imports the other
# three libraries and every C module below them), from the release build's manifest.
args=$(grep -A3 "description: \"Compiling Swift Module 'FacePipeline'" .build/release.yaml |
  grep '^ *args:')
mapfile -t search_flags < <(
  grep -oE '"-I","[^"]+"|"-Xcc","[^"]+"|"-I/[^"]+"|"-target","[^"]+"' <<<"$args" |
    tr ',' '\n' | tr -d '"')

graphs=.build/docs/.symbol-graphs
for module in "${libraries[@]}"; do
  rm -rf "${graphs:?}/$module" ".build/docs/$module"
  mkdir -p "$graphs/$module"
  "$tools/swift-symbolgraph-extract" -module-name "$module" "${search_flags[@]}" \
    -minimum-access-level public -skip-inherited-docs -output-dir "$graphs/$module"
  "$tools/docc" convert "Sources/$module/$module.docc" \
    --additional-symbol-graph-dir "$graphs/$module" \
    --fallback-display-name "$module" --fallback-bundle-identifier "faceadversary.$module" \
    --output-dir ".build/docs/$module" >"$graphs/$module.log" 2>&1 || {
    cat "$graphs/$module.log" >&2
    exit 1
  }
  diagnostics=$(grep -E '(^|: )(warning|error): ' "$graphs/$module.log" || true)
  tolerated="warning: Parameter '[^']*' (is missing documentation|not found in function declaration)"
  failures=$(grep -vE "$tolerated" <<<"$diagnostics" | grep . || true)
  if [[ -n "$failures" ]]; then
    echo "error: DocC diagnostics for $module (full log: $graphs/$module.log):" >&2
    echo "$failures" >&2
    exit 1
  fi
  echo "documentation of $module: .build/docs/$module" \
    "($(grep -cE "$tolerated" <<<"$diagnostics" || true) parameters left out of parameter lists)"
done
