#!/usr/bin/env bash
# The reader tests convert their files with LibreOffice itself (headless `soffice --convert-to`), so the
# CSV dialects and XLSX files they read are the ones LibreOffice writes; the export tests read the XLSX
# workbooks back with it (a reader that shares no code with openpyxl) and look at the printed PDF pages
# as images (pdftoppm).
# Install Debian's Calc without a GUI and poppler-utils when they are missing; needs root, as on CI.
set -euo pipefail
if command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "soffice/pdftoppm mangler: installér Debians pakker 'libreoffice-calc-nogui' og 'poppler-utils' (sudo apt-get install …)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui poppler-utils >/dev/null
command -v soffice pdftoppm
