#!/usr/bin/env bash
# Makes the placeholder voice prompts in assets/sounds/ with Debian's espeak-ng
# (Mandarin voice). A hall replaces them with its own recordings of the same names.
set -euo pipefail
cd "$(dirname "$0")/../assets/sounds"
command -v espeak-ng >/dev/null || { echo "espeak-ng is not installed: apt-get install -y espeak-ng" >&2; exit 1; }
say() { espeak-ng -v cmn -s 150 -w "$1.wav" "$2"; }
say welcome '欢迎光临'
say please_rate '您好，请您对本次服务进行评价'
say choose_reasons '请选择不满意的原因'
say thanks '已收到您的评价，谢谢'
ls -l ./*.wav
