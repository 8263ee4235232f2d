; Inno Setup 6 script for the Eris Desktop installer on Windows.
;
; packaging\build-windows.ps1 runs PyInstaller and then this, as
;   iscc /DAppVersion=0.1.0 /DSourceDir=C:\...\dist\eris-desktop /OC:\...\dist installer.iss
;
; - Installs per user without administrator rights; the first page offers "for all users"
;   (per machine, asks for elevation) instead.
; - Start Menu entry; optional desktop icon and "start when I sign in".
; - Upgrades in place: the same AppId finds the old install, and the old bundled library
;   folder (_internal) is deleted first, so no stale DLL or module of an older build stays.
; - The uninstaller keeps the person's settings and eris services unless they say otherwise.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "dist\eris-desktop"
#endif
#define AppName "Eris Desktop"
#define AppExe "eris-desktop.exe"
#define SettingsFolder "eris-desktop"

[Setup]
; Never change the AppId: it is how Windows and Setup recognise an installed Eris Desktop.
AppId={{481D256E-52B3-467D-B7E9-CDB1C14C5C9D}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The Eris Desktop developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
UsePreviousTasks=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputBaseFilename=Eris-Desktop-{#AppVersion}-windows-x64-setup
SetupIconFile=app\resources\eris-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; A running Eris Desktop holds its files open: ask it to close (Restart Manager) before upgrading.
CloseApplications=yes
CloseApplicationsFilter=*.exe,*.dll,*.pyd
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "startatlogin"; Description: "Start {#AppName} when I sign in"; GroupDescription: "Starting:"; Flags: unchecked

[InstallDelete]
; The previous version's Python modules and Qt libraries: a new build brings its own set.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Run eris services on Docker"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon
Name: "{autostartup}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: startatlogin

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
{ Where the app keeps its settings, saved connections and logs (platformdirs on Windows). }
function SettingsDir(): String;
begin
  Result := ExpandConstant('{localappdata}\{#SettingsFolder}');
end;

{ The eris home: eris service definitions and data, shared with the eris command-line tool. }
function ErisHome(): String;
begin
  Result := GetEnv('ERIS');
  if Result = '' then
    Result := ExpandConstant('{%USERPROFILE}\.eris');
end;

function AskToDelete(const What, Folder, Keep: String): Boolean;
begin
  { Silent uninstalls take the default answer, No: nothing of the person's is deleted. }
  Result := SuppressibleMsgBox('Also delete ' + What + '?' + #13#10#13#10 + Folder + #13#10#13#10 + Keep,
    mbConfirmation, MB_YESNO or MB_DEFBUTTON2, IDNO) = IDYES;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  if DirExists(SettingsDir()) and
     AskToDelete('your {#AppName} settings, saved connections and logs', SettingsDir(),
       'Choose No to keep them for a later install.') then
    DelTree(SettingsDir(), True, True, True);
  if DirExists(ErisHome()) and
     AskToDelete('your eris services and their data (the eris command-line tool uses them too)', ErisHome(),
       'Choose No to keep them: they are yours, not part of the app.') then
    DelTree(ErisHome(), True, True, True);
end;
