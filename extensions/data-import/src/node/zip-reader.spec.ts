import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { makeZip, tempDir } from './test-support/test-files';
import { listZipEntries, listZipFileEntries, readZipEntry, readZipFileEntryHead, streamZipEntry, ZipFormatError } from './zip-reader';

/** makeZip's archive with the central directory entry of `name` changed by `edit` (given the entry's offset). */
function editCentralEntry(zip: Buffer, name: string, edit: (at: number) => void): Buffer {
    const eocd = zip.length - 22;
    let p = zip.readUInt32LE(eocd + 16);
    for (let k = 0; k < zip.readUInt16LE(eocd + 10); k++) {
        const nameLength = zip.readUInt16LE(p + 28);
        if (zip.toString('utf8', p + 46, p + 46 + nameLength) === name) {
            edit(p);
            return zip;
        }
        p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
    }
    throw new Error(`no entry ${name}`);
}

async function streamError(file: string, entryName: string): Promise<Error> {
    const entry = listZipFileEntries(file).find(e => e.name === entryName)!;
    try {
        for await (const _ of streamZipEntry(file, entry)) {
            // read to the end
        }
    } catch (error) {
        return error as Error;
    }
    throw new Error(`${entryName} streamed`);
}

describe('zip reader: entries that are not plain data', () => {
    const rows = '14400464,1674100,100,P,20002000,0\n'.repeat(100);

    it('refuses an encrypted entry, naming it, read whole or streamed; the other entries still read', async () => {
        const archive = makeZip({ 'a.csv': rows, 'secret.csv': rows });
        // General purpose flag bit 0: encrypted.
        const zip = editCentralEntry(archive, 'secret.csv', at => archive.writeUInt16LE(1, at + 8));
        const [plain, secret] = listZipEntries(zip);
        expect(secret).to.include({ name: 'secret.csv', encrypted: true, symlink: false });
        expect(readZipEntry(zip, plain).toString()).to.equal(rows);
        expect(() => readZipEntry(zip, secret)).to.throw(ZipFormatError, /^secret\.csv is encrypted; BackTestr reads only unencrypted zip entries/);
        const file = path.join(tempDir('zip-encrypted-'), 'x.zip');
        fs.writeFileSync(file, zip);
        expect(readZipFileEntryHead(file, listZipFileEntries(file)[1], 100)).to.equal(undefined);
        expect((await streamError(file, 'secret.csv')).message).to.match(/^secret\.csv is encrypted/);
    });

    it('refuses a symbolic link stored by a Unix zip, naming it; a Unix file entry reads', async () => {
        let zip = makeZip({ 'file.csv': rows, 'link.csv': 'file.csv' });
        for (const [name, mode] of [['file.csv', 0o100644], ['link.csv', 0o120777]] as const) {
            zip = editCentralEntry(zip, name, at => {
                zip.writeUInt16LE((3 << 8) | 20, at + 4);
                zip.writeUInt32LE((mode << 16) >>> 0, at + 38);
            });
        }
        const [file, link] = listZipEntries(zip);
        expect(file).to.include({ symlink: false });
        expect(link).to.include({ name: 'link.csv', symlink: true });
        expect(readZipEntry(zip, file).toString()).to.equal(rows);
        expect(() => readZipEntry(zip, link)).to.throw(ZipFormatError, /^link\.csv is a symbolic link, not a file/);
        const archive = path.join(tempDir('zip-link-'), 'x.zip');
        fs.writeFileSync(archive, zip);
        expect((await streamError(archive, 'link.csv')).message).to.match(/^link\.csv is a symbolic link/);
    });
});
