import { expect } from 'chai';
import { AllowedHosts, parseHost } from './allowed-hosts';

describe('AllowedHosts', () => {
    const loopbackOnly = new AllowedHosts();

    it('answers the loopback hosts on any port, in any case, with or without a port', () => {
        for (const host of ['127.0.0.1', '127.0.0.1:3000', '127.0.0.1:45123', 'localhost', 'localhost:3000', 'LocalHost:1',
            '[::1]', '[::1]:3000', ' localhost:3000 ']) {
            expect(loopbackOnly.allows(host), host).to.equal(true);
        }
    });

    it('refuses every other host, names that merely contain a loopback name, and malformed or missing headers', () => {
        for (const host of ['evil.example:3000', 'evil.example', '127.0.0.1.evil.example:3000', 'localhost.evil.example', 'evil-localhost',
            'localhost.', '127.0.0.2:3000', '0.0.0.0:3000', '[::]:3000', '::1', '[::1', 'user@localhost:3000', 'localhost:3000@evil.example',
            'localhost:3000/evil', 'localhost:', 'localhost:99999', 'localhost:3000, evil.example', 'localhost evil.example', '',
            undefined]) {
            expect(loopbackOnly.allows(host), String(host)).to.equal(false);
        }
    });

    it('adds the entries of the settings: a name on any port, name:port on that port only, bare or bracketed IPv6', () => {
        const hosts = new AllowedHosts({
            settings: [
                { source: 'BACKTESTR_ALLOWED_HOSTS', value: ' Workstation.LAN , proxy.example:4000,,fd00::7,[fd00::8]:9000' },
                { source: 'THEIA_HOSTS', value: 'theia.example:3000' }
            ]
        });
        for (const host of ['workstation.lan', 'workstation.lan:3000', 'WORKSTATION.lan:1', 'proxy.example:4000', '[fd00::7]:3000',
            '[fd00::8]:9000', 'theia.example:3000', 'localhost:3000']) {
            expect(hosts.allows(host), host).to.equal(true);
        }
        for (const host of ['proxy.example', 'proxy.example:4001', '[fd00::8]:9001', 'theia.example:3001', 'lan', 'evil.example:3000']) {
            expect(hosts.allows(host), host).to.equal(false);
        }
        expect(hosts.invalidEntries).to.deep.equal([]);
    });

    it('names each malformed entry with its setting and answers nothing for it', () => {
        const hosts = new AllowedHosts({ settings: [{ source: 'BACKTESTR_ALLOWED_HOSTS', value: 'http://evil.example:3000,good.example,bad host,x:99999' }] });
        expect(hosts.invalidEntries).to.have.length(3);
        expect(hosts.invalidEntries[0]).to.contain('BACKTESTR_ALLOWED_HOSTS').and.to.contain("'http://evil.example:3000'");
        expect(hosts.invalidEntries[1]).to.contain("'bad host'");
        expect(hosts.invalidEntries[2]).to.contain("'x:99999'");
        expect(hosts.allows('good.example:3000')).to.equal(true);
        expect(hosts.allows('evil.example:3000')).to.equal(false);
    });

    it('answers the --hostname the backend listens on, unless it is an every-interface address', () => {
        expect(new AllowedHosts({ listenHostname: 'mybox.lan' }).allows('mybox.lan:3000')).to.equal(true);
        expect(new AllowedHosts({ listenHostname: '192.168.1.20' }).allows('192.168.1.20:3000')).to.equal(true);
        expect(new AllowedHosts({ listenHostname: '::1' }).allows('[::1]:3000')).to.equal(true);
        for (const wildcard of ['0.0.0.0', '::', '[::]', '']) {
            const hosts = new AllowedHosts({ listenHostname: wildcard });
            expect(hosts.describe(), wildcard).to.deep.equal(['127.0.0.1', 'localhost', '[::1]']);
            expect(hosts.allows('0.0.0.0:3000'), wildcard).to.equal(false);
            expect(hosts.allows('[::]:3000'), wildcard).to.equal(false);
        }
    });
});

describe('parseHost', () => {
    it('splits name and port and lower-cases the name', () => {
        expect(parseHost('Example.COM:8080')).to.deep.equal({ hostname: 'example.com', port: 8080 });
        expect(parseHost('example.com')).to.deep.equal({ hostname: 'example.com', port: undefined });
        expect(parseHost('[FD00::1]:1')).to.deep.equal({ hostname: '[fd00::1]', port: 1 });
        expect(parseHost('fd00::1')).to.equal(undefined);
    });
});
