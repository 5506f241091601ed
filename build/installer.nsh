; Included by electron-builder's NSIS installer (electron-builder.yml: nsis.include).
;
; Start at login: a value under HKCU\...\Run, the per-user install's natural place (no
; admin rights, the same account as the data folder %APPDATA%\haochaping-terminal). Chosen
; over a Startup-folder shortcut because Windows shows the Run value in Task Manager's
; Startup tab, where a technician can see and toggle it, and because nothing in the
; Start menu folders can delete it by accident. Windows has no restart-on-crash here: a
; crashed terminal comes back at the next login (PACKAGING.md).

!define HCP_RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define HCP_RUN_VALUE "haochaping-terminal"

!macro customInstall
  WriteRegStr HKCU "${HCP_RUN_KEY}" "${HCP_RUN_VALUE}" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}"'
!macroend

!macro customUnInstall
  ; An update runs the old uninstaller first; the value is kept then (the new installer
  ; writes it again anyway) so a failed update does not lose the autostart.
  ${ifNot} ${isUpdated}
    DeleteRegValue HKCU "${HCP_RUN_KEY}" "${HCP_RUN_VALUE}"
  ${endIf}
!macroend
