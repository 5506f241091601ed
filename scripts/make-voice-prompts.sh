#!/usr/bin/env bash
# Makes the placeholder voice prompts in assets/sounds/ with Debian's espeak-ng (Mandarin
# voice) and sox: 8 kHz μ-law WAV (telephone quality), silence trimmed, so the whole set stays small. A hall
# replaces any of them with its own recordings of the same names (docs/voice.md).
# The clip names are src/core/voice.ts's FIXED_CLIPS, plus reason_CODE for each 差评 reason
# of the built-in catalogue (assets/reasons.json, levels 1 and 2).
set -euo pipefail
cd "$(dirname "$0")/../assets/sounds"
command -v espeak-ng >/dev/null || { echo "espeak-ng is not installed: apt-get install -y espeak-ng" >&2; exit 1; }
command -v sox >/dev/null || { echo "sox is not installed: apt-get install -y sox" >&2; exit 1; }
command -v node >/dev/null || { echo "node is not installed (it reads assets/reasons.json)" >&2; exit 1; }
raw=$(mktemp --suffix=.wav)
trap 'rm -f "$raw"' EXIT
say() {
  espeak-ng -v cmn -s 170 -w "$raw" "$2"
  # Trim espeak's silence at both ends, then leave a short pause: clips are said in a row.
  sox "$raw" -r 8000 -c 1 -e u-law "$1.wav" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse pad 0 0.2
}
say welcome '欢迎光临'
say please_rate '您好，请您对本次服务进行评价'
say choose_scope '请选择评价方式'
say scope_overall '总体评价'
say scope_department '分部门评价'
say rate_overall '请对本次服务作总体评价'
say department_first '请评价第一个部门'
say department_next '请评价下一个部门'
say rate_again '请重新选择您的评价'
for n in 1 2 3 4 5; do say "key_$n" "按$n"; done
say level_5 '非常满意'
say level_4 '满意'
say level_3 '基本满意'
say level_2 '不满意'
say level_1 '非常不满意'
say choose_reasons '请选择不满意的原因'
# The reasons screen's keys (src/core/keypad-keys.ts REASON_KEYS).
say reasons_keys '按1上一项，按2下一项，按3选择或取消，按4返回修改，按5提交'
say reason_selected '已选择'
say reason_unselected '已取消'
say time_left_extend '还剩10秒，按任意键可延长'
say time_left_final '还剩10秒，到时自动提交'
say thanks '已收到您的评价，谢谢'
while IFS=$'\t' read -r code label; do
  say "reason_$code" "$label"
done < <(node -e '
  const levels = require("../reasons.json").levels;
  for (const level of ["1", "2"]) for (const r of levels[level]) console.log(`${r.code}\t${r.label}`);
')
du -ch ./*.wav | tail -1
