// Packaging for Linux (AppImage, deb), macOS (dmg) and Windows (nsis). Packaging needs the
// Electron binary and platform tools, so it runs on release machines, not in CI.
/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'dev.rackside.app',
  productName: 'Rackside',
  directories: { output: 'dist', buildResources: 'resources' },
  files: ['out/**/*', 'package.json', '!**/*.map'],
  asar: true,
  // better-sqlite3 and ssh2 carry native code that must live outside the archive.
  asarUnpack: ['**/*.node'],
  npmRebuild: true,
  // SECURITY.md §5: flip the fuses that turn a packaged app into a general Node runtime.
  electronFuses: {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    enableCookieEncryption: true,
    grantFileProtocolExtraPrivileges: false,
    loadBrowserProcessSpecificV8Snapshot: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Network',
    maintainer: 'Rackside maintainers',
  },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.developer-tools',
    hardenedRuntime: true,
  },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
};
