#!/usr/bin/env bash
# The browser tests open the rendered reports in Debian's Chromium (driven by Playwright, which never
# downloads a browser of its own here). Install it when it is missing; needs root, as on CI.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium mangler: installér Debians pakke 'chromium' (sudo apt-get install chromium)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium
