#!/bin/sh
# Install the CJK fonts the sample generator draws with (see render.FONT_FILES),
# then the Python packages it needs into the current interpreter's environment.
set -e
here=$(dirname "$0")
bash "$here/../../scripts/install-fonts.sh"
python -m pip install numpy opencv-python pillow img2pdf pypdfium2
