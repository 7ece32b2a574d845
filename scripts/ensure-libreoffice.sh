#!/usr/bin/env bash
# The reader tests convert their files with LibreOffice itself (headless `soffice --convert-to`), so the
# CSV dialects and XLSX files they read are the ones LibreOffice writes. Install Debian's Calc (without
# the GUI) when it is missing; needs root, as on CI.
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
