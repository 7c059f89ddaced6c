#!/usr/bin/env bash
# Vendors the GraphiQL page's third-party files into this folder, so that
# GET /graphql works with no network (intranet): GraphiQL, React, ReactDOM
# and graphql-ws, as UMD builds, at pinned versions whose registry tarballs
# must match pinned integrity hashes.
#
# Needs: bash, npm (the npm registry only), tar, sha256sum.
# Run:   bash assets/graphiql/vendor.sh      (from anywhere)
# Then:  review `git diff assets/graphiql`, rebuild phancap, commit.
#
# Writes the vendored files, LICENSE.<package>.txt beside them, VERSIONS
# (package@version, tarball integrity, sha256 of every copied file) and
# FILES (every file served under /graphiql/, one per line, VERSIONS
# included). index.html, phancap-graphiql.js, phancap-graphiql.css and
# README.md are our own and are not touched.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# package  version  file-in-tarball=>name-here ...  (LICENSE handled below)
# graphiql 3.9.0 is the last 3.x release; 4.x and later ship no UMD build.
PACKAGES=(
  "react|18.3.1|sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==|umd/react.production.min.js=>react.production.min.js"
  "react-dom|18.3.1|sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw==|umd/react-dom.production.min.js=>react-dom.production.min.js"
  "graphiql|3.9.0|sha512-rJYFlHdBbug9+YbFSwRVvgfPjCayC7wHecZkx/qB4XLuQPFQZw/yB9pmHFtOJV6RiNBBHro3u1GdocKa3YcGRA==|graphiql.min.js=>graphiql.min.js graphiql.min.css=>graphiql.min.css"
  "graphql-ws|6.4.2|sha512-wxhPhhOGJo8PbGDkBYVE76sZLDrS+GkyrR4bZECSLVbo0pZZNKs0HtBh2Ip/uaUuiVUxwO9ssI9R92buQfNSqQ==|umd/graphql-ws.min.js=>graphql-ws.min.js"
)

# Our own files that are served too (not written by this script).
OWN_SERVED=(phancap-graphiql.js phancap-graphiql.css)

# Hosts a vendored file must never load from at run time.
CDN_PATTERN='unpkg\.com|cdn\.jsdelivr|jsdelivr\.net|esm\.sh|googleapis|gstatic|fonts\.com|cdnjs|skypack'

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

served=()
versions="$tmp/VERSIONS"
{
  echo "# Written by vendor.sh: do not edit by hand. Re-run vendor.sh instead."
  echo "# package@version  registry tarball integrity"
  echo "#   sha256  file"
} >"$versions"

for entry in "${PACKAGES[@]}"; do
  IFS='|' read -r name version integrity files <<<"$entry"
  echo "== $name@$version"
  dir="$tmp/$name"
  mkdir -p "$dir"
  # npm pack checks the download against the registry's integrity; we check
  # it against ours too, so a re-published or tampered tarball is refused.
  npm pack "$name@$version" --pack-destination "$dir" --json --silent >"$dir/pack.json"
  got="$(node -e 'const p=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.stdout.write(p[0].integrity)' "$dir/pack.json")"
  if [[ "$got" != "$integrity" ]]; then
    echo "integrity mismatch for $name@$version:" >&2
    echo "  expected $integrity" >&2
    echo "  got      $got" >&2
    exit 1
  fi
  tarball="$(node -e 'const p=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.stdout.write(p[0].filename)' "$dir/pack.json")"
  tar -xzf "$dir/$tarball" -C "$dir"
  pkg="$dir/package"

  echo "$name@$version  $integrity" >>"$versions"
  for pair in $files; do
    src="${pair%%=>*}"
    dst="${pair##*=>}"
    [[ -f "$pkg/$src" ]] || { echo "missing $src in $name@$version" >&2; exit 1; }
    if grep -E -o -i "$CDN_PATTERN" "$pkg/$src" | sort -u | grep -q .; then
      echo "warning: $name/$src mentions a CDN host:" >&2
      grep -E -o -i ".{0,80}($CDN_PATTERN).{0,80}" "$pkg/$src" | head -5 >&2
    fi
    cp "$pkg/$src" "$here/$dst"
    echo "  $(sha256sum "$here/$dst" | cut -d' ' -f1)  $dst" >>"$versions"
    served+=("$dst")
    echo "  $src -> $dst"
  done

  license=""
  for candidate in LICENSE LICENSE.md LICENSE.txt license license.md; do
    if [[ -f "$pkg/$candidate" ]]; then license="$pkg/$candidate"; break; fi
  done
  [[ -n "$license" ]] || { echo "no LICENSE file in $name@$version" >&2; exit 1; }
  cp "$license" "$here/LICENSE.$name.txt"
  echo "  $(sha256sum "$here/LICENSE.$name.txt" | cut -d' ' -f1)  LICENSE.$name.txt" >>"$versions"
  served+=("LICENSE.$name.txt")
  echo "  $(basename "$license") -> LICENSE.$name.txt"
done

# The CSS must not pull web fonts or anything else from elsewhere: every
# url(...) in it has to be a data: URI.
if grep -o 'url([^)]*)' "$here/graphiql.min.css" | grep -v '^url(data:' | grep -q .; then
  echo "graphiql.min.css references non-inline resources:" >&2
  grep -o 'url([^)]*)' "$here/graphiql.min.css" | grep -v '^url(data:' | head >&2
  exit 1
fi
if grep -q '@import' "$here/graphiql.min.css"; then
  echo "graphiql.min.css has an @import" >&2
  exit 1
fi

for own in "${OWN_SERVED[@]}"; do
  [[ -f "$here/$own" ]] || echo "warning: $own is listed in FILES but missing" >&2
  served+=("$own")
done

# VERSIONS is served too, so that what a server runs can be checked.
served+=(VERSIONS)
cp "$versions" "$here/VERSIONS"
printf '%s\n' "${served[@]}" | sort >"$here/FILES"
echo "== wrote VERSIONS and FILES ($(wc -l <"$here/FILES") files served under /graphiql/)"
