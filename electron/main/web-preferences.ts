// The window's web preferences, as plain data so a test can hold them to the security checklist.
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    // A middle click would otherwise open a link in a new window, around the window.open guard.
    disableBlinkFeatures: 'Auxclick',
    devTools: process.env['COUNTERSIGN_DEVTOOLS'] === '1',
  } as const;
}
