#!/bin/bash
# The deb's postrm (electron-builder.yml: deb.afterRemove). Macros as in after-install.sh:
# only dollar-brace executable / sanitizedProductName are filled in by electron-builder.
#
# dpkg calls it with "remove", "purge", "upgrade" (the old version, just before the new
# one's postinst), or abort-*/failed-upgrade/disappear. An upgrade must leave everything in
# place: the new postinst sets it up again, and a hall terminal must not lose its autostart
# or keypad name to an update.
#   remove: the program's links and the autostart entry go; the keypad rule stays (it
#           describes the hall's hardware, like a configuration file), and so does every
#           user's data (~/.config/haochaping-terminal: ratings and the sealing key).
#   purge:  the keypad rule goes too. User data is still never deleted by the package.

APP_DIR='/opt/${sanitizedProductName}'
EXE='${executable}'

case "$1" in
  remove | purge | "") ;;
  *) exit 0 ;;
esac

# update-alternatives --remove takes the registered target, not the generic link.
if type update-alternatives >/dev/null 2>&1; then
  update-alternatives --remove "$EXE" "$APP_DIR/$EXE" || true
else
  rm -f "/usr/bin/$EXE"
fi

APPARMOR_DST="/etc/apparmor.d/$EXE"
if [ -f "$APPARMOR_DST" ]; then
  if apparmor_status --enabled >/dev/null 2>&1; then
    if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --remove "$APPARMOR_DST" || true
    fi
  fi
  rm -f "$APPARMOR_DST"
fi

rm -f /etc/xdg/autostart/haochaping-terminal.desktop
# Only our own link: a technician's own copy of the helper is left alone.
if [ -L /usr/bin/hcp-keypad-rule ]; then
  rm -f /usr/bin/hcp-keypad-rule
fi

if [ "$1" = purge ] && [ -f /etc/udev/rules.d/99-hcp-keypad.rules ]; then
  rm -f /etc/udev/rules.d/99-hcp-keypad.rules
  if hash udevadm 2>/dev/null && [ -d /run/udev ]; then
    udevadm control --reload || true
  fi
fi

exit 0
