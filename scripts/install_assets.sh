#!/usr/bin/env bash
# Install the browser assets the API serves itself (no CDN): YASGUI for /sparql
# and Swagger UI for /docs, from the npm registry into api/static/vendor/.
# Idempotent: does nothing when the pinned versions are already in place.
# Usage: scripts/install_assets.sh [--force]
set -euo pipefail

YASGUI_VERSION="${YASGUI_VERSION:-4.6.2}"
SWAGGER_VERSION="${SWAGGER_VERSION:-5.32.0}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor="$root/api/static/vendor"
stamp="$vendor/.installed"
want="yasgui=$YASGUI_VERSION swagger-ui-dist=$SWAGGER_VERSION"

if [[ "${1:-}" != "--force" && -f "$stamp" && "$(cat "$stamp")" == "$want" \
      && -f "$vendor/yasgui/yasgui.min.js" && -f "$vendor/swagger-ui/swagger-ui-bundle.js" ]]; then
  echo "browser assets already installed ($want)"
  exit 0
fi

command -v npm >/dev/null || { echo "install_assets: npm is needed (apt-get install -y npm)" >&2; exit 1; }

cache="${XDG_CACHE_HOME:-$HOME/.cache}/chipgraph-assets"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$cache"
echo '{"name":"chipgraph-assets","private":true}' > "$work/package.json"
npm install --prefix "$work" --cache "$cache" --no-audit --no-fund --ignore-scripts --loglevel=error \
  "@zazuko/yasgui@$YASGUI_VERSION" "swagger-ui-dist@$SWAGGER_VERSION"

yasgui="$work/node_modules/@zazuko/yasgui/build"
swagger="$work/node_modules/swagger-ui-dist"
for file in "$yasgui/yasgui.min.js" "$yasgui/yasgui.min.css" "$swagger/swagger-ui-bundle.js" "$swagger/swagger-ui.css"; do
  [[ -f "$file" ]] || { echo "install_assets: $file missing from the npm package" >&2; exit 1; }
done

tmp="$vendor.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/yasgui" "$tmp/swagger-ui"
cp "$yasgui/yasgui.min.js" "$yasgui/yasgui.min.css" "$tmp/yasgui/"
cp "$work/node_modules/@zazuko/yasgui/package.json" "$tmp/yasgui/"
cp "$swagger/swagger-ui-bundle.js" "$swagger/swagger-ui.css" "$swagger/LICENSE" "$swagger/package.json" "$tmp/swagger-ui/"
[[ -f "$swagger/NOTICE" ]] && cp "$swagger/NOTICE" "$tmp/swagger-ui/"
echo "$want" > "$tmp/.installed"
rm -rf "$vendor"
mv "$tmp" "$vendor"
echo "installed $want into ${vendor#"$root"/}"
