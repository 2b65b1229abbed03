// Puppeteer (pulled in by @theia/cli) must not download a browser: this machine has no
// network for it. UI tests drive Debian's /usr/bin/chromium through playwright-core.
module.exports = { skipDownload: true };
