#!/usr/bin/env bash
# Debian packages the product and its tests use: CJK fonts (the sample-corpus PDFs and scans),
# poppler-utils (pdftoppm for looking at pages), chromium (the Datasette browser test),
# LibreOffice Writer without GUI (converts legacy .doc/.wps files for the DOCX reader).
# Installs only what is missing; needs root (CI and the dev machines run as root).
set -euo pipefail
need=()
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
if [ "${WITH_BROWSER:-1}" = 1 ] && ! command -v chromium >/dev/null 2>&1; then need+=(chromium); fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${need[*]} (run as root: apt-get install -y ${need[*]})" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
