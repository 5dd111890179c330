#!/bin/sh
# Install the CJK fonts the sample generator draws with (see render.FONT_FILES),
# then the Python packages it needs into the current interpreter's environment.
set -e
apt-get install -y fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai \
    fonts-wqy-microhei fonts-wqy-zenhei
python -m pip install numpy opencv-python pillow img2pdf pypdfium2
