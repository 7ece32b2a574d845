#!/usr/bin/env bash
# The export tests open the XLSX workbooks in LibreOffice headless (soffice --convert-to csv), a reader
# that shares no code with openpyxl. Install Debian's Calc without a GUI when soffice is missing; needs
# root, as on CI.
set -euo pipefail
if command -v soffice >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "soffice mangler: installér Debians pakke 'libreoffice-calc-nogui' (sudo apt-get install libreoffice-calc-nogui)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
command -v soffice
