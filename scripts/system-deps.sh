#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing.
#   run:  CJK fonts and WeasyPrint's Pango/HarfBuzz (PDFs), gettext-free
#   test: the same plus Debian's Chromium for the browser tests
#   bench: the same as test plus wrk (bench/load.py's client)
set -euo pipefail
packages=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
case "${1:-run}" in test) packages+=(chromium) ;; bench) packages+=(chromium wrk) ;; esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing system packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "need root to install: ${missing[*]}" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
