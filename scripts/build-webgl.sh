#!/usr/bin/env bash
# Reproduce the vendored WebGL graph renderer from the npm registry.
#
# Cytoscape.js >= 3.31 draws with WebGL (renderer: {name: 'canvas', webgl: true});
# dash-cytoscape 1.0.2 bundles 3.28, which cannot. The dashboard ships the
# minified UMD build inside the Python package (dashboard/assets/vendor/), so
# nothing is fetched at run time. This script fetches the pinned tarball with
# npm, checks the tarball's and the file's sha256, and copies the file and its
# MIT licence next to each other. Run from the repository root:
#   bash scripts/build-webgl.sh          # (re)write the vendored files
#   bash scripts/build-webgl.sh --check  # only verify the committed files
set -euo pipefail

VERSION="3.35.0"
TARBALL_SHA256="058a81a7534777ea68dc737e9b77bd5b701e00acd9bee246245a576eeeac32e6"
MINJS_SHA256="71fa9ebec21a7ca2c40cff6aacc30d1f6464e363662ad4b2c197e1adc770cd94"
DEST="src/disputegraph/dashboard/assets/vendor"
JS="$DEST/cytoscape-${VERSION}.min.js"

if [[ "${1:-}" == "--check" ]]; then
    echo "${MINJS_SHA256}  ${JS}" | sha256sum -c -
    exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "cytoscape@${VERSION}" --silent >/dev/null)
echo "${TARBALL_SHA256}  ${work}/cytoscape-${VERSION}.tgz" | sha256sum -c -
tar -xzf "$work/cytoscape-${VERSION}.tgz" -C "$work"
grep -q '"license": "MIT"' "$work/package/package.json" || {
    echo "cytoscape ${VERSION} is not MIT-licensed any more: check before vendoring" >&2
    exit 1
}
echo "${MINJS_SHA256}  ${work}/package/dist/cytoscape.min.js" | sha256sum -c -
mkdir -p "$DEST"
rm -f "$DEST"/cytoscape-*.min.js
cp "$work/package/dist/cytoscape.min.js" "$JS"
cp "$work/package/LICENSE" "$DEST/cytoscape.LICENSE"
echo "wrote $JS and $DEST/cytoscape.LICENSE"
