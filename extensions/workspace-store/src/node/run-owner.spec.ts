import { expect } from 'chai';
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import { currentRunOwner, parseRunOwner, runOwnerEnded } from './run-owner';

/** A process that has been started and has ended (reaped): its pid names no process now. */
function endedPid(): number {
    const child = childProcess.spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(child.stdout);
}

describe('run owners: is the process that runs a run still there?', () => {
    const self = currentRunOwner();
    const linux = self.start !== undefined;

    it('names this process: host, pid and (with /proc) its start', () => {
        expect(self).to.deep.include({ host: os.hostname(), pid: process.pid });
        expect(linux).to.equal(fs.existsSync('/proc/self/stat'));
        expect(parseRunOwner(JSON.stringify(self))).to.deep.equal(self);
    });

    it('a live process has not ended; an ended one, another boot and a reused pid have', function (): void {
        expect(runOwnerEnded(self)).to.equal(false);
        const gone = endedPid();
        expect(runOwnerEnded({ host: self.host, pid: gone, start: self.start })).to.equal(true);
        expect(runOwnerEnded({ host: self.host, pid: gone })).to.equal(true);
        if (!linux) {
            this.skip();
        }
        const [boot, ticks] = self.start!.split(':');
        expect(runOwnerEnded({ ...self, start: `${boot}:${Number(ticks) - 1}` }), 'the same pid, started at another time').to.equal(true);
        expect(runOwnerEnded({ ...self, start: `00000000-0000-0000-0000-000000000000:${ticks}` }), 'another boot').to.equal(true);
    });

    it('cannot tell for another host (its runs stay as they are), and concludes nothing from a value that is not an owner', () => {
        expect(runOwnerEnded({ host: `${os.hostname()}-elsewhere`, pid: endedPid() })).to.equal(false);
        for (const text of [null, undefined, 42, '', 'not json', '{}', '{"host":"h"}', '{"host":"h","pid":"1"}', '{"host":"h","pid":1,"start":2}']) {
            expect(parseRunOwner(text), String(text)).to.equal(undefined);
        }
    });
});
