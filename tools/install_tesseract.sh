#!/usr/bin/env bash
# Install Debian's Tesseract 5 and the models of the six UN languages, for OCR of scans
# (pipeline/engines/ocr.py). Idempotent: does nothing when they are all there. Needs root
# (or sudo); otherwise says how, and scans stay no_text_layer.
set -euo pipefail

PACKAGES="tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-spa tesseract-ocr-rus tesseract-ocr-ara tesseract-ocr-chi-sim"
MODELS="eng fra spa rus ara chi_sim osd"

if command -v tesseract >/dev/null 2>&1; then
    have="$(tesseract --list-langs 2>/dev/null | tail -n +2)"
    missing=""
    for model in $MODELS; do grep -qx "$model" <<<"$have" || missing="$missing $model"; done
    if [ -z "$missing" ]; then
        echo "tesseract already installed: $(command -v tesseract)"
        exit 0
    fi
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; else
        echo "install_tesseract.sh: not root; scans will not be read. Install OCR with: sudo apt-get install $PACKAGES" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
echo "tesseract installed: $(command -v tesseract)"
