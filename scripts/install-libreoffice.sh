#!/usr/bin/env bash
# Installs LibreOffice Writer without the GUI (Debian package
# libreoffice-writer-nogui) for the DOCX -> PDF sample renderer
# (samples/generate/libreoffice.py), unless `soffice` is already on PATH.
# Only the Writer core: --no-install-recommends keeps Java, Impress, Calc
# and the GTK/Qt front ends out (51 packages, ~86 MB of archives; about 18 s on
# the dev box with a warm apt cache, allow a few minutes for a cold download).
set -euo pipefail
if command -v soffice >/dev/null 2>&1; then
  exit 0
fi
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends libreoffice-writer-nogui
command -v soffice >/dev/null 2>&1 || { echo "soffice not found after install" >&2; exit 1; }
