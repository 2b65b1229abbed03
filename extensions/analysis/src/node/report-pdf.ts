// *****************************************************************************
// HTML -> PDF by printing the page in headless Chromium (Debian's /usr/bin/chromium, or
// BACKTESTR_CHROMIUM). The HTML is self-contained; it is written to a private temp folder.
// *****************************************************************************

import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';

export function chromiumPath(): string {
    return process.env.BACKTESTR_CHROMIUM ?? '/usr/bin/chromium';
}

/** Prints `html` to PDF bytes; rejects with Chromium's output when it fails or takes longer than `timeoutMs`. */
export async function htmlToPdf(html: string, timeoutMs = 120_000): Promise<Uint8Array> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-report-'));
    try {
        const page = path.join(dir, 'report.html');
        const pdf = path.join(dir, 'report.pdf');
        fs.writeFileSync(page, html);
        const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-pdf-header-footer',
            `--user-data-dir=${path.join(dir, 'profile')}`, `--print-to-pdf=${pdf}`, pathToFileURL(page).href];
        await new Promise<void>((resolve, reject) => {
            execFile(chromiumPath(), args, { timeout: timeoutMs }, (error, stdout, stderr) => {
                if (error || !fs.existsSync(pdf)) {
                    reject(new Error(`chromium could not print the report: ${error?.message ?? 'no PDF written'}\n${stderr}`));
                } else {
                    resolve();
                }
            });
        });
        return new Uint8Array(fs.readFileSync(pdf));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
