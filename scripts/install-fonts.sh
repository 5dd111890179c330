#!/usr/bin/env bash
# Installs the CJK fonts that the sample generator draws with and the OCR
# tests render text in (Debian packages), unless they are already there.
set -euo pipefail
fonts=(
  /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc   # fonts-noto-cjk
  /usr/share/fonts/truetype/wqy/wqy-microhei.ttc            # fonts-wqy-microhei
  /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc              # fonts-wqy-zenhei
  /usr/share/fonts/truetype/arphic/uming.ttc                # fonts-arphic-uming
  /usr/share/fonts/truetype/arphic/ukai.ttc                 # fonts-arphic-ukai
)
missing=0
for f in "${fonts[@]}"; do [ -f "$f" ] || missing=1; done
[ "$missing" = 0 ] && exit 0
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends fonts-noto-cjk fonts-wqy-microhei \
  fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai
